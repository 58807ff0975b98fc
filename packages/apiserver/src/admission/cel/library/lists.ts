/**
 * Kubernetes' CEL lists library (k8s.io/apiserver/pkg/cel/library/lists.go): `isSorted()`,
 * `sum()`, `min()`, `max()`, `indexOf(x)`, `lastIndexOf(x)` on lists of comparable scalars
 * (int, uint, double, string, bool). Registered after the strings extension, so
 * `'abc'.indexOf('b')` still means the string's.
 */
import { CelScalar, celMethod, isCelList, isCelUint } from '@bufbuild/cel';
import type { CelFunc, CelList, CelValue } from '@bufbuild/cel';

type Scalar = bigint | number | string | boolean;

function items(target: unknown, method: string): Scalar[] {
  if (!isCelList(target)) throw new Error(`no such overload: ${method} on a non-list`);
  return [...(target as CelList)].map((item: CelValue) => {
    if (isCelUint(item)) return item.value;
    if (['bigint', 'number', 'string', 'boolean'].includes(typeof item)) return item as Scalar;
    throw new Error(`no such overload: ${method} on a list of non-comparable elements`);
  });
}

function compare(a: Scalar, b: Scalar): number {
  if (typeof a !== typeof b && !(typeof a !== 'string' && typeof b !== 'string')) {
    throw new Error('no such overload: elements of different types');
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

const extreme = (name: string, sign: 1 | -1) =>
  celMethod(name, CelScalar.DYN, [], CelScalar.DYN, function () {
    const list = items(this, name);
    if (list.length === 0) throw new Error(`${name} called on empty list`);
    return list.reduce((best, x) => (compare(x, best) * sign > 0 ? x : best));
  });

// CEL compares numbers across int, uint and double by value.
const sameValue = (a: Scalar, b: unknown) =>
  a === b ||
  ((typeof a === 'bigint' || typeof a === 'number') &&
    (typeof b === 'bigint' || typeof b === 'number') &&
    Number(a) === Number(b));

export const listsLibrary: CelFunc[] = [
  celMethod('isSorted', CelScalar.DYN, [], CelScalar.BOOL, function () {
    const list = items(this, 'isSorted');
    return list.every((x, i) => i === 0 || compare(list[i - 1]!, x) <= 0);
  }),
  celMethod('sum', CelScalar.DYN, [], CelScalar.DYN, function () {
    const list = items(this, 'sum');
    if (list.length === 0) return 0n;
    if (list.every((x) => typeof x === 'bigint')) return (list as bigint[]).reduce((s, x) => s + x, 0n);
    if (list.every((x) => typeof x === 'number')) return (list as number[]).reduce((s, x) => s + x, 0);
    throw new Error('no such overload: sum of a list of mixed or non-numeric elements');
  }),
  extreme('min', -1),
  extreme('max', 1),
  celMethod('indexOf', CelScalar.DYN, [CelScalar.DYN], CelScalar.INT, function (x) {
    return BigInt(items(this, 'indexOf').findIndex((item) => sameValue(item, x)));
  }),
  celMethod('lastIndexOf', CelScalar.DYN, [CelScalar.DYN], CelScalar.INT, function (x) {
    return BigInt(items(this, 'lastIndexOf').findLastIndex((item) => sameValue(item, x)));
  }),
];
