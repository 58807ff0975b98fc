/** The controller loop: informer events → queue → workers → reconcile, its logs, metrics and stops. */
import type { Foo } from '../src/foo';
import { Controller } from '../src/controller';
import { createMetrics } from '../src/metrics';
import { OwnWrites } from '../src/own-writes';
import { WorkQueue } from '../src/queue';
import type { ReconcileOutcome } from '../src/reconciler';
import { FakeClock, settle } from './support/fake-clock';
import { newFoo } from './support/fake-foo-client';

function setup(
  reconcile: (key: string) => Promise<ReconcileOutcome>,
  concurrency = 2,
  ownWrites?: OwnWrites,
) {
  const clock = new FakeClock();
  const queue = new WorkQueue<string>({ clock });
  const metrics = createMetrics({
    queue: {
      depth: () => queue.len(),
      processingStartedAt: () => queue.processingStartedAt(),
      now: () => clock.now(),
    },
    maxConcurrentReconciles: concurrency,
  });
  queue.observeWith(metrics.queue);
  const lines: Array<{ level: string; message: string; meta?: Record<string, unknown> }> = [];
  const log = {
    info: (message: string, meta?: Record<string, unknown>) => lines.push({ level: 'info', message, meta }),
    error: (message: string, meta?: Record<string, unknown>) => lines.push({ level: 'error', message, meta }),
  };
  let synced = false;
  const informer = {
    start: async () => void (synced = true),
    stop: async () => undefined,
    hasSynced: () => synced,
  };
  const controller = new Controller({ informer, queue, reconcile, concurrency, log, metrics, ownWrites });
  return { clock, queue, metrics, lines, controller };
}

const foo = (name: string): Foo => newFoo(name);
const counter = async (metrics: ReturnType<typeof createMetrics>, result: string) =>
  (await metrics.reconcileTotal.get()).values.find((v) => v.labels.result === result)?.value ?? 0;

describe('Controller', () => {
  it('reconciles each enqueued Foo by namespace/name and logs one line with result and duration', async () => {
    const seen: string[] = [];
    const { controller, lines, metrics } = setup(async (key) => {
      seen.push(key);
      return { result: 'changed', writes: ['spec', 'status'] };
    });
    await controller.start();
    expect(controller.ready()).toBe(true);
    controller.enqueue(foo('a'));
    await settle();
    expect(seen).toEqual(['default/a']);
    const line = lines.find((l) => l.message === 'reconciled')!;
    expect(line.level).toBe('info');
    expect(line.meta).toEqual({
      namespace: 'default',
      name: 'a',
      result: 'changed',
      durationMs: expect.any(Number),
      writes: ['spec', 'status'],
    });
    expect(await counter(metrics, 'success')).toBe(1);
    expect(
      (await metrics.reconcileTime.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value,
    ).toBe(1);
  });

  it('retries a requeued key after its backoff and forgets it after a success', async () => {
    const results: ReconcileOutcome[] = [
      { result: 'requeued', writes: [], detail: 'conflict' },
      { result: 'requeued', writes: [], detail: 'conflict' },
      { result: 'changed', writes: ['spec'] },
    ];
    const times: number[] = [];
    const { controller, clock, queue, metrics } = setup(async () => {
      times.push(clock.now());
      return results.shift()!;
    });
    await controller.start();
    const t0 = clock.now();
    controller.enqueue(foo('a'));
    await clock.advance(100);
    expect(times.map((t) => t - t0)).toEqual([0, 5, 15]);
    expect(queue.numRequeues('default/a')).toBe(0);
    expect(await counter(metrics, 'requeue')).toBe(2);
    expect(await counter(metrics, 'success')).toBe(1);
    const text = await metrics.registry.metrics();
    expect(text).toContain('workqueue_retries_total{name="foo"} 2');
    // The first add and both retries (added once their backoff passed) waited, then were worked on.
    expect(text).toContain('workqueue_queue_duration_seconds_count{name="foo"} 3');
    expect(text).toContain('workqueue_work_duration_seconds_count{name="foo"} 3');
  });

  it('logs a failed reconcile as an error with its cause, counts it, and retries with backoff', async () => {
    let calls = 0;
    const { controller, clock, lines, metrics } = setup(async () => {
      calls++;
      if (calls === 1) throw new Error('request failed', { cause: new Error('connect ECONNREFUSED') });
      return { result: 'unchanged', writes: [] };
    });
    await controller.start();
    controller.enqueue(foo('a'));
    await settle();
    const error = lines.find((l) => l.level === 'error')!;
    expect(error.message).toBe('reconcile failed');
    expect(error.meta).toMatchObject({
      namespace: 'default',
      name: 'a',
      result: 'requeued',
      attempt: 1,
      error: 'request failed: connect ECONNREFUSED',
    });
    expect((await metrics.reconcileErrors.get()).values[0]!.value).toBe(1);
    await clock.advance(5);
    expect(calls).toBe(2);
  });

  it('drains queued and in-flight keys on a graceful stop', async () => {
    const release: Array<() => void> = [];
    const done: string[] = [];
    const { controller } = setup(async (key) => {
      await new Promise<void>((r) => release.push(r));
      done.push(key);
      return { result: 'unchanged', writes: [] };
    }, 1);
    await controller.start();
    for (const name of ['a', 'b', 'c']) controller.enqueue(foo(name));
    await settle();
    const stopping = controller.stop({ drain: true, timeoutMs: 10_000 });
    for (let i = 0; i < 3; i++) {
      await settle();
      release.shift()?.();
    }
    await stopping;
    expect(done).toEqual(['default/a', 'default/b', 'default/c']);
  });

  it('starts nothing new once stopped without draining (leadership lost), finishing only what runs', async () => {
    const release: Array<() => void> = [];
    const started: string[] = [];
    const { controller } = setup(async (key) => {
      started.push(key);
      await new Promise<void>((r) => release.push(r));
      return { result: 'unchanged', writes: [] };
    }, 1);
    await controller.start();
    for (const name of ['a', 'b', 'c']) controller.enqueue(foo(name));
    await settle();
    const stopping = controller.stop({ drain: false, timeoutMs: 10_000 });
    await settle();
    release.shift()!();
    await stopping;
    expect(started).toEqual(['default/a']);
    controller.enqueue(foo('d'));
    await settle();
    expect(started).toEqual(['default/a']);
  });

  it('queues no reconcile for an add or update that only shows our own write, but always for deletes and resyncs', async () => {
    const seen: string[] = [];
    const ownWrites = new OwnWrites();
    const { controller, metrics } = setup(
      async (key) => {
        seen.push(key);
        return { result: 'unchanged', writes: [] };
      },
      1,
      ownWrites,
    );
    await controller.start();
    ownWrites.wrote('default/a', '1', '2');
    const at = (rv: string): Foo => ({
      ...foo('a'),
      metadata: { ...foo('a').metadata, resourceVersion: rv },
    });
    controller.onEvent('update', at('2'));
    controller.onEvent('add', at('1'));
    await settle();
    expect(seen).toEqual([]);
    expect((await metrics.ownWriteEventsSkipped.get()).values[0]!.value).toBe(2);
    for (const type of ['delete', 'resync', 'update'] as const) {
      controller.onEvent(type, type === 'update' ? at('3') : at('2'));
      await settle();
    }
    expect(seen).toEqual(['default/a', 'default/a', 'default/a']);
  });

  it('exposes queue depth to the metrics scrape', async () => {
    const { controller, metrics, clock } = setup(async () => new Promise(() => undefined), 1);
    await controller.start();
    for (const name of ['a', 'b', 'c']) controller.enqueue(foo(name));
    await settle();
    await clock.advance(1500);
    const text = await metrics.registry.metrics();
    expect(text).toContain('workqueue_depth{name="foo"} 2');
    expect(text).toContain('workqueue_adds_total{name="foo"} 3');
    expect(text).toContain('controller_runtime_active_workers{controller="foo"} 1');
    expect(text).toContain('controller_runtime_max_concurrent_reconciles{controller="foo"} 1');
    // One worker has held "a" for 1.5 s (on the fake clock); b and c wait.
    expect(text).toContain('workqueue_unfinished_work_seconds{name="foo"} 1.5');
    expect(text).toContain('workqueue_longest_running_processor_seconds{name="foo"} 1.5');
    expect(text).not.toContain('pwk_controller_workqueue_depth');
  });
});
