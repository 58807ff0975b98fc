/**
 * What the field walkers know of a position in an object (structured-merge-diff's schema
 * relationships): which objects are maps, which lists merge as sets or by key; everything else
 * is a struct or an atomic list. Type paths name schema positions: field names joined by '.',
 * `[]` for list items, `*` for map values.
 */
import { FieldPathError, encodeElement, isPlainObject, isScalar } from './field-path';
import type { PathElement, Scalar } from './field-path';

/** What the walkers know of a position in the object (Kubernetes' schema.Map/List relationships). */
export type ListType = { kind: 'atomic' } | { kind: 'set' } | { kind: 'keyed'; keys: readonly string[] };

const MAP_TYPES = new Set(['metadata.labels', 'metadata.annotations']);
const LIST_TYPES: ReadonlyMap<string, ListType> = new Map<string, ListType>([
  ['metadata.finalizers', { kind: 'set' }],
  ['metadata.ownerReferences', { kind: 'keyed', keys: ['uid'] }],
  ['status.conditions', { kind: 'keyed', keys: ['type'] }],
]);
const ATOMIC: ListType = { kind: 'atomic' };

/** Type paths name schema positions: field names joined by '.', `[]` for list items, `*` for map values. */
export const childTypePath = (typePath: string, key: string): string =>
  MAP_TYPES.has(typePath) ? `${typePath}.*` : typePath ? `${typePath}.${key}` : key;
export const itemTypePath = (typePath: string): string => `${typePath}[]`;
export const isMapType = (typePath: string): boolean => MAP_TYPES.has(typePath);
export const listTypeAt = (typePath: string): ListType => LIST_TYPES.get(typePath) ?? ATOMIC;

/** The path element naming `item` in a set-list or keyed list at `typePath`. */
export function listItemElement(typePath: string, item: unknown): PathElement {
  const type = listTypeAt(typePath);
  if (type.kind === 'set') {
    if (!isScalar(item)) throw new FieldPathError(`.${typePath}: set list items must be scalars`);
    return { value: item };
  }
  if (type.kind === 'keyed' && isPlainObject(item)) {
    const key: Record<string, Scalar> = {};
    for (const name of [...type.keys].sort()) {
      const v = item[name];
      if (v === undefined || !isScalar(v)) {
        throw new FieldPathError(
          `.${typePath}: associative list with keys has an element that omits key field "${name}"`,
        );
      }
      key[name] = v;
    }
    return { key };
  }
  throw new FieldPathError(`.${typePath}: list items need a key`);
}

/** List items by encoded path element; the first of duplicates wins. */
export function indexItems(typePath: string, items: readonly unknown[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const item of items) {
    const pe = encodeElement(listItemElement(typePath, item));
    if (!out.has(pe)) out.set(pe, item);
  }
  return out;
}
