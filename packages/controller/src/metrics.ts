/**
 * Prometheus metrics (prom-client) in a registry of our own — no global default registry, so
 * tests can build several controllers side by side. Names follow controller-runtime's
 * (controller_runtime_reconcile_total, …_errors_total, …_time_seconds, workqueue_depth) under
 * a pwk_controller_ prefix.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ControllerMetrics {
  registry: Registry;
  reconcileTotal: Counter<'result'>;
  reconcileErrors: Counter;
  reconcileDuration: Histogram;
  queueDepth: Gauge;
  activeWorkers: Gauge;
  informerRestarts: Counter;
  ownWriteEventsSkipped: Counter;
  isLeader: Gauge;
}

export interface MetricsOptions {
  /** Read when scraped. */
  queueDepth: () => number;
  /** Process metrics (CPU, memory, event loop lag); off in tests. */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions): ControllerMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    reconcileTotal: new Counter({
      name: 'pwk_controller_reconcile_total',
      help: 'Reconciles by result: changed, unchanged, requeued (conflict) or error.',
      labelNames: ['result'],
      registers,
    }),
    reconcileErrors: new Counter({
      name: 'pwk_controller_reconcile_errors_total',
      help: 'Reconciles that failed with an error and were retried with backoff.',
      registers,
    }),
    reconcileDuration: new Histogram({
      name: 'pwk_controller_reconcile_duration_seconds',
      help: 'How long one reconcile took.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'pwk_controller_workqueue_depth',
      help: 'Keys waiting in the work queue.',
      registers,
      collect() {
        this.set(options.queueDepth());
      },
    }),
    activeWorkers: new Gauge({
      name: 'pwk_controller_active_workers',
      help: 'Workers reconciling a key right now (controller-runtime: active_workers).',
      registers,
    }),
    informerRestarts: new Counter({
      name: 'pwk_controller_informer_restarts_total',
      help: 'Times the Foo informer stopped on an error and was restarted.',
      registers,
    }),
    ownWriteEventsSkipped: new Counter({
      name: 'pwk_controller_own_write_events_skipped_total',
      help: 'Watch events that only showed one of our own writes, and so queued no reconcile.',
      registers,
    }),
    isLeader: new Gauge({
      name: 'pwk_controller_leader',
      help: '1 while this replica holds the leader lease (or runs without leader election).',
      registers,
    }),
  };
}
