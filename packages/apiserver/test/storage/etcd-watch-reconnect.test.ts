/**
 * A storage watch across a broken connection to etcd (a TCP proxy cut and restored): it resumes
 * right after the last event it delivered — the writes made meanwhile arrive once, in order — and
 * when etcd compacted past that point meanwhile, the watch ends with ExpiredError.
 */
import { ExpiredError } from '../../src/storage/errors';
import { createEtcdStorage } from '../../src/storage/etcd/etcd-storage';
import type { Storage, WatchEvent } from '../../src/storage/interface';
import { startTcpProxy, startTestEtcd } from '../support/etcd';
import type { TcpProxy, TestEtcd } from '../support/etcd';
import { foo, keyOf, rv, take } from './contract';

jest.setTimeout(20_000);

const FOOS = { group: 'bar.pwk.educative.io', resource: 'foos' };

describe('etcd watch across a broken connection', () => {
  let etcd: TestEtcd;
  let proxy: TcpProxy;
  let behindProxy: Storage;
  let direct: Storage;
  let prefixes = 0;

  beforeAll(async () => {
    etcd = await startTestEtcd();
    proxy = await startTcpProxy(Number(new URL(etcd.endpoint).port));
  });
  afterAll(async () => {
    await proxy?.close();
    await etcd?.destroy();
  });
  beforeEach(async () => {
    const prefix = `/reconnect-${++prefixes}`;
    behindProxy = await createEtcdStorage({
      endpoints: [proxy.endpoint],
      prefix,
      healthCheckIntervalMs: 100,
    });
    direct = await createEtcdStorage({ endpoints: [etcd.endpoint], prefix, eventWindow: 2 });
  });
  afterEach(async () => {
    await proxy.restore();
    await Promise.all([behindProxy.close(), direct.close()]);
  });

  const summary = (events: WatchEvent[]) =>
    events.map((e) => `${e.type} ${e.object.metadata.name} ${e.revision}`);

  it('delivers the writes made while it was cut off once each, in order, after reconnecting', async () => {
    const watch = await behindProxy.watch({ ...FOOS, fromRevision: await direct.currentRevision() });
    const a = await direct.create(keyOf('a'), foo('a'));
    expect(summary(await take(watch, 1))).toEqual([`ADDED a ${rv(a)}`]);
    await proxy.cut();
    const b = await direct.create(keyOf('b'), foo('b'));
    const a2 = await direct.guaranteedUpdate(keyOf('a'), (o) => ({ ...o, spec: { replicas: 2 } }));
    await proxy.restore();
    const c = await direct.create(keyOf('c'), foo('c'));
    expect(summary(await take(watch, 3))).toEqual([
      `ADDED b ${rv(b)}`,
      `MODIFIED a ${rv(a2)}`,
      `ADDED c ${rv(c)}`,
    ]);
    watch.close();
  });

  it('marks the store unavailable while cut off and available again afterwards', async () => {
    expect(behindProxy.ready()).toBe(true);
    await proxy.cut();
    for (let i = 0; behindProxy.ready() && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
    expect(behindProxy.ready()).toBe(false);
    await proxy.restore();
    for (let i = 0; !behindProxy.ready() && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
    expect(behindProxy.ready()).toBe(true);
  });

  it('ends with ExpiredError when etcd compacted past it while it was cut off', async () => {
    await direct.create(keyOf('a'), foo('a'));
    const watch = await behindProxy.watch({ ...FOOS, fromRevision: await direct.currentRevision() });
    const outcome = (async () => {
      const seen: WatchEvent[] = [];
      for await (const event of watch) seen.push(event);
      return seen;
    })().catch((e: unknown) => e);
    await proxy.cut();
    // The direct store keeps a window of 2 revisions: these writes compact past the watch.
    for (let i = 0; i < 6; i++)
      await direct.guaranteedUpdate(keyOf('a'), (o) => ({ ...o, spec: { replicas: i } }));
    await proxy.restore();
    const result = await outcome;
    expect(result).toBeInstanceOf(ExpiredError);
  });
});
