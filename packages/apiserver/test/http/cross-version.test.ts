/**
 * Foo's two served versions see the same objects, as a CRD with two versions: a watch at v1beta1
 * sees writes made at v1 (converted, v1's spec.paused carried in the annotation), and server-side
 * apply records the apiVersion each manager used and finds conflicts across versions.
 */
import { FOO_FIXTURE as V1, FOO_V1BETA1_FIXTURE as V1BETA1 } from '../support/kinds/fixtures';
import { eventually, openWatchStream, startTestServer } from '../support/server';
import type { TestServer } from '../support/server';

type Json = Record<string, unknown>;
interface Foo {
  apiVersion: string;
  metadata: {
    name: string;
    resourceVersion: string;
    annotations?: Record<string, string>;
    managedFields?: Array<{ manager: string; apiVersion: string; operation: string }>;
  };
  spec: Json;
}

const APPLY = 'application/apply-patch+yaml';
const config = (apiVersion: string, name: string, specLines: string[]) =>
  [
    `apiVersion: ${apiVersion}`,
    'kind: Foo',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    ...specLines.map((l) => `  ${l}`),
    '',
  ].join('\n');

describe('Foo at v1 and v1beta1: one set of objects', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('sends a v1beta1 watcher the writes made at v1, in v1beta1, with paused in the annotation', async () => {
    const stream = await openWatchStream(server, `${V1BETA1.collection('xv-watch')}?watch=true`);
    expect(stream.status).toBe(200);
    expect(stream.headers.warning).toBe(V1BETA1.warning);
    try {
      const created = await server.request('POST', V1.collection('xv-watch'), {
        body: V1.body('w1', { replicas: 4, location: 'Oslo', paused: true }),
      });
      expect(created.status).toBe(201);
      const rv = created.json<Foo>().metadata.resourceVersion;
      await eventually(() => stream.events.length > 0, 'the ADDED event');
      expect(stream.events).toHaveLength(1);
      const event = stream.events[0] as { type: string; object: Foo };
      expect(event.type).toBe('ADDED');
      expect(event.object.apiVersion).toBe(V1BETA1.apiVersion);
      expect(event.object.metadata.resourceVersion).toBe(rv);
      expect(event.object.spec).toEqual({ replicas: 4, location: 'Oslo' });
      expect(event.object.metadata.annotations).toEqual({ 'bar.pwk.educative.io/v1-spec-paused': 'true' });
    } finally {
      stream.close();
    }
  });

  it('keeps spec.paused through a v1beta1 read and write back', async () => {
    const created = await server.request('POST', V1.collection(), {
      body: V1.body('rt1', { replicas: 2, location: 'Rome', paused: true }),
    });
    expect(created.status).toBe(201);
    const old = (await server.request('GET', V1BETA1.item('rt1'))).json<Foo>();
    const put = await server.request('PUT', V1BETA1.item('rt1'), {
      body: { ...old, spec: { ...old.spec, replicas: 5 } },
    });
    expect(put.status).toBe(200);
    const now = (await server.request('GET', V1.item('rt1'))).json<Foo>();
    expect(now.spec).toEqual({ replicas: 5, location: 'Rome', paused: true });
    expect(now.metadata.annotations).toBeUndefined();
  });

  it('records each manager’s apiVersion and finds a conflict across versions', async () => {
    const apply = (k: typeof V1, manager: string, body: string, query = '') =>
      server.request('PATCH', `${k.item('ssa1')}?fieldManager=${manager}${query}`, {
        headers: { 'content-type': APPLY },
        body,
      });
    const first = await apply(V1, 'alice', config(V1.apiVersion, 'ssa1', ['replicas: 2']));
    expect(first.status).toBe(201);
    const second = await apply(V1BETA1, 'bob', config(V1BETA1.apiVersion, 'ssa1', ['location: Paris']));
    expect(second.status).toBe(200);
    const managers = (await server.request('GET', V1.item('ssa1'))).json<Foo>().metadata.managedFields!;
    expect(managers.map((m) => [m.manager, m.operation, m.apiVersion])).toEqual([
      ['alice', 'Apply', V1.apiVersion],
      ['bob', 'Apply', V1BETA1.apiVersion],
    ]);

    const before = await server.server.storage.currentRevision();
    const conflict = await apply(V1BETA1, 'bob', config(V1BETA1.apiVersion, 'ssa1', ['replicas: 7']));
    expect(conflict.status).toBe(409);
    expect(conflict.json()).toMatchObject({
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "alice": .spec.replicas',
    });
    expect(await server.server.storage.currentRevision()).toBe(before);
  });
});
