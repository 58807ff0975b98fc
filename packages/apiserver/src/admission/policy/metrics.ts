/**
 * What ValidatingAdmissionPolicy tells a metrics backend, when one is wired in: the observations
 * behind kube's apiserver_validating_admission_policy_check_total and
 * apiserver_validating_admission_policy_check_duration_seconds, labelled {policy,
 * policy_binding, error_type, enforcement_action}; observability/metrics/admission-metrics.ts
 * implements it with prom-client.
 */

/** kube's error_type label (validating/metrics ValidationErrorType). */
export type PolicyErrorType = 'no_error' | 'compile_error' | 'out_of_budget' | 'invalid_error';

/** kube's enforcement_action label: allow for an admitted check, else the binding's action. */
export type EnforcementAction = 'allow' | 'deny' | 'warn' | 'audit';

export interface PolicyMetrics {
  /** One policy-binding check of a request, with how long its expressions took. */
  observePolicyCheck?(o: {
    policy: string;
    binding: string;
    errorType: PolicyErrorType;
    enforcementAction: EnforcementAction;
    durationMs: number;
  }): void;
}

/** kube's ErrorType(decision): compile errors, running out of budget, or anything else. */
export function policyErrorType(decision: {
  evaluation: 'admit' | 'deny' | 'error';
  message: string;
}): PolicyErrorType {
  if (decision.evaluation === 'admit') return 'no_error';
  if (decision.message.startsWith('compilation')) return 'compile_error';
  if (decision.message.includes('cost limit exceeded') || decision.message.includes('out of cost budget')) {
    return 'out_of_budget';
  }
  return 'invalid_error';
}
