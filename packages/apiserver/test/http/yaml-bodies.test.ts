/**
 * YAML request bodies on the wire: nesting past MAX_NESTING_DEPTH (flow, block and through
 * aliases) and alias bombs are refused early with 400 BadRequest and nothing written, at the
 * largest size a request may have; large honest documents (decoded in the worker thread) are
 * created. How long the event loop is held and how much memory it takes is measured in
 * bench/hostile-bodies.js, not here. Run for Foo at each served version.
 */
import { MAX_NESTING_DEPTH } from '../../src/http/body';
import { FOO_FIXTURES } from '../support/kinds/fixtures';
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';

/** Just under the default --max-request-bytes (3 MiB). */
const MAX_BODY = 3 * 1024 * 1024 - 1024;
const DEPTH_ERROR = `couldn't get version/kind; yaml parse error: exceeded max depth of ${MAX_NESTING_DEPTH}`;

describe.each(FOO_FIXTURES)('YAML bodies: $title', (k) => {
  const collection = k.collection();
  const head = (name: string) => `apiVersion: ${k.apiVersion}\nkind: Foo\nmetadata: {name: ${name}}\n`;
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const post = (body: string) =>
    server.request('POST', collection, { headers: { 'content-type': 'application/yaml' }, body });
  const revision = () => server.server.storage.currentRevision();

  const flowLevels = Math.floor((MAX_BODY - 200) / 2);
  it.each([
    ['3 MB of flow sequences', `spec: {location: ${'['.repeat(flowLevels)}${']'.repeat(flowLevels)}}`],
    ['3 MB of unclosed flow sequences', `spec: {location: ${'['.repeat(MAX_BODY - 200)}`],
    ['3 MB of compact block sequences', `spec:\n  location:\n${'- '.repeat(flowLevels)}x`],
    ['flow mappings', `spec: ${'{a: '.repeat(5_000)}1${'}'.repeat(5_000)}`],
    [
      'block mappings',
      `spec:\n${Array.from({ length: 1_500 }, (_, i) => `${' '.repeat(i + 2)}a:`).join('\n')} 1`,
    ],
  ])(
    'answers %s nested past the limit with an early 400 BadRequest, writing nothing',
    async (_what, spec) => {
      const before = await revision();

      const res = await post(`${head('deep')}${spec}\n`);

      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'BadRequest',
        message: DEPTH_ERROR,
      });
      expect(await revision()).toBe(before);
      expect((await server.request('GET', '/readyz')).status).toBe(200);
    },
  );

  it('answers YAML nested just within the limit on its merits (422 for a non-string location)', async () => {
    const levels = MAX_NESTING_DEPTH - 3;

    const res = await post(`${head('within')}spec: {location: ${'['.repeat(levels)}${']'.repeat(levels)}}\n`);

    expect(res.json()).toMatchObject({ code: 422, reason: 'Invalid' });
  });

  it('answers a body whose aliases nest past the limit with 400', async () => {
    const half = MAX_NESTING_DEPTH - 100;
    const body = [
      head('deep-alias').trimEnd(),
      `x1: &a ${'['.repeat(half)}${']'.repeat(half)}`,
      `spec: {location: ${'['.repeat(half)}*a${']'.repeat(half)}}`,
      '',
    ].join('\n');

    const res = await post(body);

    expect(res.json()).toMatchObject({ code: 400, reason: 'BadRequest', message: DEPTH_ERROR });
  });

  it('answers a billion laughs with 400 and writes nothing', async () => {
    const rows = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++)
      rows.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const before = await revision();

    const res = await post(`${head('laughs')}${rows.join('\n')}\nspec: {location: *a8}\n`);

    expect(res.json()).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message:
        "couldn't get version/kind; yaml parse error: Excessive alias count indicates a resource exhaustion attack",
    });
    expect(await revision()).toBe(before);
  });

  it('answers aliases that multiply a large anchor with 400', async () => {
    const anchor = `[${Array(5_000).fill('x').join(', ')}]`;
    const body = `${head('wide-alias')}x: &big ${anchor}\ny: [${Array(90).fill('*big').join(', ')}]\nspec: {location: here}\n`;

    const res = await post(body);

    expect(res.json()).toMatchObject({
      code: 400,
      message: "couldn't get version/kind; yaml parse error: document contains excessive aliasing",
    });
  });

  it('creates a large honest YAML object (decoded off the event loop)', async () => {
    const annotations = Array.from({ length: 3_000 }, (_, i) => `    example.com/note-${i}: "value ${i}"`);
    const body = `${head('large').trimEnd()}\nmetadata:\n  name: large\n  annotations:\n${annotations.join('\n')}\nspec: {location: here}\n`;
    expect(body.length).toBeGreaterThan(64 * 1024);

    const res = await post(body.replace('metadata: {name: large}\n', ''));

    expect(res.status).toBe(201);
    const sent = Object.fromEntries(
      Array.from({ length: 3_000 }, (_, i) => [`example.com/note-${i}`, `value ${i}`]),
    );
    expect(res.json<{ metadata: { annotations: object } }>().metadata.annotations).toEqual({
      ...sent,
      ...k.readAnnotations,
    });
  });
});
