/**
 * What webhook admission tells a metrics backend, when one is wired in: the observations behind
 * kube's apiserver_admission_webhook_admission_duration_seconds, _request_total,
 * _rejection_count and _fail_open_count. Every hook is optional; pwk has no metrics library here.
 */
import type { AdmissionOperation } from '../attributes';

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
