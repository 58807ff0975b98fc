/**
 * Webhooks' matchConditions evaluated with CEL, as k8s.io/apiserver's matchconditions package
 * declares them: `object`, `oldObject` and `request` (the `authorizer` is not supported, so a
 * condition using it fails to compile). Conditions are compiled once, when the webhook's
 * configuration changes; a condition that did not compile yields its compile error at every
 * evaluation, and one that fails at run time its error — the failurePolicy then decides.
 * Only `false` excludes; any other value (true, or a non-bool) matches, as in kube.
 */
import type { MatchCondition } from '../webhook/types';
import type {
  CompiledMatchConditions,
  MatchConditionEvaluator,
  MatchConditionResult,
} from '../webhook/match-conditions';
import { CelCompileError, compileExpression, evaluationError } from './compile';
import type { CelActivation, CelLimits, CompiledExpression } from './compile';
import type { CelVariable } from './environment';
import { toCel } from './values';

const MATCH_CONDITION_VARIABLES: readonly CelVariable[] = ['object', 'oldObject', 'request', 'authorizer'];

export type CompiledCondition =
  { name: string; expression: CompiledExpression } | { name: string; error: string };

/** Compiles named boolean conditions over the given variables. */
export function compileConditions(
  conditions: readonly MatchCondition[],
  opts: { variables: readonly CelVariable[]; limits?: CelLimits },
): CompiledCondition[] {
  return conditions.map((condition) => {
    try {
      return { name: condition.name, expression: compileExpression(condition.expression, opts) };
    } catch (err) {
      if (err instanceof CelCompileError)
        return { name: condition.name, error: `compilation error: ${err.message}` };
      throw err;
    }
  });
}

export function evaluateConditions(
  compiled: readonly CompiledCondition[],
  activation: CelActivation,
): MatchConditionResult[] {
  return compiled.map((condition) => {
    if ('error' in condition) return { name: condition.name, error: condition.error };
    const outcome = condition.expression.evaluate(activation);
    if ('error' in outcome) {
      return { name: condition.name, error: evaluationError(condition.expression.source, outcome.error) };
    }
    return { name: condition.name, matched: outcome.value !== false };
  });
}

export function celMatchConditions(limits?: CelLimits): MatchConditionEvaluator {
  return {
    compile(conditions): CompiledMatchConditions {
      const compiled = compileConditions(conditions, { variables: MATCH_CONDITION_VARIABLES, limits });
      return {
        evaluate: async (input) =>
          evaluateConditions(compiled, {
            object: toCel(input.object),
            oldObject: toCel(input.oldObject),
            request: toCel(input.request),
          }),
      };
    },
  };
}
