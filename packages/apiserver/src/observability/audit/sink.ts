/**
 * Where audit events go: every configured backend (the log, the webhook), each non-blocking.
 * The sink counts events (apiserver_audit_event_total, apiserver_audit_level_total) and each
 * backend reports what it could not deliver (apiserver_audit_error_total{plugin}); the server log
 * hears of failures at most once every 10 s per backend, so a full disk cannot flood it.
 */
import type { Logger } from '../../logging/logger';
import type { AuditMetrics } from '../metrics/audit-metrics';
import type { AuditEvent } from './event';

export interface AuditBackend {
  /** kube's plugin label: `log` or `webhook`. */
  name: 'log' | 'webhook';
  /** Takes the events without waiting; never throws. */
  process(events: AuditEvent[]): void;
  /** Flushes what is pending (bounded) and releases the backend. */
  close(): Promise<void>;
}

/** How a backend tells of events it dropped and of trouble. */
export interface AuditBackendReport {
  error(dropped: number, cause: unknown): void;
  warn(message: string, cause: unknown): void;
}

export interface AuditSink {
  process(event: AuditEvent): void;
  close(): Promise<void>;
}

const LOG_EVERY_MS = 10_000;

/** The report of backend `plugin`: counts, and logs with a floor of 10 s between lines. */
export function backendReport(opts: {
  plugin: string;
  logger: Logger;
  metrics: AuditMetrics;
}): AuditBackendReport {
  let lastLogged = 0;
  let droppedSince = 0;
  const describe = (cause: unknown) => String((cause as Error)?.message ?? cause);
  return {
    error(dropped, cause) {
      opts.metrics.failed(opts.plugin, dropped);
      droppedSince += dropped;
      const now = Date.now();
      if (now - lastLogged < LOG_EVERY_MS) return;
      lastLogged = now;
      opts.logger.error('audit events could not be written', {
        plugin: opts.plugin,
        dropped: droppedSince,
        error: describe(cause),
      });
      droppedSince = 0;
    },
    warn(message, cause) {
      opts.logger.warn(message, { plugin: opts.plugin, error: describe(cause) });
    },
  };
}

export function createAuditSink(backends: AuditBackend[], metrics: AuditMetrics): AuditSink {
  return {
    process(event) {
      metrics.processed();
      const batch = [event];
      for (const backend of backends) backend.process(batch);
    },
    async close() {
      await Promise.all(backends.map((b) => b.close()));
    },
  };
}
