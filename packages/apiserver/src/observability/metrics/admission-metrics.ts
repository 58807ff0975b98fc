/**
 * The webhook admission metrics hook (admission/webhook/metrics.ts) implemented with prom-client,
 * under kube-apiserver's names, labels and buckets (k8s.io/apiserver/pkg/admission/metrics):
 * apiserver_admission_webhook_admission_duration_seconds, _webhook_request_total,
 * _webhook_rejection_count, _webhook_fail_open_count, _match_condition_exclusions_total.
 */
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { PolicyMetrics } from '../../admission/policy/metrics';
import type { WebhookMetrics } from '../../admission/webhook/metrics';

/** kube truncates codes above 600 to keep the cardinality bounded. */
const codeLabel = (code: number): string => String(Math.min(code, 600));

export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  const registers = [registry];
  const duration = new Histogram({
    name: 'apiserver_admission_webhook_admission_duration_seconds',
    help: 'Admission webhook latency histogram in seconds, identified by name and broken out for each operation and API resource and type (validate or admit).',
    labelNames: ['name', 'type', 'operation', 'rejected'],
    buckets: [0.005, 0.025, 0.1, 0.5, 1.0, 2.5, 10, 25],
    registers,
  });
  const requests = new Counter({
    name: 'apiserver_admission_webhook_request_total',
    help: 'Admission webhook request total, identified by name and broken out for each admission type (validating or mutating) and operation. Additional labels specify whether the request was rejected or not and an HTTP status code. Codes greater than 600 are truncated to 600, to keep the metrics cardinality bounded.',
    labelNames: ['name', 'type', 'operation', 'code', 'rejected'],
    registers,
  });
  const rejections = new Counter({
    name: 'apiserver_admission_webhook_rejection_count',
    help: 'Admission webhook rejection count, identified by name and broken out for each admission type (validating or admit) and operation. Additional labels specify an error type (calling_webhook_error or apiserver_internal_error if an error occurred; no_error otherwise) and optionally a non-zero rejection code if the webhook rejects the request with an HTTP status code (honored by the apiserver when the code is greater or equal to 400). Codes greater than 600 are truncated to 600, to keep the metrics cardinality bounded.',
    labelNames: ['name', 'type', 'operation', 'error_type', 'rejection_code'],
    registers,
  });
  const failOpen = new Counter({
    name: 'apiserver_admission_webhook_fail_open_count',
    help: 'Admission webhook fail open count, identified by name and broken out for each admission type (validating or mutating).',
    labelNames: ['name', 'type'],
    registers,
  });
  const exclusions = new Counter({
    name: 'apiserver_admission_match_condition_exclusions_total',
    help: 'Admission match condition evaluation exclusions count, identified by name of resource containing the match condition and broken out for each kind containing matchConditions (webhook or policy), operation and admission type (validate or admit).',
    labelNames: ['name', 'kind', 'type', 'operation'],
    registers,
  });
  return {
    observeWebhook: (o) => {
      const rejected = String(o.rejected);
      duration.observe({ name: o.name, type: o.type, operation: o.operation, rejected }, o.durationMs / 1000);
      requests.inc({ name: o.name, type: o.type, operation: o.operation, code: codeLabel(o.code), rejected });
    },
    observeRejection: (o) =>
      rejections.inc({
        name: o.name,
        type: o.type,
        operation: o.operation,
        error_type: o.errorType,
        rejection_code: codeLabel(o.code),
      }),
    observeFailOpen: (o) => failOpen.inc({ name: o.name, type: o.type }),
    observeMatchConditionExclusion: (o) =>
      exclusions.inc({ name: o.name, kind: 'webhook', type: o.type, operation: o.operation }),
  };
}

/**
 * The ValidatingAdmissionPolicy metrics hook (admission/policy/metrics.ts) under kube's names and
 * buckets (k8s.io/apiserver/pkg/admission/plugin/policy/validating/metrics).
 */
export function createPolicyMetrics(registry: Registry): PolicyMetrics {
  const registers = [registry];
  const labelNames = ['policy', 'policy_binding', 'error_type', 'enforcement_action'];
  const checks = new Counter({
    name: 'apiserver_validating_admission_policy_check_total',
    help: 'Validation admission policy check total, labeled by policy and further identified by binding and enforcement action taken.',
    labelNames,
    registers,
  });
  const latency = new Histogram({
    name: 'apiserver_validating_admission_policy_check_duration_seconds',
    help: 'Validation admission latency for individual validation expressions in seconds, labeled by policy and further including binding and enforcement action taken.',
    labelNames,
    buckets: [0.0000005, 0.001, 0.01, 0.1, 1.0],
    registers,
  });
  return {
    observePolicyCheck: (o) => {
      const labels = {
        policy: o.policy,
        policy_binding: o.binding,
        error_type: o.errorType,
        enforcement_action: o.enforcementAction,
      };
      checks.inc(labels);
      latency.observe(labels, o.durationMs / 1000);
    },
  };
}
