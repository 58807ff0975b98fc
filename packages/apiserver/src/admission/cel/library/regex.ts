/**
 * Kubernetes' CEL regex library (k8s.io/apiserver/pkg/cel/library/regex.go): `s.find(re)` (the
 * first match, or ''), `s.findAll(re)` and `s.findAll(re, n)` (at most n matches; n < 0: all).
 * RE2 semantics through re2js — linear time, as cel-go's RE2 — so a pattern cannot backtrack
 * for ever. Compiled patterns are kept (a bounded cache) since policies repeat them.
 */
import { CelScalar, celMethod, listType } from '@bufbuild/cel';
import type { CelFunc } from '@bufbuild/cel';
import { RE2JS } from 're2js';

const cache = new Map<string, RE2JS>();

function compile(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (!re) {
    try {
      re = RE2JS.compile(pattern);
    } catch (err) {
      throw new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`);
    }
    if (cache.size >= 256) cache.delete(cache.keys().next().value!);
    cache.set(pattern, re);
  }
  return re;
}

function findAll(text: string, pattern: string, limit: bigint): string[] {
  const out: string[] = [];
  if (limit === 0n) return out;
  const matcher = compile(pattern).matcher(text);
  while (matcher.find()) {
    out.push(matcher.group() ?? '');
    if (limit > 0n && BigInt(out.length) >= limit) break;
  }
  return out;
}

export const regexLibrary: CelFunc[] = [
  celMethod('find', CelScalar.STRING, [CelScalar.STRING], CelScalar.STRING, function (pattern) {
    return findAll(this, pattern, 1n)[0] ?? '';
  }),
  celMethod('findAll', CelScalar.STRING, [CelScalar.STRING], listType(CelScalar.STRING), function (pattern) {
    return findAll(this, pattern, -1n);
  }),
  celMethod(
    'findAll',
    CelScalar.STRING,
    [CelScalar.STRING, CelScalar.INT],
    listType(CelScalar.STRING),
    function (pattern, limit) {
      return findAll(this, pattern, limit);
    },
  ),
];
