/**
 * Kubernetes' CEL quantity library (k8s.io/apiserver/pkg/cel/library/quantity.go):
 * `quantity('1.5Gi')`, `isQuantity(s)`, and on a quantity `sign()`, `isInteger()`,
 * `asInteger()`, `asApproximateFloat()`, `add(q|int)`, `sub(q|int)`, `isGreaterThan(q)`,
 * `isLessThan(q)`, `compareTo(q)`. Parsing is pwk's one quantity parser (admission/quantity.ts);
 * values are doubles, exact for every integer up to 2^53 and approximate beyond, which is where
 * this differs from kube's arbitrary precision.
 *
 * @bufbuild/cel has no opaque types, so a quantity is a one-entry map `{'@quantity': value}`:
 * two quantities of the same value are equal (`quantity('1') == quantity('1000m')`), and the
 * methods refuse anything else.
 */
import { CelScalar, celFunc, celMethod, isCelMap } from '@bufbuild/cel';
import type { CelFunc, CelMap } from '@bufbuild/cel';
import { parseQuantity } from '../../quantity';

const KEY = '@quantity';

const quantityOf = (value: number) => ({ [KEY]: value });

function valueOf(target: unknown, method: string): number {
  if (isCelMap(target) && (target as CelMap).size === 1) {
    const value = (target as CelMap).get(KEY);
    if (typeof value === 'number') return value;
  }
  throw new Error(`no such overload: ${method} applies to a quantity`);
}

function operand(arg: unknown, method: string): number {
  if (typeof arg === 'bigint') return Number(arg);
  return valueOf(arg, method);
}

function parse(text: string): number {
  const value = parseQuantity(text);
  if (value === undefined || text.trim() !== text) {
    throw new Error(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  }
  return value;
}

const method = (name: string, fn: (value: number) => unknown) =>
  celMethod(name, CelScalar.DYN, [], CelScalar.DYN, function () {
    return fn(valueOf(this, name)) as never;
  });

const binary = (name: string, fn: (a: number, b: number) => unknown) =>
  celMethod(name, CelScalar.DYN, [CelScalar.DYN], CelScalar.DYN, function (arg) {
    return fn(valueOf(this, name), operand(arg, name)) as never;
  });

export const quantityLibrary: CelFunc[] = [
  celFunc('quantity', [CelScalar.STRING], CelScalar.DYN, (text) => quantityOf(parse(text)) as never),
  celFunc('isQuantity', [CelScalar.STRING], CelScalar.BOOL, (text) => parseQuantity(text) !== undefined),
  method('sign', (v) => BigInt(Math.sign(v))),
  method('isInteger', (v) => Number.isSafeInteger(v)),
  method('asInteger', (v) => {
    if (!Number.isSafeInteger(v)) throw new Error('cannot convert value to integer');
    return BigInt(v);
  }),
  method('asApproximateFloat', (v) => v),
  binary('add', (a, b) => quantityOf(a + b)),
  binary('sub', (a, b) => quantityOf(a - b)),
  binary('isGreaterThan', (a, b) => a > b),
  binary('isLessThan', (a, b) => a < b),
  binary('compareTo', (a, b) => BigInt(Math.sign(a - b))),
];
