/**
 * What webhook admission tells a metrics backend, when one is wired in: the observations behind
 * kube's apiserver_admission_webhook_admission_duration_seconds, _request_total,
 * _rejection_count and _fail_open_count (observability/metrics/admission-metrics.ts implements it),
 * and the one place the plugins turn a call's outcome into those observations.
 */
import type { AdmissionAttributes, AdmissionOperation } from '../attributes';
import { CallingWebhookError } from './errors';

/** kube's label value for the webhook's type. */
export type WebhookMetricType = 'admit' | 'validating';

/** kube's error_type label of a rejection. */
export type RejectionErrorType = 'calling_webhook_error' | 'no_error' | 'apiserver_internal_error';

export interface WebhookMetrics {
  /** One call made (or refused before it was made), with its HTTP-like code (200 when allowed). */
  observeWebhook?(o: {
    name: string;
    type: WebhookMetricType;
    operation: AdmissionOperation;
    rejected: boolean;
    code: number;
    durationMs: number;
  }): void;
  observeRejection?(o: {
    name: string;
    type: WebhookMetricType;
    operation: AdmissionOperation;
    errorType: RejectionErrorType;
    code: number;
  }): void;
  /** A call that failed and was ignored (failurePolicy Ignore). */
  observeFailOpen?(o: { name: string; type: WebhookMetricType }): void;
  /** A webhook skipped because a matchCondition was false. */
  observeMatchConditionExclusion?(o: {
    name: string;
    type: WebhookMetricType;
    operation: AdmissionOperation;
  }): void;
}

/** A call that allowed the request: kube's code 200, not rejected. */
export function observeAllowed(
  metrics: WebhookMetrics | undefined,
  o: { webhook: string; type: WebhookMetricType; operation: AdmissionOperation; started: number },
): void {
  metrics?.observeWebhook?.({
    name: o.webhook,
    type: o.type,
    operation: o.operation,
    rejected: false,
    code: 200,
    durationMs: Date.now() - o.started,
  });
}

/** The rejection metrics kube records for a failed call or a refusal. */
export function observeFailure(o: {
  metrics: WebhookMetrics | undefined;
  err: unknown;
  ignore: boolean;
  webhook: string;
  operation: AdmissionAttributes['operation'];
  durationMs: number;
  type?: 'admit' | 'validating';
}): void {
  const type = o.type ?? 'admit';
  const code = o.err instanceof CallingWebhookError ? 0 : ((o.err as { code?: number }).code ?? 0);
  const errorType =
    o.err instanceof CallingWebhookError
      ? 'calling_webhook_error'
      : o.err instanceof Error && o.err.name === 'WebhookRejectionError'
        ? 'no_error'
        : 'apiserver_internal_error';
  if (!o.ignore)
    o.metrics?.observeRejection?.({ name: o.webhook, type, operation: o.operation, errorType, code });
  o.metrics?.observeWebhook?.({
    name: o.webhook,
    type,
    operation: o.operation,
    rejected: !o.ignore,
    code,
    durationMs: o.durationMs,
  });
}
