/**
 * The per-expression cost limit, as kube's runtime cost tracker bounds an expression
 * (cel.PerCallLimit): every step of a comprehension (`all`, `exists`, `exists_one`, `map`,
 * `filter`) costs one unit, and an expression that runs out of budget ends with kube's
 * `operation cancelled: actual cost limit exceeded`.
 *
 * Why a budget in the event loop rather than a worker thread with a deadline: without loops
 * an expression's work is linear in the size of its input (the request body is bounded, and
 * regular expressions are RE2 — linear); only comprehensions, nested, multiply it. Counting
 * their steps bounds the work deterministically (the same verdict under load, unlike a clock),
 * costs a counter per step instead of a structured clone of the object per request and a
 * thread, and keeps compiled programs where the policies are. A slow, cheap-looking expression
 * has nowhere to hide: the budget — 100,000 steps, about 0.1 s of the loop at worst (kube's
 * per-call limit of 1,000,000 cost units charges more than one unit for a step) — and a
 * wall-clock ceiling of 100 ms, checked every 1024 steps as a second guard.
 *
 * How: at compile time every comprehension's loop condition is wrapped in a call of
 * `@pwk.cost`, which charges the step; once the budget is spent it returns an error, and
 * @bufbuild/cel's fold stops at an erroring condition — nested loops unwind at once.
 */
import { CelScalar, celError, celFunc } from '@bufbuild/cel';
import type { CelFunc } from '@bufbuild/cel';
import type { Expr } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';

export const COST_FUNCTION = '@pwk.cost';
export const COST_LIMIT_EXCEEDED = 'operation cancelled: actual cost limit exceeded';

/** Comprehension steps per expression. */
export const DEFAULT_PER_EXPRESSION_COST = 100_000;
/** The wall-clock ceiling of one expression. */
export const DEFAULT_DEADLINE_MS = 100;

interface Budget {
  remaining: number;
  deadline: number;
  exceeded: boolean;
  steps: number;
}

// Evaluation is synchronous: one budget is current at a time.
let current: Budget | undefined;

export const costFunction: CelFunc = celFunc(COST_FUNCTION, [CelScalar.DYN], CelScalar.DYN, (value) => {
  const budget = current;
  if (!budget) return value;
  budget.steps++;
  if (
    budget.exceeded ||
    --budget.remaining < 0 ||
    ((budget.steps & 1023) === 0 && Date.now() > budget.deadline)
  ) {
    budget.exceeded = true;
    return celError(COST_LIMIT_EXCEEDED) as never;
  }
  return value;
});

/** Runs fn under a fresh budget; says whether the budget ran out (whatever fn returned). */
export function withBudget<T>(
  limits: { cost: number; deadlineMs: number },
  fn: () => T,
): { result: T; exceeded: boolean; cost: number } {
  const budget: Budget = {
    remaining: limits.cost,
    deadline: Date.now() + limits.deadlineMs,
    exceeded: false,
    steps: 0,
  };
  const outer = current;
  current = budget;
  try {
    return { result: fn(), exceeded: budget.exceeded, cost: budget.steps };
  } finally {
    current = outer;
  }
}

/** Wraps every comprehension's loop condition in a charge of one step (in place). */
export function instrument(expr: Expr | undefined): void {
  if (!expr) return;
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'callExpr':
      instrument(kind.value.target);
      for (const arg of kind.value.args) instrument(arg);
      return;
    case 'selectExpr':
      instrument(kind.value.operand);
      return;
    case 'listExpr':
      for (const element of kind.value.elements) instrument(element);
      return;
    case 'structExpr':
      for (const entry of kind.value.entries) {
        if (entry.keyKind.case === 'mapKey') instrument(entry.keyKind.value);
        instrument(entry.value);
      }
      return;
    case 'comprehensionExpr': {
      const c = kind.value;
      instrument(c.iterRange);
      instrument(c.accuInit);
      instrument(c.loopStep);
      instrument(c.result);
      const condition = c.loopCondition;
      if (condition) {
        const inner = { ...condition } as Expr;
        condition.exprKind = {
          case: 'callExpr',
          value: { $typeName: 'cel.expr.Expr.Call', function: COST_FUNCTION, args: [inner] } as never,
        };
        instrument(inner);
      }
      return;
    }
    default:
      return;
  }
}
