/**
 * --audit-webhook-config-file: audit events POSTed as an audit.k8s.io/v1 EventList to the
 * server of a kubeconfig, batched with kube's defaults (--audit-webhook-batch-*): a buffer of
 * 10,000 events, batches of up to 400, sent at the latest 30 s after their first event, at most
 * 10 batches a second (burst 15), a failed batch retried with backoff from 10 s (×1.5, 5 tries).
 * Never blocks a request: a full buffer drops events, counted in
 * apiserver_audit_error_total{plugin="webhook"}, as is a batch that failed every try.
 */
import type { KubeClient } from '../../auth/kube-client';
import type { AuditEvent } from './event';
import type { AuditBackend, AuditBackendReport } from './sink';

export interface WebhookBatchOptions {
  bufferSize: number;
  maxBatchSize: number;
  maxWaitMs: number;
  /** Sends per second, and how many may go at once after a quiet spell. */
  throttleQps: number;
  throttleBurst: number;
  initialBackoffMs: number;
  retries: number;
}

export const KUBE_WEBHOOK_BATCH_DEFAULTS: WebhookBatchOptions = {
  bufferSize: 10_000,
  maxBatchSize: 400,
  maxWaitMs: 30_000,
  throttleQps: 10,
  throttleBurst: 15,
  initialBackoffMs: 10_000,
  retries: 5,
};

export interface WebhookBackendOptions {
  client: KubeClient;
  report: AuditBackendReport;
  batch?: Partial<WebhookBatchOptions>;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

export function createWebhookBackend(options: WebhookBackendOptions): AuditBackend {
  const batch = { ...KUBE_WEBHOOK_BATCH_DEFAULTS, ...options.batch };
  const { report, client } = options;
  let buffer: AuditEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> = Promise.resolve();
  let tokens = batch.throttleBurst;
  let refilledAt = Date.now();
  let closed = false;

  const takeToken = async (): Promise<void> => {
    for (;;) {
      const now = Date.now();
      tokens = Math.min(batch.throttleBurst, tokens + ((now - refilledAt) / 1000) * batch.throttleQps);
      refilledAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - tokens) / batch.throttleQps) * 1000));
    }
  };

  const send = async (events: AuditEvent[]): Promise<void> => {
    const body = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: events };
    let delay = batch.initialBackoffMs;
    for (let attempt = 1; ; attempt++) {
      await takeToken();
      try {
        await client.request({ method: 'POST', path: '', body });
        return;
      } catch (err) {
        if (attempt >= batch.retries || closed) {
          report.error(events.length, err);
          return;
        }
        await sleep(delay * (1 + Math.random() * 0.2));
        delay *= 1.5;
      }
    }
  };

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    while (buffer.length > 0) {
      const events = buffer.slice(0, batch.maxBatchSize);
      buffer = buffer.slice(events.length);
      // One batch at a time, in order; the buffer keeps filling meanwhile.
      sending = sending.then(() => send(events));
    }
  };

  return {
    name: 'webhook',
    process(events) {
      if (closed) return;
      const room = batch.bufferSize - buffer.length;
      if (room < events.length) {
        report.error(events.length - Math.max(room, 0), new Error('the audit webhook buffer is full'));
        events = events.slice(0, Math.max(room, 0));
      }
      buffer.push(...events);
      if (buffer.length >= batch.maxBatchSize) flush();
      else if (!timer && buffer.length > 0) {
        timer = setTimeout(flush, batch.maxWaitMs);
        timer.unref();
      }
    },
    async close() {
      flush();
      closed = true;
      await Promise.race([sending, sleep(batch.maxWaitMs)]);
      client.close();
    },
  };
}
