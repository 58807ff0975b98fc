/**
 * The controller loop (controller-runtime's Controller): informer events become keys in the
 * work queue; `concurrency` workers reconcile them; a conflict or an error comes back after
 * the key's backoff, a success forgets it. One log line and one set of metrics per reconcile.
 * Stopping either drains (SIGTERM: finish what is queued and in flight) or stops at once
 * (leadership lost: nothing new starts).
 */
import { performance } from 'node:perf_hooks';
import type { Foo } from './foo';
import { describeError } from './api-error';
import type { InformerEventType } from './kube/informer';
import { CONTROLLER_NAME } from './metrics';
import type { ControllerMetrics } from './metrics';
import { keyOf, parseKey } from './object-key';
import type { OwnWrites } from './own-writes';
import { runWorkers } from './queue';
import type { WorkQueue } from './queue';
import type { Reconcile } from './reconciler';

export interface FooInformer {
  start(): Promise<void>;
  stop(): Promise<void>;
  hasSynced(): boolean;
}

export interface ControllerLog {
  info(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}

export interface ControllerOptions {
  informer: FooInformer;
  queue: WorkQueue<string>;
  reconcile: Reconcile;
  concurrency: number;
  log: ControllerLog;
  metrics: ControllerMetrics;
  /** The versions our own writes made (shared with the reconciler): their events are dropped. */
  ownWrites?: OwnWrites;
}

export class Controller {
  private workers: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: ControllerOptions) {}

  /**
   * The informer's event handler: every add, update, delete and resync queues the key, except
   * an add or update that only shows one of our own writes (own-writes.ts).
   */
  onEvent(type: InformerEventType, obj: Foo): void {
    const key = keyOf(obj);
    const version = obj.metadata.resourceVersion ?? '';
    if ((type === 'add' || type === 'update') && this.options.ownWrites?.covers(key, version)) {
      this.options.metrics.ownWriteEventsSkipped.inc();
      return;
    }
    this.options.queue.add(key);
  }

  enqueue(obj: Foo): void {
    this.options.queue.add(keyOf(obj));
  }

  /** Starts the informer and the workers; resolves once the first list was attempted. */
  async start(): Promise<void> {
    if (this.workers || this.stopping) return;
    const { queue, concurrency, log } = this.options;
    this.workers = runWorkers(queue, {
      concurrency,
      process: (key) => this.reconcileKey(key),
      onError: (key, err) => log.error('worker failed', { key, error: describeError(err) }),
    });
    log.info('starting workers', { concurrency });
    await this.options.informer.start();
  }

  /** True once the informer's cache holds every Foo. */
  ready(): boolean {
    return this.options.informer.hasSynced();
  }

  /**
   * drain: finish queued and in-flight keys (up to timeoutMs); otherwise start nothing new and
   * wait only for the reconciles already running.
   */
  stop(options: { drain: boolean; timeoutMs: number }): Promise<void> {
    this.stopping ??= (async () => {
      const { queue, informer, log } = this.options;
      await informer.stop();
      if (options.drain) {
        const drained = queue.shutDownWithDrain();
        const timedOut = await Promise.race([
          drained.then(() => false),
          new Promise<boolean>((r) => setTimeout(() => r(true), options.timeoutMs).unref()),
        ]);
        if (timedOut) {
          log.error('drain timed out; dropping queued keys', {
            queued: queue.len(),
            timeoutMs: options.timeoutMs,
          });
        }
      }
      queue.shutDown({ discardQueued: true });
      await this.workers;
      log.info('workers stopped', { drained: options.drain });
    })();
    return this.stopping;
  }

  private async reconcileKey(key: string): Promise<void> {
    const { queue, metrics, log } = this.options;
    const { namespace, name } = parseKey(key);
    const started = performance.now();
    const controller = { controller: CONTROLLER_NAME };
    metrics.activeWorkers.inc(controller);
    try {
      const outcome = await this.options.reconcile(key);
      const durationMs = round(performance.now() - started);
      if (outcome.result === 'requeued') queue.addRateLimited(key);
      else queue.forget(key);
      // controller-runtime's results: a conflict is a requeue, a change or none a success.
      metrics.reconcileTotal.inc({
        ...controller,
        result: outcome.result === 'requeued' ? 'requeue' : 'success',
      });
      metrics.reconcileTime.observe(controller, durationMs / 1000);
      log.info('reconciled', {
        namespace,
        name,
        result: outcome.result,
        durationMs,
        ...(outcome.writes.length > 0 ? { writes: outcome.writes } : {}),
        ...(outcome.detail ? { detail: outcome.detail } : {}),
      });
    } catch (err) {
      const durationMs = round(performance.now() - started);
      queue.addRateLimited(key);
      metrics.reconcileTotal.inc({ ...controller, result: 'error' });
      metrics.reconcileErrors.inc(controller);
      metrics.reconcileTime.observe(controller, durationMs / 1000);
      log.error('reconcile failed', {
        namespace,
        name,
        result: 'requeued',
        durationMs,
        attempt: queue.numRequeues(key),
        error: describeError(err),
      });
    } finally {
      metrics.activeWorkers.dec(controller);
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
