/**
 * One CEL expression, compiled once (parsed, its names checked, its loops instrumented for the
 * cost limit, planned) and evaluated per request. Messages are worded as k8s.io/apiserver's CEL
 * filter words them: `compilation failed: ERROR: <input>:1:5: …` for an expression that does not
 * compile (a syntax error, an undeclared variable, a function pwk does not have), and
 * `expression '…' resulted in error: …` for one that fails at run time.
 */
import { isCelError, parse, plan } from '@bufbuild/cel';
import type { CelInput, CelValue } from '@bufbuild/cel';
import type { Expr, ParsedExpr } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';
import {
  COST_LIMIT_EXCEEDED,
  DEFAULT_DEADLINE_MS,
  DEFAULT_PER_EXPRESSION_COST,
  instrument,
  withBudget,
} from './cost';
import { BUILT_IN_CALLS, UNSUPPORTED_VARIABLES, environmentFor } from './environment';
import type { CelVariable } from './environment';

export class CelCompileError extends Error {}

export interface CelLimits {
  /** Comprehension steps one evaluation may take (default 100,000). */
  cost: number;
  deadlineMs: number;
}

export const DEFAULT_LIMITS: CelLimits = {
  cost: DEFAULT_PER_EXPRESSION_COST,
  deadlineMs: DEFAULT_DEADLINE_MS,
};

export type CelActivation = Partial<Record<CelVariable, CelInput>>;

export type CelOutcome = { value: CelValue; cost: number } | { error: string; cost: number };

export interface CompiledExpression {
  readonly source: string;
  evaluate(activation: CelActivation): CelOutcome;
}

function position(source: string, parsed: ParsedExpr, id: bigint): string {
  const offset = parsed.sourceInfo?.positions[id.toString() as never] ?? 0;
  const before = source.slice(0, Number(offset));
  const line = before.split('\n').length;
  const column = Number(offset) - (before.lastIndexOf('\n') + 1) + 1;
  return `<input>:${line}:${column}`;
}

/** The first name or function the environment does not have, as cel-go's checker reports it. */
function checkNames(
  expr: Expr | undefined,
  scope: ReadonlySet<string>,
  report: (id: bigint, message: string) => never,
  has: (fn: string) => boolean,
): void {
  if (!expr) return;
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'identExpr': {
      const name = kind.value.name;
      if (scope.has(name)) return;
      const why = UNSUPPORTED_VARIABLES[name];
      report(expr.id, `undeclared reference to '${name}' (in container '')${why ? `: ${why}` : ''}`);
      return;
    }
    case 'callExpr': {
      // Inner calls first: the earliest unknown name is the one reported.
      checkNames(kind.value.target, scope, report, has);
      for (const arg of kind.value.args) checkNames(arg, scope, report, has);
      const fn = kind.value.function;
      if (!BUILT_IN_CALLS.has(fn) && !has(fn)) {
        report(expr.id, `undeclared reference to '${fn}' (in container ''): not a function pwk's CEL has`);
      }
      return;
    }
    case 'selectExpr':
      checkNames(kind.value.operand, scope, report, has);
      return;
    case 'listExpr':
      if (kind.value.optionalIndices.length > 0)
        report(expr.id, 'optional list elements are not supported by pwk');
      for (const element of kind.value.elements) checkNames(element, scope, report, has);
      return;
    case 'structExpr':
      if (kind.value.messageName)
        report(expr.id, `undeclared reference to '${kind.value.messageName}' (in container '')`);
      for (const entry of kind.value.entries) {
        if (entry.optionalEntry) report(expr.id, 'optional map entries are not supported by pwk');
        if (entry.keyKind.case === 'mapKey') checkNames(entry.keyKind.value, scope, report, has);
        checkNames(entry.value, scope, report, has);
      }
      return;
    case 'comprehensionExpr': {
      const c = kind.value;
      if (c.iterVar2) report(expr.id, 'two-variable comprehensions are not supported by pwk');
      checkNames(c.iterRange, scope, report, has);
      checkNames(c.accuInit, scope, report, has);
      const inner = new Set([...scope, c.iterVar, c.accuVar]);
      checkNames(c.loopCondition, inner, report, has);
      checkNames(c.loopStep, inner, report, has);
      checkNames(c.result, new Set([...scope, c.accuVar]), report, has);
      return;
    }
    default:
      return;
  }
}

/** Compiles; throws CelCompileError with kube's wording. */
export function compileExpression(
  source: string,
  opts: { variables: readonly CelVariable[]; limits?: CelLimits },
): CompiledExpression {
  const env = environmentFor(opts.variables);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (err) {
    throw new CelCompileError(`compilation failed: ERROR: ${String((err as Error).message).split('\n')[0]}`);
  }
  const declared = new Set<string>(opts.variables.filter((v) => !(v in UNSUPPORTED_VARIABLES)));
  checkNames(
    parsed.expr,
    declared,
    (id, message) => {
      throw new CelCompileError(`compilation failed: ERROR: ${position(source, parsed, id)}: ${message}`);
    },
    (fn) => env.funcs.find(fn) !== undefined,
  );
  instrument(parsed.expr);
  let program: ReturnType<typeof plan>;
  try {
    program = plan(env, parsed);
  } catch (err) {
    throw new CelCompileError(`compilation failed: ERROR: ${String((err as Error).message).split('\n')[0]}`);
  }
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const bindings = Object.fromEntries([...declared].map((name) => [name, null]));
  return {
    source,
    evaluate(activation) {
      const run = withBudget(limits, () => program({ ...bindings, ...activation } as never));
      if (run.exceeded) return { error: COST_LIMIT_EXCEEDED, cost: run.cost };
      if (isCelError(run.result)) return { error: run.result.message, cost: run.cost };
      return { value: run.result, cost: run.cost };
    },
  };
}

/** kube's wording of a runtime failure. */
export function evaluationError(source: string, message: string): string {
  return `expression '${source}' resulted in error: ${message}`;
}
