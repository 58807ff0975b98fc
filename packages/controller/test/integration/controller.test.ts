/**
 * The controller (the same wiring as the binary, in-process) against a real pwk apiserver
 * process with its file store in a temp dir. Leader election is off: the apiserver serves
 * Foos only, no Leases (leader election has its own tests against an API-like Lease store),
 * and no Events either, which the controller must shrug off. Counts (writes, reconciles,
 * metrics) are read once the controller is idle (controllerIdle), never as a snapshot under load.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Foo } from '../../src/foo';
import { startController } from '../../src/app';
import type { RunningController } from '../../src/app';
import { parseCommandLine } from '../../src/config';
import { userAgent } from '../../src/kube/identity';
import { createLogger } from '../../src/logger';
import { ApiserverProcess, REPO_ROOT } from '../support/apiserver-process';
import { FooWatchLog } from '../support/foo-watch-log';
import { eventually } from '../support/scripted-apiserver';

/**
 * How long a condition may take before the test calls it a hang. Generous on purpose: the
 * reconciles are durable writes, and on a loaded two-core CI machine 500 Foos can take a minute.
 * Nothing here asserts speed (that is the benchmarks' job).
 */
const PATIENCE_MS = 180_000;
jest.setTimeout(4 * PATIENCE_MS);

/**
 * The test's own writes and reads go through v1beta1, the deprecated version, while the controller
 * works at v1: both see the same objects. hack/foo.yaml and the paused Foos are v1 (fooPathV1).
 */
const GROUP_PATH = '/apis/bar.pwk.educative.io/v1beta1';
const fooPath = (namespace: string, name = '') =>
  `${GROUP_PATH}/namespaces/${namespace}/foos${name ? `/${name}` : ''}`;
const fooPathV1 = (namespace: string, name = '') =>
  `/apis/bar.pwk.educative.io/v1/namespaces/${namespace}/foos${name ? `/${name}` : ''}`;

let server: ApiserverProcess;
let watchLog: FooWatchLog;
let controller: RunningController;
const logs: Array<Record<string, unknown>> = [];

async function startTheController(): Promise<RunningController> {
  const parsed = parseCommandLine([
    `--kubeconfig=${server.kubeconfig}`,
    '--leader-elect=false',
    '--metrics-bind-address=127.0.0.1:0',
    '--health-probe-bind-address=127.0.0.1:0',
    '--log-level=debug',
  ]);
  if (parsed.help) throw new Error('unexpected help');
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ level: 'debug', format: 'json', stream: sink });
  return startController({ config: parsed.config, logger, inCluster: false });
}

async function createFoos(
  namespace: string,
  names: string[],
  spec: Foo['spec'] = { replicas: 1 },
): Promise<void> {
  const batch = 25;
  for (let i = 0; i < names.length; i += batch) {
    const results = await Promise.all(
      names.slice(i, i + batch).map((name) =>
        server.request('POST', fooPath(namespace), {
          body: { apiVersion: 'bar.pwk.educative.io/v1beta1', kind: 'Foo', metadata: { name }, spec },
        }),
      ),
    );
    for (const r of results) expect(r.status).toBe(201);
  }
}

async function listFoos(namespace: string): Promise<Foo[]> {
  const list = await server.request<{ items: Foo[] }>('GET', fooPath(namespace));
  return list.body.items;
}

const reconciledInWatch = (key: string) => watchLog.latest.get(key)?.spec?.location === 'Los Angeles';

/** eventually(), with this file's patience. */
const waitFor = (predicate: () => boolean, what: string) => eventually(predicate, what, PATIENCE_MS);

async function scrape(): Promise<string> {
  return (await fetch(`${controller.metricsEndpoint!.url}/metrics`)).text();
}

/** waitFor() for an asynchronous check. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let markers = 0;
/**
 * Resolves once the controller has handled every watch event so far and has nothing queued or
 * running: a marker Foo created now is reconciled only after the informer delivered every
 * earlier event (one ordered watch), and then queue and workers must drain.
 */
async function controllerIdle(): Promise<void> {
  const marker = `marker-${++markers}`;
  await createFoos('markers', [marker]);
  await waitFor(
    () => watchLog.latest.get(`markers/${marker}`)?.status?.observedGeneration === 2,
    `${marker} reconciled`,
  );
  await until('the controller to be idle', async () => {
    const text = await scrape();
    return (
      /^workqueue_depth\{name="foo"\} 0$/m.test(text) &&
      /^controller_runtime_active_workers\{controller="foo"\} 0$/m.test(text)
    );
  });
}

beforeAll(async () => {
  // Every request is logged, with its User-Agent.
  server = await ApiserverProcess.start({ args: ['--access-log-level=info'] });
  watchLog = new FooWatchLog(server);
  await watchLog.start();
  controller = await startTheController();
});

afterAll(async () => {
  await controller?.shutdown();
  await watchLog?.stop();
  await server?.dispose();
});

describe('pwk-controller against a real pwk apiserver', () => {
  it('gives demo-foo from hack/foo.yaml spec.location Los Angeles, and a Ready status', async () => {
    const yaml = await readFile(path.join(REPO_ROOT, 'hack/foo.yaml'), 'utf8');
    const created = await server.request('POST', fooPathV1('default'), {
      body: yaml,
      contentType: 'application/yaml',
    });
    expect(created.status).toBe(201);
    await waitFor(() => reconciledInWatch('default/demo-foo'), 'demo-foo in Los Angeles');
    await waitFor(
      () => watchLog.latest.get('default/demo-foo')?.status?.observedGeneration === 2,
      'its status',
    );
    const foo = (await server.request<Foo>('GET', fooPathV1('default', 'demo-foo'))).body;
    expect(foo.spec).toEqual({ replicas: 51, location: 'Los Angeles', paused: false });
    const old = (await server.request<Foo>('GET', fooPath('default', 'demo-foo'))).body;
    expect(old.spec).toEqual({ replicas: 51, location: 'Los Angeles' });
    expect(foo.metadata.generation).toBe(2);
    expect(foo.status?.conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'True', reason: 'Reconciled', observedGeneration: 2 }),
    ]);
  });

  it('logs one line per reconcile with namespace/name, result and duration; a missing Events API only at debug', async () => {
    await waitFor(
      () => logs.some((l) => l.name === 'demo-foo' && l.result === 'changed'),
      'the reconcile log line',
    );
    const line = logs.find((l) => l.name === 'demo-foo' && l.result === 'changed')!;
    expect(line).toMatchObject({
      level: 'info',
      message: 'reconciled',
      namespace: 'default',
      writes: ['spec', 'status'],
    });
    expect(typeof line.durationMs).toBe('number');
    const eventFailure = logs.find((l) => l.message === 'event not recorded');
    expect(eventFailure).toMatchObject({ level: 'debug', reason: 'LocationSet', object: 'default/demo-foo' });
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('reconciles 500 Foos with exactly one spec write each, and leaves them alone afterwards', async () => {
    const names = Array.from({ length: 500 }, (_, i) => `bulk-${i}`);
    await createFoos('bulk', names, { replicas: 3, location: 'Paris' });
    await waitFor(() => names.every((n) => reconciledInWatch(`bulk/${n}`)), 'all 500 in Los Angeles');
    await waitFor(
      () => names.every((n) => watchLog.latest.get(`bulk/${n}`)?.status?.observedGeneration === 2),
      'all 500 statuses',
    );
    await controllerIdle(); // any stray second write would have been made by now
    expect(names.filter((n) => watchLog.specWritesOf(`bulk/${n}`) !== 1)).toEqual([]);
    const stored = await listFoos('bulk');
    expect(stored).toHaveLength(500);
    expect(stored.filter((f) => f.metadata.generation !== 2 || f.spec?.location !== 'Los Angeles')).toEqual(
      [],
    );
    expect(stored.every((f) => f.spec?.replicas === 3)).toBe(true);
  });

  it('corrects a Foo edited back to another location', async () => {
    const current = (await server.request<Foo>('GET', fooPath('default', 'demo-foo'))).body;
    const edited = await server.request<Foo>('PUT', fooPath('default', 'demo-foo'), {
      body: { ...current, spec: { ...current.spec, location: 'Paris' } },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.metadata.generation).toBe(3);
    await waitFor(
      () =>
        reconciledInWatch('default/demo-foo') &&
        watchLog.latest.get('default/demo-foo')?.metadata.generation === 4,
      'demo-foo back in Los Angeles',
    );
    await waitFor(
      () => watchLog.latest.get('default/demo-foo')?.status?.observedGeneration === 4,
      'its status',
    );
  });

  it('leaves a paused Foo alone with a Paused condition, through edits at v1beta1 too, and resumes it when unpaused', async () => {
    const v1 = (name = '') => fooPathV1('paused', name);
    const created = await server.request('POST', v1(), {
      body: {
        apiVersion: 'bar.pwk.educative.io/v1',
        kind: 'Foo',
        metadata: { name: 'p' },
        spec: { replicas: 1, location: 'Paris', paused: true },
      },
    });
    expect(created.status).toBe(201);
    const pausedCondition = () =>
      watchLog.latest.get('paused/p')?.status?.conditions?.find((c) => c.type === 'Paused');
    await waitFor(() => pausedCondition()?.status === 'True', 'the Paused condition');
    // A v1beta1 client knows nothing of spec.paused: its read-modify-write keeps it.
    const old = (await server.request<Foo>('GET', fooPath('paused', 'p'))).body;
    expect(old.apiVersion).toBe('bar.pwk.educative.io/v1beta1');
    const replaced = await server.request('PUT', fooPath('paused', 'p'), {
      body: { ...old, spec: { ...old.spec, replicas: 3 } },
    });
    expect(replaced.status).toBe(200);
    await controllerIdle();
    const stillPaused = (await server.request<Foo>('GET', v1('p'))).body;
    expect(stillPaused.spec).toEqual({ replicas: 3, location: 'Paris', paused: true });
    expect(stillPaused.status?.observedGeneration).toBe(stillPaused.metadata.generation);

    const unpaused = await server.request('PATCH', v1('p'), {
      body: { spec: { paused: false } },
      contentType: 'application/merge-patch+json',
    });
    expect(unpaused.status).toBe(200);
    await waitFor(
      () => reconciledInWatch('paused/p') && pausedCondition()?.status === 'False',
      'p resumed: Los Angeles, Paused=False',
    );
  });

  it('never overwrites a concurrent change blindly: writers racing the controller keep their edits', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `race-${i}`);
    await createFoos('race', names, { replicas: 1 });
    // Bump replicas on each Foo while the controller is writing location: whichever write
    // loses the race gets a Conflict; the end state must hold both changes.
    await Promise.all(
      names.map(async (name) => {
        for (;;) {
          const foo = (await server.request<Foo>('GET', fooPath('race', name))).body;
          const put = await server.request('PUT', fooPath('race', name), {
            body: { ...foo, spec: { ...foo.spec, replicas: 9 } },
          });
          if (put.status === 200) return;
          expect(put.status).toBe(409);
        }
      }),
    );
    await waitFor(() => names.every((n) => reconciledInWatch(`race/${n}`)), 'all racing Foos in Los Angeles');
    const stored = await listFoos('race');
    expect(stored.map((f) => f.spec)).toEqual(names.map(() => ({ replicas: 9, location: 'Los Angeles' })));
  });

  it('reconciles a new Foo in one writing reconcile and at most one follow-up, as field manager pwk-controller', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `once-${i}`);
    await createFoos('once', names);
    await waitFor(
      () => names.every((n) => watchLog.latest.get(`once/${n}`)?.status?.observedGeneration === 2),
      'all 30 reconciled',
    );
    await controllerIdle();
    for (const name of names) {
      const reconciles = logs.filter(
        (l) => l.message === 'reconciled' && l.namespace === 'once' && l.name === name,
      );
      const [first, ...followUps] = reconciles;
      // One reconcile writes spec, then status (its own subresource); a follow-up, when the
      // watch event of our write beat the write's response, finds nothing to do.
      expect(first).toMatchObject({ result: 'changed', writes: ['spec', 'status'] });
      expect(followUps.map((l) => [l.result, l.writes])).toEqual(
        followUps.length ? [['unchanged', undefined]] : [],
      );
      expect(watchLog.writesOf(`once/${name}`)).toBe(2);
    }
    expect(await scrape()).toMatch(/^pwk_controller_own_write_events_skipped_total [1-9]\d*$/m);

    const foos = await listFoos('once');
    const managers = foos.map((f) =>
      (f.metadata.managedFields ?? [])
        .filter((e) => e.manager !== 'unknown') // the test's own create (sent without a User-Agent)
        .map((e) => `${e.manager} ${e.operation} ${e.subresource ?? ''}`.trim()),
    );
    expect(managers).toEqual(foos.map(() => ['pwk-controller Update', 'pwk-controller Update status']));
    const requests = server.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((l) => l.message === 'request' && String(l.path).includes('/namespaces/once/foos/'));
    expect(requests.length).toBeGreaterThanOrEqual(60);
    expect(new Set(requests.map((l) => l.userAgent))).toEqual(new Set([userAgent()]));
  });

  it('serves Prometheus metrics and the health probes', async () => {
    await controllerIdle();
    const metrics = await fetch(`${controller.metricsEndpoint!.url}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    // controller-runtime's and client-go's names, nothing under the old pwk_controller_ ones.
    expect(text).toMatch(
      /^controller_runtime_reconcile_total\{controller="foo",result="success"\} [1-9]\d*$/m,
    );
    expect(text).toMatch(/^controller_runtime_reconcile_time_seconds_count\{controller="foo"\} [1-9]\d*$/m);
    expect(text).toContain('controller_runtime_reconcile_errors_total{controller="foo"} 0');
    expect(text).toContain('controller_runtime_max_concurrent_reconciles{controller="foo"}');
    expect(text).toContain('workqueue_depth{name="foo"} 0');
    expect(text).toMatch(/^workqueue_adds_total\{name="foo"\} [1-9]\d*$/m);
    expect(text).toMatch(/^workqueue_queue_duration_seconds_count\{name="foo"\} [1-9]\d*$/m);
    expect(text).toMatch(/^workqueue_work_duration_seconds_count\{name="foo"\} [1-9]\d*$/m);
    expect(text).toContain('workqueue_unfinished_work_seconds{name="foo"} 0');
    expect(text).toContain('workqueue_longest_running_processor_seconds{name="foo"} 0');
    expect(text).toMatch(/^leader_election_master_status\{name="[^"]+"\} 1$/m);
    expect(text).toMatch(
      /^rest_client_requests_total\{code="200",method="GET",host="127\.0\.0\.1:\d+"\} [1-9]\d*$/m,
    );
    expect(text).toMatch(
      /^rest_client_requests_total\{code="200",method="PUT",host="127\.0\.0\.1:\d+"\} [1-9]\d*$/m,
    );
    expect(text).not.toMatch(/^pwk_controller_(reconcile|workqueue|active|leader)/m);
    expect((await fetch(`${controller.probesEndpoint!.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${controller.probesEndpoint!.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${controller.probesEndpoint!.url}/nope`)).status).toBe(404);
  });

  it('recovers when the apiserver restarts mid-run, without restarting the controller', async () => {
    const before = Array.from({ length: 150 }, (_, i) => `restart-${i}`);
    await createFoos('restart', before, { replicas: 2 });
    await server.restart(); // while the controller is still working through them
    const after = Array.from({ length: 20 }, (_, i) => `after-${i}`);
    await createFoos('restart', after, { replicas: 2 });
    const all = [...before, ...after];
    await waitFor(() => all.every((n) => reconciledInWatch(`restart/${n}`)), 'all Foos in Los Angeles');
    const stored = await listFoos('restart');
    expect(stored).toHaveLength(170);
    // generation 2 = exactly one spec write (the watch log may have relisted across the restart).
    expect(stored.filter((f) => f.spec?.location !== 'Los Angeles' || f.metadata.generation !== 2)).toEqual(
      [],
    );
    const metrics = await (await fetch(`${controller.metricsEndpoint!.url}/metrics`)).text();
    expect(metrics).toMatch(/pwk_controller_informer_restarts_total [1-9]\d*/);
  });

  it('never changed spec with a status write, in any of the above', () => {
    expect(watchLog.specChangesWithoutGeneration).toEqual([]);
  });

  it.skip('needs the Events API: records a LocationSet Event regarding the Foo (pwk serves no events.k8s.io)', () => {
    // Against a cluster: kubectl get events --field-selector reason=LocationSet.
  });
});
