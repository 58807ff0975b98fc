/**
 * One policy evaluated for one binding and param, as k8s.io/apiserver's validating validator
 * does it: the matchConditions first (false: the policy does not apply; an error: a failed
 * evaluation under the failurePolicy), then each validation — true admits; false denies with
 * the messageExpression's result (a non-empty, single-line string), else `message`, else
 * `failed expression: <expression>`, and the validation's reason (Invalid by default); an error
 * admits under Ignore and denies under Fail. Variables are evaluated lazily, once, when an
 * expression first reads `variables.<name>`. Then the auditAnnotations.
 */
import { celMap } from '@bufbuild/cel';
import type { CelInput } from '@bufbuild/cel';
import { evaluationError } from '../cel/compile';
import type { CelActivation } from '../cel/compile';
import { evaluateConditions } from '../cel/match-conditions';
import { matchOutcome } from '../webhook/match-conditions';
import type { Compiled, CompiledPolicy } from './compile-policy';

export interface PolicyDecision {
  action: 'admit' | 'deny';
  evaluation: 'admit' | 'deny' | 'error';
  message: string;
  reason?: string;
  /** Which validation (for the audit annotation's expressionIndex). */
  index: number;
  durationMs: number;
}

export interface PolicyAuditAnnotation {
  key: string;
  action: 'publish' | 'exclude' | 'error';
  value?: string;
  error?: string;
}

/** kube's MaxEvaluatedMessageExpressionSizeBytes. */
const MAX_MESSAGE_BYTES = 5 * 1024;

type Result = { value: unknown } | { error: string };

function run(compiled: Compiled, activation: CelActivation): Result {
  if ('error' in compiled) return { error: compiled.error };
  const outcome = compiled.expression.evaluate(activation);
  if ('error' in outcome) return { error: evaluationError(compiled.expression.source, outcome.error) };
  return { value: outcome.value };
}

/** `variables` as a map whose entries are evaluated when first read (kube's lazy composition). */
class LazyVariables implements ReadonlyMap<string, CelInput> {
  private readonly results = new Map<string, Result>();
  activation!: CelActivation;

  constructor(private readonly compiled: ReadonlyMap<string, Compiled>) {}

  get size() {
    return this.compiled.size;
  }

  get(name: string): CelInput | undefined {
    const expression = this.compiled.get(name);
    if (!expression) return undefined;
    let result = this.results.get(name);
    if (!result) {
      result = run(expression, this.activation);
      this.results.set(name, result);
    }
    if ('error' in result)
      throw new Error(`composited variable "${name}" fails to evaluate: ${result.error}`);
    return result.value as CelInput;
  }

  has(name: string) {
    return this.compiled.has(name);
  }

  *entries(): MapIterator<[string, CelInput]> {
    for (const name of this.compiled.keys()) yield [name, this.get(name) as CelInput];
  }

  keys(): MapIterator<string> {
    return this.compiled.keys();
  }

  *values(): MapIterator<CelInput> {
    for (const [, value] of this.entries()) yield value;
  }

  forEach(callback: (value: CelInput, key: string, map: ReadonlyMap<string, CelInput>) => void): void {
    for (const [key, value] of this.entries()) callback(value, key, this);
  }

  [Symbol.iterator]() {
    return this.entries();
  }
}

export function validatePolicy(
  compiled: CompiledPolicy,
  base: Omit<CelActivation, 'variables'>,
): { decisions: PolicyDecision[]; auditAnnotations: PolicyAuditAnnotation[] } {
  const onError = compiled.failurePolicy === 'Ignore' ? 'admit' : 'deny';
  const variables = new LazyVariables(compiled.variables);
  const activation: CelActivation = { ...base, variables: celMap(variables) };
  variables.activation = activation;
  if (compiled.matchConditions.length > 0) {
    const outcome = matchOutcome(
      evaluateConditions(compiled.matchConditions, activation),
      compiled.failurePolicy,
    );
    if ('error' in outcome) {
      return {
        decisions: [
          { action: onError, evaluation: 'error', message: outcome.error, index: 0, durationMs: 0 },
        ],
        auditAnnotations: [],
      };
    }
    if (!outcome.call) return { decisions: [], auditAnnotations: [] };
  }
  const decisions = compiled.validations.map((v, index): PolicyDecision => {
    const started = performance.now();
    const result = run(v.expression, activation);
    const durationMs = () => performance.now() - started;
    if ('error' in result) {
      return { action: onError, evaluation: 'error', message: result.error, index, durationMs: durationMs() };
    }
    if (result.value === true)
      return { action: 'admit', evaluation: 'admit', message: '', index, durationMs: durationMs() };
    let message = '';
    if (v.messageExpression) {
      const text = run(v.messageExpression, activation);
      if ('value' in text && typeof text.value === 'string') {
        message = text.value.trim();
        if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES || message.includes('\n')) message = '';
      }
    }
    if (!message && v.validation.message) message = v.validation.message.trim();
    if (!message) message = `failed expression: ${v.validation.expression.trim()}`;
    return {
      action: 'deny',
      evaluation: 'deny',
      message,
      reason: v.validation.reason || 'Invalid',
      index,
      durationMs: durationMs(),
    };
  });
  const auditAnnotations = compiled.auditAnnotations.map(
    ({ key, valueExpression }): PolicyAuditAnnotation => {
      const result = run(valueExpression, activation);
      if ('error' in result)
        return {
          key,
          action: compiled.failurePolicy === 'Ignore' ? 'exclude' : 'error',
          error: result.error,
        };
      if (result.value === null) return { key, action: 'exclude' };
      if (typeof result.value !== 'string') {
        const source = 'expression' in valueExpression ? valueExpression.expression.source : '';
        return {
          key,
          action: 'error',
          error: `valueExpression '${source}' resulted in unsupported return type: ${typeof result.value}. Return type must be either string or null.`,
        };
      }
      const value = result.value.trim();
      return value ? { key, action: 'publish', value } : { key, action: 'exclude' };
    },
  );
  return { decisions, auditAnnotations };
}
