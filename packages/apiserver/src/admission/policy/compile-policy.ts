/**
 * A ValidatingAdmissionPolicy compiled once, when it changes (kube's policy hook with its
 * evaluator): selectors parsed, and every CEL expression — matchConditions, variables,
 * validations with their messageExpressions, auditAnnotations — compiled in the policy's
 * environment (`object`, `oldObject`, `request`, `params`, `namespaceObject`, `variables`;
 * `authorizer` is not supported, so an expression using it does not compile). An expression that
 * does not compile is kept with its error: it fails when evaluated, and the failurePolicy decides.
 */
import { CelCompileError, compileExpression } from '../cel/compile';
import type { CelLimits, CompiledExpression } from '../cel/compile';
import type { CelVariable } from '../cel/environment';
import { compileConditions } from '../cel/match-conditions';
import type { CompiledCondition } from '../cel/match-conditions';
import { InvalidSelectorError, labelSelectorMatcher } from '../webhook/label-selector-spec';
import type { ParsedSelector } from '../webhook/accessor';
import type { FailurePolicy, LabelSelectorSpec, MatchPolicy } from '../webhook/types';
import type {
  MatchResources,
  NamedRuleWithOperations,
  ParamKind,
  Validation,
  ValidatingAdmissionPolicy,
} from './types';

export const POLICY_VARIABLES: readonly CelVariable[] = [
  'object',
  'oldObject',
  'request',
  'params',
  'namespaceObject',
  'variables',
  'authorizer',
];

export type Compiled = { expression: CompiledExpression } | { error: string };

export interface ParsedMatchResources {
  namespaceSelector: ParsedSelector;
  objectSelector: ParsedSelector;
  resourceRules: NamedRuleWithOperations[];
  excludeResourceRules: NamedRuleWithOperations[];
  matchPolicy: MatchPolicy;
}

export interface CompiledValidation {
  validation: Validation;
  expression: Compiled;
  messageExpression?: Compiled;
}

export interface CompiledPolicy {
  name: string;
  policy: ValidatingAdmissionPolicy;
  failurePolicy: FailurePolicy;
  paramKind?: ParamKind;
  matchConstraints: ParsedMatchResources;
  matchConditions: CompiledCondition[];
  variables: ReadonlyMap<string, Compiled>;
  validations: CompiledValidation[];
  auditAnnotations: Array<{ key: string; valueExpression: Compiled }>;
}

function parseSelector(spec: LabelSelectorSpec | undefined): ParsedSelector {
  try {
    return labelSelectorMatcher(spec ?? {});
  } catch (err) {
    if (err instanceof InvalidSelectorError) return { invalid: err.message };
    throw err;
  }
}

/** Match resources with kube's v1 defaults (matchPolicy Equivalent, empty selectors, scope `*`). */
export function parseMatchResources(match: MatchResources | undefined): ParsedMatchResources {
  return {
    namespaceSelector: parseSelector(match?.namespaceSelector),
    objectSelector: parseSelector(match?.objectSelector),
    resourceRules: match?.resourceRules ?? [],
    excludeResourceRules: match?.excludeResourceRules ?? [],
    matchPolicy: match?.matchPolicy ?? 'Equivalent',
  };
}

export function compileOne(source: string | undefined, limits?: CelLimits): Compiled {
  try {
    return { expression: compileExpression(source ?? '', { variables: POLICY_VARIABLES, limits }) };
  } catch (err) {
    if (err instanceof CelCompileError) return { error: `compilation error: ${err.message}` };
    throw err;
  }
}

export function compilePolicy(policy: ValidatingAdmissionPolicy, limits?: CelLimits): CompiledPolicy {
  const spec = policy.spec ?? {};
  return {
    name: String(policy.metadata?.name ?? ''),
    policy,
    failurePolicy: spec.failurePolicy ?? 'Fail',
    paramKind: spec.paramKind,
    matchConstraints: parseMatchResources(spec.matchConstraints),
    matchConditions: compileConditions(spec.matchConditions ?? [], { variables: POLICY_VARIABLES, limits }),
    variables: new Map((spec.variables ?? []).map((v) => [v.name, compileOne(v.expression, limits)])),
    validations: (spec.validations ?? []).map((validation) => ({
      validation,
      expression: compileOne(validation.expression, limits),
      messageExpression:
        validation.messageExpression !== undefined
          ? compileOne(validation.messageExpression, limits)
          : undefined,
    })),
    auditAnnotations: (spec.auditAnnotations ?? []).map((a) => ({
      key: a.key,
      valueExpression: compileOne(a.valueExpression, limits),
    })),
  };
}
