/**
 * Field paths as sigs.k8s.io/structured-merge-diff names them (fieldpath.PathElement): a struct
 * field or map key, a keyed-list item, a set-list item, an index; their `fieldsV1` encoding
 * (`f:`, `k:`, `v:`, `i:`), their printed form (`.spec.replicas`) and Kubernetes' ordering.
 */

export type Scalar = string | number | boolean | null;

/** One step of a path: a struct field or map key, a keyed-list item, a set-list item, an index. */
export type PathElement =
  | { readonly field: string }
  | { readonly key: Readonly<Record<string, Scalar>> }
  | { readonly value: Scalar }
  | { readonly index: number };

export type FieldPath = readonly PathElement[];

/** The `fieldsV1` JSON of a managedFields entry. */
export type FieldsV1 = { [pathElement: string]: FieldsV1 };

/** Malformed fieldsV1, or a list item that has no path element (a keyed item without its key). */
export class FieldPathError extends Error {
  override readonly name = 'FieldPathError';
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export const isScalar = (value: unknown): value is Scalar =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

export function encodeElement(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`;
  if ('key' in pe) return `k:${JSON.stringify(pe.key)}`;
  if ('value' in pe) return `v:${JSON.stringify(pe.value)}`;
  return `i:${pe.index}`;
}

export function decodeElement(encoded: string): PathElement {
  const tag = encoded.slice(0, 2);
  const rest = encoded.slice(2);
  try {
    if (tag === 'f:') return { field: rest };
    if (tag === 'i:' && /^\d+$/.test(rest)) return { index: Number(rest) };
    if (tag === 'v:') {
      const value: unknown = JSON.parse(rest);
      if (isScalar(value)) return { value };
    }
    if (tag === 'k:') {
      const key: unknown = JSON.parse(rest);
      if (isPlainObject(key) && Object.values(key).every(isScalar)) {
        return { key: key as Record<string, Scalar> };
      }
    }
  } catch {
    // fall through: the JSON after the tag is malformed
  }
  throw new FieldPathError(`invalid path element ${JSON.stringify(encoded)} in fieldsV1`);
}

/** Go's %q for the scalars that appear in keys (JSON quoting is the same for what we store). */
const scalarToString = (v: Scalar): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** Path.String() of structured-merge-diff: `.spec.replicas`, `.metadata.finalizers[="x"]`. */
export function formatPath(path: FieldPath): string {
  return path
    .map((pe) => {
      if ('field' in pe) return `.${pe.field}`;
      if ('key' in pe) {
        const parts = Object.entries(pe.key).map(([k, v]) => `${k}=${scalarToString(v)}`);
        return `[${parts.join(',')}]`;
      }
      if ('value' in pe) return `[=${scalarToString(pe.value)}]`;
      return `[${pe.index}]`;
    })
    .join('');
}

/** Kubernetes orders path elements field < key < value < index, then by content. */
const rank = (pe: PathElement): number => ('field' in pe ? 0 : 'key' in pe ? 1 : 'value' in pe ? 2 : 3);
const compareScalars = (a: Scalar, b: Scalar): number => {
  if (typeof a === typeof b && a !== null && b !== null) return a < b ? -1 : a > b ? 1 : 0;
  return String(typeof a).localeCompare(String(typeof b));
};
export function compareElements(a: PathElement, b: PathElement): number {
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if ('field' in a && 'field' in b) return a.field < b.field ? -1 : a.field > b.field ? 1 : 0;
  if ('key' in a && 'key' in b) {
    const ea = Object.entries(a.key);
    const eb = Object.entries(b.key);
    if (ea.length !== eb.length) return ea.length - eb.length;
    for (let i = 0; i < ea.length; i++) {
      const [na, va] = ea[i]!;
      const [nb, vb] = eb[i]!;
      if (na !== nb) return na < nb ? -1 : 1;
      const c = compareScalars(va, vb);
      if (c !== 0) return c;
    }
    return 0;
  }
  if ('value' in a && 'value' in b) return compareScalars(a.value, b.value);
  return (a as { index: number }).index - (b as { index: number }).index;
}
