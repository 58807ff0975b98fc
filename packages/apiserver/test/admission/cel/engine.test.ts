import { CelCompileError, compileExpression } from '../../../src/admission/cel/compile';
import type { CelActivation } from '../../../src/admission/cel/compile';
import { COST_LIMIT_EXCEEDED } from '../../../src/admission/cel/cost';
import { fromCel, toCel } from '../../../src/admission/cel/values';

const VARS = ['object', 'oldObject', 'request', 'params', 'authorizer'] as const;

function run(source: string, activation: Record<string, unknown> = {}) {
  const compiled = compileExpression(source, { variables: VARS });
  const cel: CelActivation = {};
  for (const [k, v] of Object.entries(activation)) cel[k as keyof CelActivation] = toCel(v);
  const outcome = compiled.evaluate(cel);
  return 'error' in outcome ? { error: outcome.error } : { value: fromCel(outcome.value) };
}

const foo = {
  metadata: { name: 'a', labels: { team: 'x' } },
  spec: { replicas: 3, ratio: 0.5, items: ['b', 'a'], memory: '1Gi' },
};

describe('the CEL engine', () => {
  it.each([
    ['object.spec.replicas <= 5', true],
    ['object.spec.replicas + 1 == 4', true],
    ['object.spec.ratio > 0.1', true],
    ['has(object.spec.replicas) && !has(object.spec.nope)', true],
    ["'team' in object.metadata.labels", true],
    ["object.metadata.labels.all(k, k.startsWith('t'))", true],
    ['object.spec.items.exists_one(i, i == "a")', true],
    ["object.spec.items.map(i, i.upperAscii()).join(',')", 'B,A'],
    ["'A-b'.lowerAscii().replace('-', '_').split('_')", ['a', 'b']],
    ["' x '.trim().indexOf('x')", 0],
    ["'abc'.substring(1, 2)", 'b'],
    ['object.spec.items.isSorted()', false],
    ['[3, 1, 2].sum()', 6],
    ['[3, 1, 2].min()', 1],
    ["['a', 'c', 'b'].max()", 'c'],
    ['[1, 2, 3].indexOf(2)', 1],
    ["'abc'.indexOf('c')", 2],
    ["'x-123-y-45'.find('[0-9]+')", '123'],
    ["'x-123-y-45'.findAll('[0-9]+')", ['123', '45']],
    ["'x-123-y-45'.findAll('[0-9]+', 1)", ['123']],
    ["'abc'.matches('^a')", true],
    ["quantity(object.spec.memory).isGreaterThan(quantity('512Mi'))", true],
    ["quantity('1') == quantity('1000m')", true],
    ["quantity('1.5').isInteger()", false],
    ["quantity('2k').asInteger()", 2000],
    ["quantity('1Gi').add(quantity('1Gi')).compareTo(quantity('2Gi'))", 0],
    ["isQuantity('abc')", false],
    ["url('https://example.com:8443/a/b?x=1&x=2').getPort()", '8443'],
    ["url('https://example.com/a').getHostname()", 'example.com'],
    ["url('https://example.com/a?x=1&x=2').getQuery()", { x: ['1', '2'] }],
    ["isURL('not a url')", false],
    ["timestamp('2020-01-01T00:00:00Z') < timestamp('2021-01-01T00:00:00Z')", true],
    ['params == null', true],
  ])('%s', (source, expected) => {
    expect(run(source, { object: foo })).toEqual({ value: expected });
  });

  it('fails at run time with the library’s message', () => {
    expect(run('object.spec.nope == 1', { object: foo })).toEqual({ error: expect.stringMatching(/nope/) });
    expect(run('[].min()')).toEqual({ error: expect.stringMatching(/min called on empty list/) });
    expect(run("quantity('nope')")).toEqual({ error: expect.stringMatching(/quantities must match/) });
  });

  it.each([
    ['1 +', /^compilation failed: ERROR: <input>:1:3: /],
    [
      'nope.x',
      /^compilation failed: ERROR: <input>:1:1: undeclared reference to 'nope' \(in container ''\)$/,
    ],
    [
      "authorizer.group('').resource('foos').check('get').allowed()",
      /authorizer library is not supported by pwk/,
    ],
    ['object.x.frobnicate()', /undeclared reference to 'frobnicate'/],
    ["ip('10.0.0.1').family() == 4", /undeclared reference to 'ip'/],
    ['sets.contains([1], [1])', /undeclared reference to 'sets'/],
    ['object.?spec', /^compilation failed: ERROR: /],
    ['[1].all(x, y > 0)', /undeclared reference to 'y'/],
  ])('refuses to compile %s', (source, message) => {
    expect(() => compileExpression(source, { variables: VARS })).toThrow(CelCompileError);
    expect(() => compileExpression(source, { variables: VARS })).toThrow(message);
  });

  it('stops a pathological expression at the cost limit, after at most the budget of steps', () => {
    const list = Array.from({ length: 1000 }, (_, i) => i);
    const source = 'object.l.all(a, object.l.all(b, object.l.all(c, a + b + c >= 0)))';
    const compiled = compileExpression(source, { variables: VARS });
    const outcome = compiled.evaluate({ object: toCel({ l: list }) });
    expect(outcome).toMatchObject({ error: COST_LIMIT_EXCEEDED });
    // 10^9 steps would take many minutes (the test's timeout); the budget ends it after at most 10^5.
    expect(outcome.cost).toBeLessThanOrEqual(100_002);
  });

  it('keeps the cost limit even when the result would absorb the error', () => {
    const compiled = compileExpression('object.l.all(a, object.l.all(b, true)) || true', {
      variables: VARS,
      limits: { cost: 100, deadlineMs: 1_000 },
    });
    expect(
      compiled.evaluate({ object: toCel({ l: Array.from({ length: 50 }, (_, i) => i) }) }),
    ).toMatchObject({
      error: COST_LIMIT_EXCEEDED,
    });
  });

  it('evaluates a cheap comprehension within a small budget', () => {
    const compiled = compileExpression('object.l.all(a, a >= 0)', {
      variables: VARS,
      limits: { cost: 100, deadlineMs: 1_000 },
    });
    expect(compiled.evaluate({ object: toCel({ l: [1, 2, 3] }) })).toMatchObject({ value: true });
  });
});
