/**
 * What changed between two versions of an object, as structured-merge-diff's typed.Compare finds
 * it (added, modified, removed field sets), and the deep equality it compares leaves with.
 */
import type { SchemaSemantics } from '@pwk/api';
import { isPlainObject } from './field-path';
import { FieldSet } from './field-set';
import { insertEncoded, newNode } from './field-trie';
import type { Node } from './field-trie';
import { childTypePath, indexItems, isAtomicStruct, itemTypePath } from './type-paths';

/** What changed between two versions of an object (typed.Comparison). */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Compare: leaves that changed, plus containers (maps, list items) that appeared or vanished. */
export function compareObjects(lhs: unknown, rhs: unknown, semantics: SchemaSemantics): Comparison {
  const roots = { added: newNode(), modified: newNode(), removed: newNode() };
  compareValues(lhs, rhs, { semantics, typePath: '', path: [], roots });
  return {
    added: FieldSet.fromTrie(roots.added),
    modified: FieldSet.fromTrie(roots.modified),
    removed: FieldSet.fromTrie(roots.removed),
  };
}

interface CompareAt {
  semantics: SchemaSemantics;
  typePath: string;
  path: string[];
  roots: { added: Node; modified: Node; removed: Node };
}

function compareLeaf(lhs: unknown, rhs: unknown, at: CompareAt): void {
  if (lhs === undefined) insertEncoded(at.roots.added, at.path);
  else if (rhs === undefined) insertEncoded(at.roots.removed, at.path);
  else if (!deepEqual(lhs, rhs)) insertEncoded(at.roots.modified, at.path);
}

function compareValues(lhs: unknown, rhs: unknown, at: CompareAt): void {
  const list = Array.isArray(lhs) || Array.isArray(rhs);
  // An atomic struct compares as one value, as a scalar does.
  const object = (isPlainObject(lhs) || isPlainObject(rhs)) && !isAtomicStruct(at.semantics, at.typePath);
  const shapeOk = (v: unknown): boolean => v === undefined || (list ? Array.isArray(v) : isPlainObject(v));
  if ((!list && !object) || !shapeOk(lhs) || !shapeOk(rhs)) return compareLeaf(lhs, rhs, at);
  if (list) {
    const l = (lhs ?? []) as unknown[];
    const r = (rhs ?? []) as unknown[];
    if (at.semantics.listTypeAt(at.typePath).kind === 'atomic' || (l.length === 0 && r.length === 0)) {
      return compareLeaf(lhs, rhs, at);
    }
    const left = indexItems(at.semantics, at.typePath, l);
    const right = indexItems(at.semantics, at.typePath, r);
    for (const pe of new Set([...left.keys(), ...right.keys()])) {
      const itemAt = { ...at, typePath: itemTypePath(at.typePath), path: [...at.path, pe] };
      compareValues(left.get(pe), right.get(pe), itemAt);
    }
  } else {
    const l = (lhs ?? {}) as Record<string, unknown>;
    const r = (rhs ?? {}) as Record<string, unknown>;
    if (Object.keys(l).length === 0 && Object.keys(r).length === 0) return compareLeaf(lhs, rhs, at);
    for (const key of new Set([...Object.keys(l), ...Object.keys(r)])) {
      const childAt = {
        ...at,
        typePath: childTypePath(at.semantics, at.typePath, key),
        path: [...at.path, `f:${key}`],
      };
      compareValues(l[key], r[key], childAt);
    }
  }
  // A container that appeared or vanished is itself added or removed (the `.` marker).
  if (lhs === undefined) insertEncoded(at.roots.added, at.path);
  else if (rhs === undefined) insertEncoded(at.roots.removed, at.path);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
