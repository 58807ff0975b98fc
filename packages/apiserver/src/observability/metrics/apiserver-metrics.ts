/**
 * Every metric the apiserver exposes, in one registry per server (no global default registry, so
 * tests can run several servers side by side): kube-apiserver's request, authentication,
 * authorization, admission and storage metrics, and Node's process metrics (prom-client's
 * defaults: CPU, RSS, heap, event-loop lag, GC).
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { PolicyMetrics } from '../../admission/policy/metrics';
import type { WebhookMetrics } from '../../admission/webhook/metrics';
import { createPolicyMetrics, createWebhookMetrics } from './admission-metrics';
import { admissionStepMetrics } from '../instrumented-admission';
import type { AdmissionStepObserver } from '../instrumented-admission';
import { AuditMetrics } from './audit-metrics';
import { AuthMetrics } from './auth-metrics';
import { RequestMetrics } from './request-metrics';
import { StorageMetrics } from './storage-metrics';
import type { StorageBackend } from './storage-metrics';

export interface ApiserverMetrics {
  registry: Registry;
  requests: RequestMetrics;
  storage: StorageMetrics;
  auth: AuthMetrics;
  /** The admission webhooks' metrics hook. */
  webhooks: WebhookMetrics;
  policies: PolicyMetrics;
  audit: AuditMetrics;
  admissionSteps: AdmissionStepObserver;
}

export interface ApiserverMetricsOptions {
  /** prom-client's process metrics (default on). */
  processMetrics?: boolean;
  /** Which backend's storage metric names to use. */
  storage: StorageBackend;
}

export function createApiserverMetrics(options: ApiserverMetricsOptions): ApiserverMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new RequestMetrics(registry),
    storage: new StorageMetrics(registry, options.storage),
    auth: new AuthMetrics(registry),
    webhooks: createWebhookMetrics(registry),
    policies: createPolicyMetrics(registry),
    audit: new AuditMetrics(registry),
    admissionSteps: admissionStepMetrics(registry),
  };
}
