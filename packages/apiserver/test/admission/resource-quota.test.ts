/**
 * ResourceQuota admission for `count/foos.bar.pwk.educative.io`, against a stand-in core API with
 * the real ResourceQuota wire format and optimistic concurrency: each create is charged to the
 * quota's status.used before it is written, the one past the limit gets kube's 403, concurrent
 * creates never over-admit — also while the quota controller rewrites the status underneath —
 * and dry runs, refused objects, updates and deletes are never charged.
 */
import { ADMIN, GROUP, collection, startAdmittedServer } from './cluster';
import type { AdmittedServer } from './cluster';

const COUNT = `count/foos.${GROUP}`;

describe('resource quota admission', () => {
  let cluster: AdmittedServer;
  let nsCounter = 0;
  beforeAll(async () => {
    cluster = await startAdmittedServer({ prepare: (kube) => kube.core.namespace('quota-barrier') });
  });
  afterAll(() => cluster.stop());

  const dryRun = (ns: string, name: string) => cluster.create(ns, name, { query: '?dryRun=All' });

  /**
   * Returns once pwk has seen every quota change made so far: a full marker quota is added to a
   * namespace of its own, then removed, and dry-run creates there show pwk saw both (quota events
   * reach its one informer in order, so everything before them has been seen too).
   */
  async function quotasSeen(): Promise<void> {
    const barrier = 'quota-barrier';
    const until = async (status: number) => {
      const deadline = Date.now() + 10_000;
      while ((await dryRun(barrier, 'probe')).status !== status) {
        if (Date.now() > deadline) throw new Error('pwk never caught up with the quotas');
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    cluster.kube.core.put('resourcequotas', {
      metadata: { name: 'marker', namespace: barrier },
      spec: { hard: { [COUNT]: '0' } },
      status: { hard: { [COUNT]: '0' }, used: { [COUNT]: '0' } },
    });
    await until(403);
    cluster.kube.core.remove('resourcequotas', barrier, 'marker');
    await until(201);
  }

  /** A fresh namespace with a quota as the quota controller has processed it (status.hard and used), seen by pwk. */
  async function namespaceWithQuota(
    hard: string,
    opts: { used?: string; withStatus?: boolean; spec?: Record<string, unknown> } = {},
  ): Promise<string> {
    nsCounter += 1;
    const ns = `quota-${nsCounter}`;
    cluster.kube.core.namespace(ns);
    cluster.kube.core.put('resourcequotas', {
      metadata: { name: 'foo-count', namespace: ns },
      spec: { hard: { [COUNT]: hard }, ...opts.spec },
      ...(opts.withStatus === false
        ? {}
        : {
            status: {
              hard: { [COUNT]: hard },
              ...(opts.used === undefined ? {} : { used: { [COUNT]: opts.used } }),
            },
          }),
    });
    await quotasSeen();
    return ns;
  }

  const used = (ns: string) =>
    (
      cluster.kube.core.get('resourcequotas', ns, 'foo-count')?.status as
        { used?: Record<string, string> } | undefined
    )?.used?.[COUNT];

  it('charges each create to status.used and refuses the one past the limit with kube’s 403', async () => {
    const ns = await namespaceWithQuota('2', { used: '0' });
    expect((await cluster.create(ns, 'one')).status).toBe(201);
    expect(used(ns)).toBe('1');
    expect((await cluster.create(ns, 'two')).status).toBe(201);
    expect(used(ns)).toBe('2');
    const third = await cluster.create(ns, 'three');
    expect(third.status).toBe(403);
    expect(third.json()).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      code: 403,
      message: `foos.${GROUP} "three" is forbidden: exceeded quota: foo-count, requested: ${COUNT}=1, used: ${COUNT}=2, limited: ${COUNT}=2`,
      details: { name: 'three', group: GROUP, kind: 'foos' },
    });
    expect(used(ns)).toBe('2');
    expect((await cluster.pwk.request('GET', `${collection(ns)}/three`, { token: ADMIN })).status).toBe(404);
  });

  it('admits exactly the limit of 16 concurrent creates, charging each once', async () => {
    const ns = await namespaceWithQuota('5', { used: '0' });
    expect((await cluster.create(ns, 'warm-up')).status).toBe(201);
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => cluster.create(ns, `c-${i}`)));
    const created = results.filter((r) => r.status === 201).length;
    expect(created).toBe(4);
    expect(results.filter((r) => r.status === 403)).toHaveLength(12);
    expect(used(ns)).toBe('5');
    const list = await cluster.pwk.request('GET', collection(ns), { token: ADMIN });
    expect(list.json<{ items: unknown[] }>().items).toHaveLength(5);
  });

  it('never over-admits while the quota controller rewrites the status underneath (409s retried)', async () => {
    const ns = await namespaceWithQuota('8', { used: '0' });
    expect((await cluster.create(ns, 'warm-up')).status).toBe(201);
    const conflictsBefore = cluster.kube.core.conflicts;
    // The quota controller rewrites status.used from the objects it counts, bumping the
    // resourceVersion under pwk's updates. (It never lowers a charge below the objects it has
    // not seen yet here; the real one can, briefly — kube-apiserver has that race too.)
    let recomputing = true;
    const controller = (async () => {
      while (recomputing) {
        const list = await cluster.pwk.request('GET', collection(ns), { token: ADMIN });
        const count = list.json<{ items: unknown[] }>().items.length;
        const quota = cluster.kube.core.get('resourcequotas', ns, 'foo-count')!;
        const status = quota.status as { used: Record<string, string> };
        const next = Math.max(count, Number(status.used[COUNT]));
        cluster.kube.core.put('resourcequotas', {
          ...quota,
          status: { ...status, used: { [COUNT]: String(next) } },
        });
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const results: number[] = [];
    for (let round = 0; round < 3; round++) {
      const batch = await Promise.all(
        Array.from({ length: 16 }, (_, i) => cluster.create(ns, `r${round}-${i}`)),
      );
      results.push(...batch.map((r) => r.status));
    }
    recomputing = false;
    await controller;
    const created = results.filter((s) => s === 201).length;
    const stored = (await cluster.pwk.request('GET', collection(ns), { token: ADMIN })).json<{
      items: unknown[];
    }>().items;
    // Never past the limit, every stored object charged exactly once.
    expect(stored).toHaveLength(1 + created);
    expect(1 + created).toBeLessThanOrEqual(8);
    expect(used(ns)).toBe(String(1 + created));
    // Refusals are quota refusals once full, or the conflict kube also gives up with after 3 retries.
    expect(results.every((s) => s === 201 || s === 403 || s === 409)).toBe(true);
    if (results.includes(403)) expect(1 + created).toBe(8);
    expect(created).toBeGreaterThan(0);
    expect(cluster.kube.core.conflicts).toBeGreaterThan(conflictsBefore);
  }, 30_000);

  it('checks a dry run but does not charge it', async () => {
    const ns = await namespaceWithQuota('1', { used: '0' });
    expect((await dryRun(ns, 'dry')).status).toBe(201);
    expect(used(ns)).toBe('0');
    expect((await cluster.create(ns, 'real')).status).toBe(201);
    expect(used(ns)).toBe('1');
    const overDry = await dryRun(ns, 'dry-over');
    expect(overDry.status).toBe(403);
  });

  it('does not charge an object that fails validation, nor updates and deletes', async () => {
    const ns = await namespaceWithQuota('3', { used: '0' });
    expect((await cluster.create(ns, 'kept')).status).toBe(201);
    const invalid = await cluster.create(ns, 'invalid', { body: { spec: { replicas: -4 } } });
    expect(invalid.status).toBe(422);
    const patched = await cluster.pwk.request('PATCH', `${collection(ns)}/kept`, {
      token: ADMIN,
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { spec: { replicas: 3 } },
    });
    expect(patched.status).toBe(200);
    expect((await cluster.pwk.request('DELETE', `${collection(ns)}/kept`, { token: ADMIN })).status).toBe(
      200,
    );
    expect(used(ns)).toBe('1');
  });

  it('refuses with "status unknown" while the quota controller has not counted the resource yet', async () => {
    const ns = await namespaceWithQuota('3');
    const res = await cluster.create(ns, 'early');
    expect(res.status).toBe(403);
    expect(res.json<{ message: string }>().message).toBe(
      `foos.${GROUP} "early" is forbidden: status unknown for quota: foo-count, resources: ${COUNT}`,
    );
  });

  it('does not limit with a quota whose status the controller has not written, nor with a scoped quota', async () => {
    const unprocessed = await namespaceWithQuota('0', { withStatus: false });
    expect((await cluster.create(unprocessed, 'free')).status).toBe(201);
    const scoped = await namespaceWithQuota('0', { used: '0', spec: { scopes: ['Terminating'] } });
    expect((await cluster.create(scoped, 'also-free')).status).toBe(201);
  });

  it('reads limits written as quantities (1k) and counts past them', async () => {
    const ns = await namespaceWithQuota('1k', { used: '999' });
    expect((await cluster.create(ns, 'last-one')).status).toBe(201);
    expect(used(ns)).toBe('1000');
    const over = await cluster.create(ns, 'over');
    expect(over.status).toBe(403);
    expect(over.json<{ message: string }>().message).toContain(`used: ${COUNT}=1000, limited: ${COUNT}=1k`);
  });
});
