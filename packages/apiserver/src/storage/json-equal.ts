/**
 * Equality of JSON values (objects as stored: plain data, no prototypes that matter). Unlike
 * util.isDeepStrictEqual it ignores prototypes — objects from structuredClone in another realm
 * (as under jest) are equal to their originals — and it treats an absent key and an undefined
 * value alike, as their JSON encodings are.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((v, i) => jsonEqual(v, other[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const key of keys) if (!jsonEqual(ao[key], bo[key])) return false;
  return true;
}
