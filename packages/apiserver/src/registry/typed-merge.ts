/**
 * The typed merge of server-side apply (structured-merge-diff's ruleKeepRHS merge and
 * RemoveItems): maps and structs union, set and keyed lists merge item by item in the applied
 * order, everything else is replaced; pruning removes what the applier no longer applies and
 * nobody else owns.
 */
import type { SchemaSemantics } from '@pwk/api';
import type { KubeObject } from '../storage/interface';
import { decodeElement, isPlainObject } from './field-path';
import { FieldSet } from './field-set';
import type { Managed } from './managed-fields';
import { childTypePath, indexItems, isAtomicStruct, itemTypePath } from './type-paths';

/** Typed merge (ruleKeepRHS) of `rhs` into `lhs`, both whole objects of a kind with these semantics. */
export function mergeValues(semantics: SchemaSemantics, lhs: unknown, rhs: unknown): unknown {
  const merge = (l: unknown, r: unknown, typePath: string): unknown => {
    if (r === undefined) return structuredClone(l);
    if (isPlainObject(l) && isPlainObject(r) && !isAtomicStruct(semantics, typePath)) {
      const out: Record<string, unknown> = structuredClone(l);
      for (const [key, value] of Object.entries(r)) {
        if (value !== undefined) out[key] = merge(l[key], value, childTypePath(semantics, typePath, key));
      }
      return out;
    }
    if (Array.isArray(l) && Array.isArray(r) && semantics.listTypeAt(typePath).kind !== 'atomic') {
      const left = indexItems(semantics, typePath, l);
      const right = indexItems(semantics, typePath, r);
      return mergedOrder([...left.keys()], [...right.keys()]).map((pe) =>
        merge(left.get(pe), right.get(pe), itemTypePath(typePath)),
      );
    }
    return structuredClone(r);
  };
  return merge(lhs, rhs, '');
}

/** The item order of structured-merge-diff's list merge: the applied order, live-only items kept in place. */
function mergedOrder(lhs: string[], rhs: string[]): string[] {
  const inLeft = new Set(lhs);
  const inRight = new Set(rhs);
  const shared = rhs.filter((pe) => inLeft.has(pe));
  let nextShared = shared.shift();
  const mergedRight = new Set<string>();
  const out: string[] = [];
  let l = 0;
  let r = 0;
  while (l < lhs.length || r < rhs.length) {
    if (l < lhs.length && r < rhs.length) {
      if (lhs[l] === rhs[r]) {
        out.push(lhs[l]!);
        mergedRight.add(lhs[l]!);
        l++;
        r++;
        nextShared = shared.shift();
        continue;
      }
      if (inRight.has(lhs[l]!) && nextShared !== undefined && nextShared !== lhs[l]) {
        l++; // a shared item, but not the next one the applier ordered
        continue;
      }
    }
    if (l < lhs.length) {
      if (!inRight.has(lhs[l]!)) {
        out.push(lhs[l++]!);
        continue;
      }
      if (mergedRight.has(lhs[l]!)) {
        l++;
        continue;
      }
    }
    if (r < rhs.length) {
      const pe = rhs[r++]!;
      mergedRight.add(pe);
      out.push(pe);
      if (nextShared === pe) nextShared = shared.shift();
    }
  }
  return out;
}

/** Removes what the applier owned last time, no longer applies, and nobody else owns. */
export function prune(
  merged: KubeObject,
  opts: { managed: Managed; last: FieldSet | undefined; semantics: SchemaSemantics },
): KubeObject {
  const { managed, last, semantics } = opts;
  if (!last || last.isEmpty()) return merged;
  const owned = [...managed.values()]
    .reduce((acc, s) => acc.union(s.fields), FieldSet.empty())
    .withNamedParents(semantics);
  const remove = FieldSet.fromObject(merged, semantics)
    .withNamedParents(semantics)
    .intersection(last.withNamedParents(semantics))
    .difference(owned);
  return (removeItems(semantics, merged, { remove, typePath: '' }) ?? {}) as KubeObject;
}

/** RemoveItems: drops each member of `remove` (with what lies below); emptied containers vanish. */
function removeItems(
  semantics: SchemaSemantics,
  value: unknown,
  at: { remove: FieldSet; typePath: string },
): unknown {
  const { remove, typePath } = at;
  if (isPlainObject(value) && !isAtomicStruct(semantics, typePath)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const pe = { field: key };
      if (remove.has([pe])) continue;
      const below = remove.withPrefix(pe);
      const kept = below.isEmpty()
        ? v
        : removeItems(semantics, v, { remove: below, typePath: childTypePath(semantics, typePath, key) });
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (Array.isArray(value)) {
    if (semantics.listTypeAt(typePath).kind === 'atomic') return undefined;
    const out = [...indexItems(semantics, typePath, value)].flatMap(([pe, item]) => {
      const element = decodeElement(pe);
      if (remove.has([element])) return [];
      const below = remove.withPrefix(element);
      const kept = below.isEmpty()
        ? item
        : removeItems(semantics, item, { remove: below, typePath: itemTypePath(typePath) });
      return kept === undefined ? [] : [kept];
    });
    return out.length > 0 ? out : undefined;
  }
  return value;
}

/** Applied nulls mean "owned, and unset": the stored object simply lacks them. */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = dropNulls(v);
  return out;
}
