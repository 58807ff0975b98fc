/**
 * Duplicate keys in request bodies under fieldValidation, as a CRD answers them: Strict → 400
 * naming each duplicate (`duplicate field "spec.replicas"` for JSON, go-yaml's `line N: key "x"
 * already set in map` for YAML), Warn (the default) → the write succeeds with one Warning each,
 * Ignore → the last value wins silently. Create, update, the three patch types and apply, for
 * Foo at each served version (v1beta1's deprecation Warning comes first).
 */
import { FOO_FIXTURES } from '../support/kinds/fixtures';
import { startTestServer } from '../support/server';
import type { TestResponse, TestServer } from '../support/server';

const YAML = 'application/yaml';
const REPLICAS_WARNING = '299 - "duplicate field \\"spec.replicas\\""';

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${++counter}`;

describe.each(FOO_FIXTURES)('duplicate fields in request bodies: $title', (k) => {
  const collection = k.collection();
  const item = (name: string) => k.item(name);

  /** A Foo as JSON text whose spec gives replicas twice (1, then 7). */
  const duplicateJson = (name: string, extraMeta = '') =>
    `{"apiVersion":"${k.apiVersion}","kind":"Foo","metadata":{"name":"${name}"${extraMeta}},"spec":{"replicas":1,"location":"Oslo","replicas":7}}`;

  const duplicateYaml = (name: string) =>
    [
      `apiVersion: ${k.apiVersion}`,
      'kind: Foo',
      'metadata:',
      `  name: ${name}`,
      'spec:',
      '  replicas: 1',
      '  location: Oslo',
      '  replicas: 7',
      '',
    ].join('\n');

  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const revision = () => server.server.storage.currentRevision();
  const create = async (name: string) => {
    const res = await server.request('POST', collection, {
      body: {
        apiVersion: k.apiVersion,
        kind: 'Foo',
        metadata: { name },
        spec: { replicas: 2, location: 'Oslo' },
      },
    });
    expect(res.status).toBe(201);
    return res.json<{ metadata: { resourceVersion: string } }>();
  };
  const replicasOf = async (name: string) =>
    (await server.request('GET', item(name))).json<{ spec: { replicas: number } }>().spec.replicas;

  type Write = (name: string, query: string) => Promise<TestResponse>;
  const writes: Array<[string, (name: string) => Promise<void>, Write]> = [
    [
      'create (JSON)',
      async () => undefined,
      (name, q) => server.request('POST', `${collection}${q}`, { body: duplicateJson(name) }),
    ],
    [
      'update (JSON)',
      async (name) => void (await create(name)),
      async (name, q) => {
        const { metadata } = await server
          .request('GET', item(name))
          .then((r) => r.json<{ metadata: { resourceVersion: string } }>());
        const body = duplicateJson(name, `,"resourceVersion":"${metadata.resourceVersion}"`);
        return server.request('PUT', `${item(name)}${q}`, { body });
      },
    ],
    ...(['merge-patch', 'strategic-merge-patch'] as const).map(
      (type): [string, (name: string) => Promise<void>, Write] => [
        type,
        async (name) => void (await create(name)),
        (name, q) =>
          server.request('PATCH', `${item(name)}${q}`, {
            headers: { 'content-type': `application/${type}+json` },
            body: '{"spec":{"replicas":1,"replicas":7}}',
          }),
      ],
    ),
  ];

  describe.each(writes)('on %s', (verb, prepare, write) => {
    it('answers 400 BadRequest under Strict, naming the duplicate, and writes nothing', async () => {
      const name = uniqueName('strict');
      await prepare(name);
      const before = await revision();

      const res = await write(name, '?fieldValidation=Strict');

      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({
        kind: 'Status',
        reason: 'BadRequest',
        message: 'strict decoding error: duplicate field "spec.replicas"',
      });
      expect(await revision()).toBe(before);
    });

    it.each([
      ['Warn', '?fieldValidation=Warn'],
      ['absent (Warn)', ''],
    ])('succeeds with a Warning under %s, keeping the last value', async (_mode, query) => {
      const name = uniqueName('warn');
      await prepare(name);

      const res = await write(name, query);

      expect(res.status).toBeLessThan(300);
      expect(res.headers.warning).toBe(k.warningWith(REPLICAS_WARNING));
      expect(await replicasOf(name)).toBe(7);
    });

    it('keeps the last value silently under Ignore', async () => {
      const name = uniqueName('ignore');
      await prepare(name);

      const res = await write(name, '?fieldValidation=Ignore');

      expect(res.status).toBeLessThan(300);
      expect(res.headers.warning).toBe(k.warning);
      expect(await replicasOf(name)).toBe(7);
    });
  });

  it('lists duplicates before unknown fields under Strict, with array indexes in the path', async () => {
    const name = uniqueName('strict-many');
    const owner = '{"apiVersion":"v1","kind":"ConfigMap","name":"a","name":"b","uid":"u-1"}';
    const body = `{"apiVersion":"${k.apiVersion}","kind":"Foo","metadata":{"name":"${name}","ownerReferences":[${owner}]},"spec":{"colour":"red","replicas":1,"\\u0072eplicas":2}}`;

    const res = await server.request('POST', `${collection}?fieldValidation=Strict`, { body });

    expect(res.json()).toMatchObject({
      code: 400,
      message:
        'strict decoding error: duplicate field "metadata.ownerReferences[0].name", duplicate field "spec.replicas", unknown field "spec.colour"',
    });
    expect((await server.request('GET', item(name))).status).toBe(404);
  });

  it('names duplicates inside JSON patch operations only, as Kubernetes does', async () => {
    const name = uniqueName('json-patch');
    await create(name);
    const ops = '[{"op":"replace","path":"/spec/location","path":"/spec/replicas","value":5}]';
    const patch = (q: string) =>
      server.request('PATCH', `${item(name)}${q}`, {
        headers: { 'content-type': 'application/json-patch+json' },
        body: ops,
      });

    const strict = await patch('?fieldValidation=Strict');
    const warned = await patch('');

    expect(strict.json()).toMatchObject({
      code: 400,
      message: 'strict decoding error: json patch duplicate field "[0].path"',
    });
    expect(warned.status).toBe(200);
    expect(warned.headers.warning).toBe(k.warningWith('299 - "json patch duplicate field \\"[0].path\\""'));
    expect(await replicasOf(name)).toBe(5);
  });

  describe('YAML', () => {
    const post = (name: string, q: string) =>
      server.request('POST', `${collection}${q}`, {
        headers: { 'content-type': YAML },
        body: duplicateYaml(name),
      });

    it("answers 400 under Strict with go-yaml's words and line, and writes nothing", async () => {
      const name = uniqueName('yaml-strict');

      const res = await post(name, '?fieldValidation=Strict');

      expect(res.json()).toMatchObject({
        code: 400,
        reason: 'BadRequest',
        message:
          'strict decoding error: yaml: unmarshal errors:\n  line 8: key "replicas" already set in map',
      });
      expect((await server.request('GET', item(name))).status).toBe(404);
    });

    it('warns under Warn and keeps the last value silently under Ignore (no longer a 400)', async () => {
      const warnedName = uniqueName('yaml-warn');
      const ignoredName = uniqueName('yaml-ignore');

      const warned = await post(warnedName, '');
      const ignored = await post(ignoredName, '?fieldValidation=Ignore');

      expect(warned.status).toBe(201);
      expect(warned.headers.warning).toBe(
        k.warningWith('299 - "line 8: key \\"replicas\\" already set in map"'),
      );
      expect(ignored.status).toBe(201);
      expect(ignored.headers.warning).toBe(k.warning);
      expect(await replicasOf(warnedName)).toBe(7);
      expect(await replicasOf(ignoredName)).toBe(7);
    });
  });

  describe('server-side apply', () => {
    const apply = (name: string, q: string, body: string) =>
      server.request('PATCH', `${item(name)}?fieldManager=alice${q}`, {
        headers: { 'content-type': 'application/apply-patch+yaml' },
        body,
      });

    it.each([
      ['YAML', duplicateYaml, 8],
      ['JSON', (name: string) => duplicateJson(name), 1],
    ])(
      'refuses a %s configuration with duplicates under Strict, by line, and writes nothing',
      async (_what, body, line) => {
        const name = uniqueName('apply-strict');

        const res = await apply(name, '&fieldValidation=Strict', body(name));

        expect(res.json()).toMatchObject({
          code: 400,
          reason: 'BadRequest',
          message: `error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  line ${line}: key "replicas" already set in map`,
        });
        expect((await server.request('GET', item(name))).status).toBe(404);
      },
    );

    it('applies with a Warning under Warn, and silently under Ignore', async () => {
      const warnedName = uniqueName('apply-warn');
      const ignoredName = uniqueName('apply-ignore');

      const warned = await apply(warnedName, '', duplicateYaml(warnedName));
      const ignored = await apply(ignoredName, '&fieldValidation=Ignore', duplicateYaml(ignoredName));

      expect(warned.status).toBe(201);
      expect(warned.headers.warning).toBe(
        k.warningWith('299 - "line 8: key \\"replicas\\" already set in map"'),
      );
      expect(ignored.status).toBe(201);
      expect(ignored.headers.warning).toBe(k.warning);
      expect(await replicasOf(warnedName)).toBe(7);
    });
  });
});
