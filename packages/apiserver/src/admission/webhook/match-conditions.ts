/**
 * A webhook's matchConditions: CEL expressions over `object`, `oldObject` and `request` that all
 * must be true for the webhook to be called. CEL itself is admission/cel's job (its
 * celMatchConditions is what the server wires in); webhooks take any MatchConditionEvaluator, compile a webhook's conditions once when its configuration
 * changes, and decide as k8s.io/apiserver's matchconditions.Matcher does: a condition that is
 * false skips the webhook (even if others failed to evaluate); otherwise a failed evaluation
 * follows the failurePolicy — Fail refuses the request, Ignore skips the webhook.
 */
import type { KubeObject } from '../../storage/interface';
import type { FailurePolicy, MatchCondition } from './types';

export interface MatchConditionInput {
  object: KubeObject | null;
  oldObject: KubeObject | null;
  /** The admission.k8s.io/v1 AdmissionRequest (kind, resource, userInfo, operation, …). */
  request: Record<string, unknown>;
}

export type MatchConditionResult = { name: string; matched: boolean } | { name: string; error: string };

export interface CompiledMatchConditions {
  /** One result per condition, in order; an expression that did not compile yields its error. */
  evaluate(input: MatchConditionInput): Promise<MatchConditionResult[]>;
}

/** Compiles a webhook's conditions (at most 64, each a CEL expression returning bool). */
export interface MatchConditionEvaluator {
  compile(conditions: readonly MatchCondition[]): CompiledMatchConditions;
}

export type MatchOutcome = { call: true } | { call: false; excludedBy?: string } | { error: string };

/** kube's utilerrors.NewAggregate wording: one error as it is, several in brackets. */
function aggregate(messages: string[]): string {
  return messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`;
}

export function matchOutcome(
  results: readonly MatchConditionResult[],
  failurePolicy: FailurePolicy,
): MatchOutcome {
  const errors: string[] = [];
  for (const result of results) {
    if ('error' in result) errors.push(result.error);
    else if (!result.matched) return { call: false, excludedBy: result.name };
  }
  if (errors.length === 0) return { call: true };
  return failurePolicy === 'Ignore' ? { call: false } : { error: aggregate(errors) };
}
