/**
 * Prometheus metrics (prom-client) in a registry of our own — no global default registry, so
 * tests can build several controllers side by side — under the names controller-runtime and
 * client-go give them, so a controller-runtime dashboard reads pwk-controller unchanged:
 * controller_runtime_reconcile_total{controller,result} (result success, requeue or error),
 * _reconcile_errors_total, _reconcile_time_seconds, _max_concurrent_reconciles, _active_workers;
 * client-go's workqueue_* by queue name; leader_election_master_status{name};
 * rest_client_requests_total{code,method,host}. What controller-runtime has no name for —
 * informer restarts, watch events that only echoed our own writes — keeps a pwk_ name.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueMetrics } from './queue';

export const CONTROLLER_NAME = 'foo';

/** controller-runtime's reconcile time buckets. */
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25,
  1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

/** client-go's workqueue latency buckets: ExponentialBuckets(10e-9, 10, 12), 10 ns to ~3 h. */
const WORKQUEUE_BUCKETS = Array.from({ length: 12 }, (_, i) => 10e-9 * 10 ** i);

/** controller-runtime's result label: success, requeue (a conflict: try again) or error. */
export type ReconcileMetricResult = 'success' | 'requeue' | 'error';

export interface ControllerMetrics {
  registry: Registry;
  reconcileTotal: Counter<'controller' | 'result'>;
  reconcileErrors: Counter<'controller'>;
  reconcileTime: Histogram<'controller'>;
  activeWorkers: Gauge<'controller'>;
  /** The work queue's hooks (adds, retries, waiting and working time). */
  queue: QueueMetrics;
  informerRestarts: Counter;
  ownWriteEventsSkipped: Counter;
  isLeader: Gauge<'name'>;
  /** One API call answered (client-go's rest_client_requests_total). */
  restClientRequest(o: { code: string; method: string; host: string }): void;
}

export interface MetricsOptions {
  /** Read when scraped: items waiting for a worker, and the processing items' start times (ms). */
  queue: { depth(): number; processingStartedAt(): number[]; now(): number };
  /** --concurrency. */
  maxConcurrentReconciles: number;
  /** Process metrics (CPU, memory, event loop lag); off in tests. */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions): ControllerMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const controller = { controller: CONTROLLER_NAME };
  const queueName = { name: CONTROLLER_NAME };
  new Gauge({
    name: 'controller_runtime_max_concurrent_reconciles',
    help: 'Maximum number of concurrent reconciles per controller',
    labelNames: ['controller'],
    registers,
  }).set(controller, options.maxConcurrentReconciles);
  const activeWorkers = new Gauge({
    name: 'controller_runtime_active_workers',
    help: 'Number of currently used workers per controller',
    labelNames: ['controller'],
    registers,
  });
  activeWorkers.set(controller, 0);
  const reconcileErrors = new Counter({
    name: 'controller_runtime_reconcile_errors_total',
    help: 'Total number of reconciliation errors per controller',
    labelNames: ['controller'],
    registers,
  });
  reconcileErrors.inc(controller, 0);
  const restClient = new Counter({
    name: 'rest_client_requests_total',
    help: 'Number of HTTP requests, partitioned by status code, method, and host.',
    labelNames: ['code', 'method', 'host'],
    registers,
  });
  return {
    registry,
    reconcileTotal: new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers,
    }),
    reconcileErrors,
    reconcileTime: new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: RECONCILE_BUCKETS,
      registers,
    }),
    activeWorkers,
    queue: workQueueMetrics(registers, options.queue, queueName),
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
      name: 'leader_election_master_status',
      help: "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease. Please make sure to group by name.",
      labelNames: ['name'],
      registers,
    }),
    restClientRequest: (o) => restClient.inc({ code: o.code, method: o.method, host: o.host }),
  };
}

function workQueueMetrics(
  registers: Registry[],
  queue: MetricsOptions['queue'],
  name: { name: string },
): QueueMetrics {
  const labelNames = ['name'] as const;
  new Gauge({
    name: 'workqueue_depth',
    help: 'Current depth of workqueue',
    labelNames,
    registers,
    collect() {
      this.set(name, queue.depth());
    },
  });
  const adds = new Counter({
    name: 'workqueue_adds_total',
    help: 'Total number of adds handled by workqueue',
    labelNames,
    registers,
  });
  const retries = new Counter({
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames,
    registers,
  });
  adds.inc(name, 0);
  retries.inc(name, 0);
  const queueDuration = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames,
    buckets: WORKQUEUE_BUCKETS,
    registers,
  });
  const workDuration = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes.',
    labelNames,
    buckets: WORKQUEUE_BUCKETS,
    registers,
  });
  new Gauge({
    name: 'workqueue_unfinished_work_seconds',
    help: "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.",
    labelNames,
    registers,
    collect() {
      const now = queue.now();
      const total = queue.processingStartedAt().reduce((sum, started) => sum + (now - started), 0);
      this.set(name, total / 1000);
    },
  });
  new Gauge({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'How many seconds has the longest running processor for workqueue been running.',
    labelNames,
    registers,
    collect() {
      const now = queue.now();
      const oldest = Math.min(now, ...queue.processingStartedAt());
      this.set(name, (now - oldest) / 1000);
    },
  });
  return {
    added: () => adds.inc(name),
    retried: () => retries.inc(name),
    waited: (ms) => queueDuration.observe(name, ms / 1000),
    worked: (ms) => workDuration.observe(name, ms / 1000),
  };
}
