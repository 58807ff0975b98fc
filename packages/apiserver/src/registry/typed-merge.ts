/**
 * The typed merge of server-side apply (structured-merge-diff's ruleKeepRHS merge and
 * RemoveItems): maps and structs union, set and keyed lists merge item by item in the applied
 * order, everything else is replaced; pruning removes what the applier no longer applies and
 * nobody else owns.
 */
import type { KubeObject } from '../storage/interface';
import { decodeElement, isPlainObject } from './field-path';
import { FieldSet } from './field-set';
import type { Managed } from './managed-fields';
import { childTypePath, indexItems, itemTypePath, listTypeAt } from './type-paths';

/** Typed merge (ruleKeepRHS): maps and structs union, set/keyed lists merge by item, the rest is replaced. */
export function mergeValues(lhs: unknown, rhs: unknown, typePath: string): unknown {
  if (rhs === undefined) return structuredClone(lhs);
  if (isPlainObject(lhs) && isPlainObject(rhs)) {
    const out: Record<string, unknown> = structuredClone(lhs);
    for (const [key, value] of Object.entries(rhs)) {
      if (value !== undefined) out[key] = mergeValues(lhs[key], value, childTypePath(typePath, key));
    }
    return out;
  }
  if (Array.isArray(lhs) && Array.isArray(rhs) && listTypeAt(typePath).kind !== 'atomic') {
    const left = indexItems(typePath, lhs);
    const right = indexItems(typePath, rhs);
    return mergedOrder([...left.keys()], [...right.keys()]).map((pe) =>
      mergeValues(left.get(pe), right.get(pe), itemTypePath(typePath)),
    );
  }
  return structuredClone(rhs);
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
export function prune(merged: KubeObject, managed: Managed, last: FieldSet | undefined): KubeObject {
  if (!last || last.isEmpty()) return merged;
  const owned = [...managed.values()]
    .reduce((acc, s) => acc.union(s.fields), FieldSet.empty())
    .withNamedParents();
  const remove = FieldSet.fromObject(merged)
    .withNamedParents()
    .intersection(last.withNamedParents())
    .difference(owned);
  return (removeItems(merged, remove, '') ?? {}) as KubeObject;
}

/** RemoveItems: drops each member of `remove` (with what lies below); emptied containers vanish. */
function removeItems(value: unknown, remove: FieldSet, typePath: string): unknown {
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const pe = { field: key };
      if (remove.has([pe])) continue;
      const below = remove.withPrefix(pe);
      const kept = below.isEmpty() ? v : removeItems(v, below, childTypePath(typePath, key));
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (Array.isArray(value)) {
    if (listTypeAt(typePath).kind === 'atomic') return undefined;
    const out = [...indexItems(typePath, value)].flatMap(([pe, item]) => {
      const element = decodeElement(pe);
      if (remove.has([element])) return [];
      const below = remove.withPrefix(element);
      const kept = below.isEmpty() ? item : removeItems(item, below, itemTypePath(typePath));
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
