/**
 * Wires the controller from a validated config: the cluster connection, the informer, the work
 * queue and reconciler, leader election, metrics and probes. main.ts only adds flags and
 * signals on top, so integration tests start exactly what the binary starts.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Foo } from './foo';
import type { ControllerConfig } from './config';
import { Controller } from './controller';
import { buildEvent } from './events';
import { serveMetrics, serveProbes } from './http-endpoints';
import type { Endpoint } from './http-endpoints';
import { createEventSink } from './kube/events';
import { createFooListWatch, createFooWriter } from './kube/foos';
import { ResilientInformer } from './kube/informer';
import { loadKubeConfig, serverOf } from './kube/kubeconfig';
import { createLeaseStore } from './kube/leases';
import { LeaderElector } from './leader-election';
import type { LeaseStore } from './leader-election';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import type { ControllerMetrics } from './metrics';
import { WorkQueue } from './queue';
import { OwnWrites } from './own-writes';
import { createReconciler } from './reconciler';

export interface StartOptions {
  config: ControllerConfig;
  logger: Logger;
  /** Running in a pod (decided by main.ts from the environment). */
  inCluster: boolean;
  /** Where a kubeconfig is looked for without --kubeconfig, out of a pod (read by main.ts). */
  kubeconfigEnv?: { KUBECONFIG?: string; home?: string };
  /** Collect process metrics (off in tests that start several controllers). */
  processMetrics?: boolean;
  /** Server-side watch timeout; default 300–600 s at random. */
  watchTimeoutSeconds?: () => number;
  /** The Lease to elect on; default the cluster's (tests pass one that behaves like it). */
  leaseStore?: LeaseStore;
  /** This replica's identity in the Lease; default `<hostname>_<uuid>` as client-go. */
  identity?: string;
}

/** Why the controller ended: shut down on request, or leadership lost (exit and restart). */
export type StopReason = 'stopped' | 'lost';

export interface RunningController {
  metrics: ControllerMetrics;
  metricsEndpoint?: Endpoint;
  probesEndpoint?: Endpoint;
  /** Resolves once everything has stopped. */
  done: Promise<StopReason>;
  /** Graceful: drain the queue, release the lease, close the listeners. */
  shutdown(): Promise<void>;
}

export async function startController(options: StartOptions): Promise<RunningController> {
  const { config, logger } = options;
  const kc = loadKubeConfig({
    kubeconfig: config.kubeconfig,
    inCluster: options.inCluster,
    env: options.kubeconfigEnv,
  });
  const requestTimeoutMs = config.requestTimeoutMs;
  const queue = new WorkQueue<string>();
  const metrics = createMetrics({
    queue: {
      depth: () => queue.len(),
      processingStartedAt: () => queue.processingStartedAt(),
      now: Date.now,
    },
    maxConcurrentReconciles: config.concurrency,
    processMetrics: options.processMetrics,
  });
  queue.observeWith(metrics.queue);

  const informer = new ResilientInformer<Foo>({
    listWatch: createFooListWatch(kc, {
      requestTimeoutMs,
      watchTimeoutSeconds: options.watchTimeoutSeconds,
      onResponse: metrics.restClientRequest,
    }),
    // The informer starts from controller.start(), so `controller` exists by the first event.
    onEvent: (type, foo) => controller.onEvent(type, foo),
    log: logger,
    resyncPeriodMs: config.resyncPeriodMs,
    onRestart: () => metrics.informerRestarts.inc(),
  });
  const writer = createFooWriter(kc, { requestTimeoutMs, onResponse: metrics.restClientRequest });
  const sendEvent = createEventSink(kc, { requestTimeoutMs, onResponse: metrics.restClientRequest });
  const source = { reportingInstance: `pwk-controller-${os.hostname()}` };
  const ownWrites = new OwnWrites();
  const reconcile = createReconciler({
    ownWrites,
    client: {
      get: ({ namespace, name }) => informer.get(name, namespace),
      updateSpec: writer.updateSpec,
      updateStatus: writer.updateStatus,
      recordEvent: (event) => sendEvent(buildEvent(event, { source, nowMs: Date.now() })),
    },
    log: logger,
  });
  const controller = new Controller({
    informer,
    queue,
    reconcile,
    concurrency: config.concurrency,
    log: logger,
    metrics,
    ownWrites,
  });

  // leader_election_master_status: 0 until this replica leads (or runs alone).
  const lease = { name: config.leaderElection.name };
  metrics.isLeader.set(lease, 0);
  let shuttingDown = false;
  let leading = !config.leaderElection.enabled;
  const endpoints: Endpoint[] = [];
  const metricsEndpoint = config.metricsBindAddress
    ? await serveMetrics(config.metricsBindAddress, metrics.registry)
    : undefined;
  const probesEndpoint = config.healthProbeBindAddress
    ? await serveProbes(config.healthProbeBindAddress, {
        healthz: () => true,
        // A standby is ready (it is doing its job: waiting); a leader once its cache is synced.
        readyz: () => !shuttingDown && (!leading || controller.ready()),
      })
    : undefined;
  for (const endpoint of [metricsEndpoint, probesEndpoint]) if (endpoint) endpoints.push(endpoint);
  logger.info('pwk-controller starting', {
    server: serverOf(kc),
    concurrency: config.concurrency,
    leaderElection: config.leaderElection.enabled,
    metrics: metricsEndpoint?.url,
    probes: probesEndpoint?.url,
  });

  const stopController = (drain: boolean) =>
    controller.stop({ drain, timeoutMs: config.gracefulShutdownTimeoutMs });
  const closeEndpoints = () => Promise.all(endpoints.map((e) => e.close()));

  let elector: LeaderElector | undefined;
  let ended: Promise<StopReason>;
  let requestStop: () => void = () => undefined;
  if (config.leaderElection.enabled) {
    const le = config.leaderElection;
    elector = new LeaderElector({
      store:
        options.leaseStore ??
        createLeaseStore(kc, {
          namespace: le.namespace,
          name: le.name,
          requestTimeoutMs,
          onResponse: metrics.restClientRequest,
        }),
      identity: options.identity ?? `${os.hostname()}_${randomUUID()}`,
      leaseDurationMs: le.leaseDurationMs,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
      log: logger,
      onStartedLeading: () => {
        leading = true;
        metrics.isLeader.set(lease, 1);
        void controller.start();
      },
      onStoppedLeading: (why) => {
        leading = false;
        metrics.isLeader.set(lease, 0);
        // Lost: stop at once — another replica may already be reconciling.
        if (why === 'lost') void stopController(false);
      },
    });
    ended = elector.run();
  } else {
    metrics.isLeader.set(lease, 1);
    await controller.start();
    ended = new Promise<StopReason>((resolve) => (requestStop = () => resolve('stopped')));
  }

  const done = ended.then(async (reason) => {
    await stopController(reason === 'stopped');
    await closeEndpoints();
    logger.info('pwk-controller stopped', { reason });
    return reason;
  });

  return {
    metrics,
    metricsEndpoint,
    probesEndpoint,
    done,
    async shutdown() {
      shuttingDown = true;
      // Drain while still holding the lease, then release it.
      await stopController(true);
      if (elector) await elector.stop();
      requestStop();
      await done;
    },
  };
}
