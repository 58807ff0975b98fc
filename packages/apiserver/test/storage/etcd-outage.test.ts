/**
 * etcd going away and coming back, seen through a real pwk server with --storage=etcd: requests
 * get a 503 Status and /readyz fails (the process keeps serving /livez), a server started while
 * etcd is down comes up not ready, and everything recovers once etcd is back — including a
 * watch opened before the outage, which resumes without losing events.
 */
import { eventually, openWatchStream, startTestServer } from '../support/server';
import type { TestServer } from '../support/server';
import { startTestEtcd } from '../support/etcd';
import type { TestEtcd } from '../support/etcd';

jest.setTimeout(40_000);

const GROUP = 'bar.pwk.educative.io';
const collection = `/apis/${GROUP}/v1beta1/namespaces/default/foos`;
const fooBody = (name: string) => ({
  apiVersion: `${GROUP}/v1beta1`,
  kind: 'Foo',
  metadata: { name },
  spec: { replicas: 1 },
});

/** Polls until `check` passes (the readiness probe runs every 2 s). */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('etcd unavailable', () => {
  let etcd: TestEtcd;
  let server: TestServer;
  let late: TestServer | undefined;

  beforeAll(async () => {
    etcd = await startTestEtcd();
    server = await startTestServer({ flags: ['--storage=etcd', `--etcd-servers=${etcd.endpoint}`] });
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), late?.stop()]);
    await etcd?.destroy();
  });

  const status = async (s: TestServer, path: string) => (await s.request('GET', path)).status;

  it('answers 503 and fails /readyz while etcd is down, then recovers, and so does an open watch', async () => {
    expect((await server.request('POST', collection, { body: fooBody('before') })).status).toBe(201);
    expect(await status(server, '/readyz')).toBe(200);
    const rv = String(await server.server.storage.currentRevision());
    const watch = await openWatchStream(server, `${collection}?watch=true&resourceVersion=${rv}`);

    await etcd.stop();
    const read = await server.request('GET', `${collection}/before`);
    expect(read.status).toBe(503);
    expect(read.json()).toMatchObject({ kind: 'Status', code: 503, reason: 'ServiceUnavailable' });
    const write = await server.request('POST', collection, { body: fooBody('during') });
    expect(write.status).toBe(503);
    expect((await server.request('GET', collection)).status).toBe(503);
    expect(await status(server, '/readyz')).toBe(500);
    expect((await server.request('GET', '/readyz')).text).toContain('[-]storage failed');
    expect(await status(server, '/livez')).toBe(200);

    await etcd.start();
    await until('/readyz to pass again', async () => (await status(server, '/readyz')) === 200);
    expect((await server.request('GET', `${collection}/before`)).status).toBe(200);
    expect((await server.request('GET', `${collection}/during`)).status).toBe(404);
    expect((await server.request('POST', collection, { body: fooBody('after') })).status).toBe(201);
    await eventually(() => watch.events.length >= 1, 'the watch to resume after the outage', 10_000);
    expect(
      watch.events.map((e) => [e.type, (e.object as { metadata: { name: string } }).metadata.name]),
    ).toEqual([['ADDED', 'after']]);
    watch.close();
  });

  it('starts while etcd is down, not ready, and becomes ready when etcd comes up', async () => {
    await etcd.stop();
    late = await startTestServer({ flags: ['--storage=etcd', `--etcd-servers=${etcd.endpoint}`] });
    expect(await status(late, '/readyz')).toBe(500);
    expect(await status(late, collection)).toBe(503);
    await etcd.start();
    await until('the late server to become ready', async () => (await status(late!, '/readyz')) === 200);
    const list = await late.request('GET', collection);
    expect(list.status).toBe(200);
    expect(
      list.json<{ items: Array<{ metadata: { name: string } }> }>().items.map((o) => o.metadata.name),
    ).toEqual(['after', 'before']);
  });
});
