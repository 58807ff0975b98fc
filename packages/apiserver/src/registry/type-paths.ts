/**
 * What the field walkers know of a position in an object (structured-merge-diff's schema
 * relationships), read from the kind version's schema semantics: which objects are maps, which
 * lists merge as sets or by key; everything else is a struct or an atomic list. Type paths name
 * schema positions: field names joined by '.', `[]` for list items, `*` for map values.
 */
import type { SchemaSemantics } from '@pwk/api';
import { FieldPathError, encodeElement, isPlainObject, isScalar } from './field-path';
import type { PathElement, Scalar } from './field-path';

/** The type path of `key` in the object at `typePath`: a map's values are all `*`. */
export const childTypePath = (semantics: SchemaSemantics, typePath: string, key: string): string =>
  semantics.isMap(typePath) ? `${typePath}.*` : typePath ? `${typePath}.${key}` : key;
export const itemTypePath = (typePath: string): string => `${typePath}[]`;

/** Whether the struct or map at `typePath` is atomic (`x-kubernetes-map-type: atomic`): owned and replaced whole. */
export const isAtomicStruct = (semantics: SchemaSemantics, typePath: string): boolean =>
  semantics.mapTypeAt?.(typePath) === 'atomic';

/** The path element naming `item` in a set-list or keyed list at `typePath`. */
export function listItemElement(semantics: SchemaSemantics, typePath: string, item: unknown): PathElement {
  const type = semantics.listTypeAt(typePath);
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
export function indexItems(
  semantics: SchemaSemantics,
  typePath: string,
  items: readonly unknown[],
): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const item of items) {
    const pe = encodeElement(listItemElement(semantics, typePath, item));
    if (!out.has(pe)) out.set(pe, item);
  }
  return out;
}
