/**
 * Several apiserver replicas on one etcd: real pwk servers (HTTPS, the full handler stack) with
 * --storage=etcd on the same prefix see each other's writes in get, list and watch at once,
 * and of two conflicting writes made through different replicas exactly one wins.
 */
import { eventually, openWatchStream, startTestServer } from '../support/server';
import type { TestServer } from '../support/server';
import { startTestEtcd } from '../support/etcd';
import type { TestEtcd } from '../support/etcd';

jest.setTimeout(30_000);

const GROUP = 'bar.pwk.educative.io';
const collection = (ns = 'default') => `/apis/${GROUP}/v1beta1/namespaces/${ns}/foos`;
const item = (name: string, ns = 'default') => `${collection(ns)}/${name}`;
const fooBody = (name: string, replicas = 1) => ({
  apiVersion: `${GROUP}/v1beta1`,
  kind: 'Foo',
  metadata: { name },
  spec: { replicas, location: 'Berlin' },
});
type Foo = ReturnType<typeof fooBody> & { metadata: { uid: string; resourceVersion: string } };

describe('two apiserver replicas on one etcd', () => {
  let etcd: TestEtcd;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    etcd = await startTestEtcd();
    const flags = ['--storage=etcd', `--etcd-servers=${etcd.endpoint}`, '--etcd-prefix=/replicas'];
    [a, b] = await Promise.all([startTestServer({ flags }), startTestServer({ flags })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await etcd?.destroy();
  });

  it('reads through B what was written through A, in get and list, at once', async () => {
    const created = await a.request('POST', collection(), { body: fooBody('shared') });
    expect(created.status).toBe(201);
    const fromA = created.json<Foo>();
    const got = await b.request('GET', item('shared'));
    expect(got.status).toBe(200);
    expect(got.json<Foo>()).toEqual(fromA);
    const list = (await b.request('GET', collection())).json<{
      items: Foo[];
      metadata: { resourceVersion: string };
    }>();
    expect(list.items.map((o) => o.metadata.uid)).toContain(fromA.metadata.uid);
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(
      Number(fromA.metadata.resourceVersion),
    );

    const deleted = await b.request('DELETE', item('shared'));
    expect(deleted.status).toBe(200);
    expect((await a.request('GET', item('shared'))).status).toBe(404);
  });

  it('shows a watch on B the writes made through A', async () => {
    const rv = String(await a.server.storage.currentRevision());
    const watch = await openWatchStream(b, `${collection('watched')}?watch=true&resourceVersion=${rv}`);
    try {
      expect(watch.status).toBe(200);
      const created = (await a.request('POST', collection('watched'), { body: fooBody('w') })).json<Foo>();
      const updated = await a.request('PUT', item('w', 'watched'), {
        body: { ...created, spec: { replicas: 3, location: 'Paris' } },
      });
      expect(updated.status).toBe(200);
      await eventually(() => watch.events.length >= 2, 'two events on replica B');
      expect(watch.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
      const objects = watch.events.map((e) => e.object as Foo);
      expect(objects[0]!.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
      expect(objects[1]).toEqual(updated.json());
    } finally {
      watch.close();
    }
  });

  it('lets exactly one of two conflicting updates through different replicas win', async () => {
    expect((await a.request('POST', collection(), { body: fooBody('contended') })).status).toBe(201);
    for (let round = 0; round < 5; round++) {
      const current = (await a.request('GET', item('contended'))).json<Foo>();
      const [viaA, viaB] = await Promise.all([
        a.request('PUT', item('contended'), {
          body: { ...current, spec: { replicas: 10 + round, location: 'A' } },
        }),
        b.request('PUT', item('contended'), {
          body: { ...current, spec: { replicas: 20 + round, location: 'B' } },
        }),
      ]);
      expect([viaA.status, viaB.status].sort()).toEqual([200, 409]);
      const winner = viaA.status === 200 ? viaA : viaB;
      const loser = viaA.status === 409 ? viaA : viaB;
      expect(loser.json()).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });
      expect((await b.request('GET', item('contended'))).json()).toEqual(winner.json());
    }
  });

  it('lets exactly one of two creates of the same name through different replicas win', async () => {
    const [viaA, viaB] = await Promise.all([
      a.request('POST', collection(), { body: fooBody('raced') }),
      b.request('POST', collection(), { body: fooBody('raced') }),
    ]);
    expect([viaA.status, viaB.status].sort()).toEqual([201, 409]);
    const loser = viaA.status === 409 ? viaA : viaB;
    expect(loser.json()).toMatchObject({ reason: 'AlreadyExists' });
  });
});
