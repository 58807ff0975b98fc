/**
 * Assembles and runs the apiserver: storage, registry, admission, authentication, the request
 * listener on HTTPS, and graceful shutdown. On SIGTERM: /readyz fails at once and requests are
 * still served for --shutdown-delay-duration (the aggregator and load balancers notice); then new
 * requests get 503 with Retry-After, open watches end cleanly, the requests in flight finish (at
 * most --shutdown-timeout), and the store is closed, releasing the data dir.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { ServerConfig } from '../config/flags';
import { createApp } from '../http/app';
import { createBodyDecoder } from '../http/body';
import { createShutdownGate } from '../http/shutdown-gate';
import { createApiserverMetrics } from '../observability/metrics/apiserver-metrics';
import type { ApiserverMetrics } from '../observability/metrics/apiserver-metrics';
import { instrumentStorage } from '../observability/metrics/instrumented-storage';
import { instrumentAdmission } from '../observability/instrumented-admission';
import type { createTracing } from '../observability/tracing/otlp-tracing';
import { loadTracingConfig } from '../observability/tracing/tracing-config';
import type { Tracer } from '@opentelemetry/api';
import type { DiskObserver } from '../storage/file/durable-fs';
import type { Logger } from '../logging/logger';
import type { KindDefinition } from '@pwk/api';
import { equivalentResourcesOf } from '../apis/equivalent-resources';
import { installKinds } from '../apis/installed-api';
import { REGISTERED_KINDS } from '../apis/registered-kinds';
import type { createEtcdStorage } from '../storage/etcd/etcd-storage';
import { createFileStorage } from '../storage/file/file-storage';
import type { Storage } from '../storage/interface';
import { loadServingCertificate } from './certificates';
import { loadedObjectCheck } from './loaded-object-check';
import { servedResources } from './served-resources';
import { reportStoredVersions } from './stored-versions-report';
import type { ServingCertificate } from './certificates';
import { setUpClusterAdmission } from './cluster-admission';
import { setUpAudit } from './audit';
import type { PolicyAdmissionOptions } from './policy-admission';
import { setUpDelegatedAuth } from './delegated-auth';
import type { WebhookAdmissionOptions } from './webhook-admission';
import type { WebhookBatchOptions } from '../observability/audit/webhook-backend';
import { watchFileChanges } from './file-change-watcher';
import type { FileChangeWatcher } from './file-change-watcher';
import { secureContextOptions, serverTlsOptions } from './tls-options';
import type { TlsMaterial } from './tls-options';

export interface RunningServer {
  /** `https://<host>:<port>`. */
  url: string;
  port: number;
  /** The serving certificate file (clients trust it as their CA for a self-signed cert). */
  certFile: string;
  storage: Storage;
  /** The server's metrics (what /metrics serves). */
  metrics: ApiserverMetrics;
  /** Graceful shutdown, as on SIGTERM. */
  shutdown(): Promise<void>;
}

export interface StartOptions {
  config: ServerConfig;
  logger: Logger;
  /** The kinds to serve (default: apis/registered-kinds.ts). */
  kinds?: readonly KindDefinition[];
  /** How often watches that asked for bookmarks get one (default 60 s). */
  bookmarkIntervalMs?: number;
  /** Environment for in-cluster detection (default process.env). */
  env?: Record<string, string | undefined>;
  /** Where the in-cluster service account is mounted (tests). */
  serviceAccountDir?: string;
  /** How often CA files and the authentication ConfigMap are re-read (default 30 s). */
  authRefreshIntervalMs?: number;
  /** How often --tls-cert-file/--tls-private-key-file are checked for changes (default 10 s). */
  certReloadIntervalMs?: number;
  /** Slow-client protection; defaults: 32 s for the headers (k8s' ReadHeaderTimeout), checked every 1 s. */
  headersTimeoutMs?: number;
  connectionsCheckingIntervalMs?: number;
  /** How long an admission check waits for the core API's first list (default 10 s). */
  admissionSyncTimeoutMs?: number;
  /**
   * For the admission webhooks: how a webhook service is reached (tests map it to 127.0.0.1),
   * the matchConditions evaluator, a metrics hook, how often static manifests are re-read.
   */
  webhooks?: WebhookAdmissionOptions;
  /** Tests: audit webhook batching shorter than kube's defaults. */
  auditWebhookBatch?: Partial<WebhookBatchOptions>;
  /** How long finished spans wait to be exported in a batch (default 5 s). */
  tracingExportDelayMs?: number;
  /** For ValidatingAdmissionPolicy: a metrics hook, how often static manifests are re-read. */
  policies?: PolicyAdmissionOptions;
}

/** The file store's fsync reports, also as `fsync` spans under the write that waited for them. */
function withFsyncSpans(observer: DiskObserver, tracer: Tracer | undefined): DiskObserver {
  if (!tracer) return observer;
  return {
    fsync(seconds, target) {
      observer.fsync(seconds, target);
      const end = Date.now();
      tracer.startSpan('fsync', { startTime: end - seconds * 1000, attributes: { target } }).end(end);
    },
    groupCommit: (writes) => observer.groupCommit(writes),
  };
}

/** k8s' ReadHeaderTimeout: a client that has not sent its headers by then is cut off. */
const HEADERS_TIMEOUT_MS = 32_000;

/** The OpenTelemetry SDK and exporter, loaded only by a server with --tracing-config-file. */
function loadOtlpTracing(): { createTracing: typeof createTracing } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a deliberate lazy load
  return require('../observability/tracing/otlp-tracing') as { createTracing: typeof createTracing };
}

/** The etcd backend's module, loaded on first use (see startServer). */
function loadEtcdStorage(): { createEtcdStorage: typeof createEtcdStorage } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a deliberate lazy load
  return require('../storage/etcd/etcd-storage') as { createEtcdStorage: typeof createEtcdStorage };
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config, logger } = options;
  // Installed first: a bad list of kinds stops start-up before anything is opened.
  const api = installKinds(options.kinds ?? REGISTERED_KINDS);
  const metrics = createApiserverMetrics({ storage: config.storage });
  // Read first: a bad tracing configuration stops start-up before anything is opened.
  const tracing = config.tracingConfigFile
    ? loadOtlpTracing().createTracing(await loadTracingConfig(config.tracingConfigFile), {
        exportDelayMs: options.tracingExportDelayMs,
      })
    : undefined;
  if (tracing) logger.info('tracing', { config: config.tracingConfigFile });
  const auth = await setUpDelegatedAuth({
    config,
    logger,
    env: options.env ?? process.env,
    serviceAccountDir: options.serviceAccountDir,
    refreshMs: options.authRefreshIntervalMs ?? 30_000,
    metrics: { tokenReview: metrics.auth.tokenReview, accessReview: metrics.auth.accessReview },
  });
  let serving: ServingCertificate;
  try {
    serving = await loadServingCertificate({ tls: config.tls, certDir: config.certDir });
  } catch (err) {
    auth.close();
    throw err;
  }

  // The etcd client (gRPC) is loaded only when it is used: for a file-store server it would add
  // ~31 MB of RSS and ~200 ms of start-up (measured on Node 20).
  const backend =
    config.storage === 'etcd'
      ? await loadEtcdStorage().createEtcdStorage({
          endpoints: config.etcd.servers,
          prefix: config.etcd.prefix,
          tls: { caFile: config.etcd.caFile, certFile: config.etcd.certFile, keyFile: config.etcd.keyFile },
          logger,
          eventWindow: config.eventWindow,
        })
      : await createFileStorage({
          dataDir: config.dataDir,
          sync: config.fileStoreSync,
          logger,
          eventWindow: config.eventWindow,
          checkLoaded: loadedObjectCheck,
          observer: withFsyncSpans(metrics.storage.fileStore, tracing?.tracer),
        });
  const storage = instrumentStorage(backend, metrics.storage, tracing?.tracer);
  let admission: Awaited<ReturnType<typeof setUpClusterAdmission>>;
  let audit: Awaited<ReturnType<typeof setUpAudit>> | undefined;
  try {
    audit = await setUpAudit({
      config: config.audit,
      logger,
      metrics: metrics.audit,
      webhookBatch: options.auditWebhookBatch,
    });
    admission = await setUpClusterAdmission({
      config,
      logger,
      equivalents: equivalentResourcesOf(api),
      env: options.env ?? process.env,
      serviceAccountDir: options.serviceAccountDir,
      syncTimeoutMs: options.admissionSyncTimeoutMs,
      // A hook the caller injects (tests) wins over the server's own metrics.
      webhooks: { ...options.webhooks, metrics: options.webhooks?.metrics ?? metrics.webhooks },
      policies: { ...options.policies, metrics: options.policies?.metrics ?? metrics.policies },
    });
  } catch (err) {
    // A bad admission or audit configuration stops start-up; what is open so far is released.
    await audit?.sink.close();
    await storage.close();
    auth.close();
    throw err;
  }
  if (!admission.connected && config.enableGarbageCollector) {
    logger.info(
      'no cluster, so no garbage collector: Orphan and Foreground deletions keep the object until its orphan / foregroundDeletion finalizer is removed (--enable-garbage-collector=false deletes at once)',
    );
  }
  const admitted =
    admission.chain &&
    instrumentAdmission(admission.chain, { steps: metrics.admissionSteps, tracer: tracing?.tracer });
  const resources = servedResources(api, storage, {
    admission: admitted,
    garbageCollection: config.enableGarbageCollector,
  });
  let shuttingDown = false;
  const gate = createShutdownGate();
  const decoder = createBodyDecoder();

  const app = createApp({
    api,
    resources,
    logger,
    accessLogLevel: config.accessLogLevel,
    accessLogDetailed: config.verbosity >= 2,
    authenticate: auth.authenticate,
    identityHeaders: auth.identityHeaders,
    authorize: auth.authorize,
    maxInFlight: { readOnly: config.maxRequestsInflight, mutating: config.maxMutatingRequestsInflight },
    requestTimeoutMs: config.requestTimeoutMs,
    health: {
      storageProblem: () =>
        storage.ready() ? undefined : (storage.notReadyReason?.() ?? 'storage is not ready'),
      shuttingDown: () => shuttingDown,
    },
    now: () => new Date(),
    minRequestTimeoutMs: config.minRequestTimeoutMs,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    maxRequestBytes: config.maxRequestBytes,
    decoder,
    shutdown: gate,
    metrics,
    audit,
    tracing,
  });

  const material: TlsMaterial = {
    cert: serving.cert,
    key: serving.key,
    clientCAs: auth.clientCAs(),
    minVersion: config.tlsMinVersion,
  };
  const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const server = https.createServer(
    {
      ...serverTlsOptions(material, auth.requestClientCertificates),
      headersTimeout,
      // The whole request (headers and body) must arrive within the request deadline.
      requestTimeout: Math.max(config.requestTimeoutMs || 300_000, headersTimeout),
      connectionsCheckingInterval: options.connectionsCheckingIntervalMs ?? 1000,
    },
    app,
  );
  // New connections see rotated CAs and certificates; open ones keep what they negotiated.
  const updateTls = (change: Partial<TlsMaterial>) => {
    Object.assign(material, change);
    server.setSecureContext(secureContextOptions(material));
  };
  auth.sources.onChange(() => updateTls({ clientCAs: auth.clientCAs() }));
  // Node's counterpart of Go's "http: TLS handshake error from …" log line.
  server.on('tlsClientError', (_err, socket) => {
    metrics.requests.tlsHandshakeErrors.inc();
    socket.destroy();
  });
  const certWatcher = await watchServingCertificate({
    config,
    logger,
    intervalMs: options.certReloadIntervalMs,
    updateTls,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.securePort, config.bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.bindAddress === '0.0.0.0' ? '127.0.0.1' : config.bindAddress;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const where =
    config.storage === 'etcd' ? { etcdServers: config.etcd.servers } : { dataDir: config.dataDir };
  logger.info('serving', { url, storage: config.storage, ...where, certFile: serving.certFile });
  void reportStoredVersions({
    storage,
    kinds: api.kinds,
    logger,
    metrics: metrics.storage,
    stopping: () => shuttingDown,
  });

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      shuttingDown = true;
      certWatcher?.stop();
      logger.info('shutting down: /readyz fails now', { delayMs: config.shutdownDelayMs });
      // Requests are still served (and authenticated, and admitted) while the aggregator and load
      // balancers notice.
      await new Promise((r) => setTimeout(r, config.shutdownDelayMs));
      // Then: no new connections, no new requests on open ones (503 + Retry-After), open watches
      // end cleanly, and only what is in flight is waited for — at most --shutdown-timeout.
      gate.closeGate();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      logger.info('no longer serving new requests; waiting for those in flight', { inFlight: gate.inFlight });
      const forced = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      forced.unref();
      await Promise.race([gate.drained(), closed]);
      // Every answer is out: connections kept alive by clients are of no more use.
      server.closeAllConnections();
      await closed;
      clearTimeout(forced);
      await storage.close();
      await decoder.close();
      auth.close();
      admission.close();
      // After the last request: its ResponseComplete events are in the sink, its spans ended.
      await audit?.sink.close();
      await tracing?.shutdown();
      logger.info('stopped');
    })());

  return { url, port, certFile: serving.certFile, storage, metrics, shutdown };
}

/** With --tls-cert-file, reloads the pair when either file changes; a bad pair keeps the old one. */
async function watchServingCertificate(opts: {
  config: ServerConfig;
  logger: Logger;
  intervalMs: number | undefined;
  updateTls: (change: Partial<TlsMaterial>) => void;
}): Promise<FileChangeWatcher | undefined> {
  const { tls, certDir } = opts.config;
  if (!tls) return undefined;
  return watchFileChanges({
    files: [tls.certFile, tls.keyFile],
    intervalMs: opts.intervalMs ?? 10_000,
    onChange: async () => {
      try {
        const next = await loadServingCertificate({ tls, certDir });
        // Throws when the key does not match the certificate (e.g. half-way through a rotation).
        createSecureContext({ cert: next.cert, key: next.key });
        opts.updateTls({ cert: next.cert, key: next.key });
        opts.logger.info('serving certificate reloaded', { certFile: tls.certFile });
      } catch (err) {
        opts.logger.warn('cannot reload the serving certificate; keeping the current one', {
          error: String((err as Error)?.message ?? err),
        });
      }
    },
  });
}
