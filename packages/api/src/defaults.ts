/**
 * Defaulting for Foo, run before validation on every write (as a CRD's structural-schema
 * pruning and defaulting do): null-valued fields are dropped, then spec.replicas defaults to 1.
 * spec.location has no default on purpose: the controller sets it.
 */
export const DEFAULT_REPLICAS = 1;

function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== null) out[key] = dropNulls(v);
  }
  return out;
}

/** Returns a defaulted copy; the input is not changed. */
export function defaultFoo<T>(obj: T): T {
  const copy = dropNulls(obj) as T;
  if (copy === null || typeof copy !== 'object' || Array.isArray(copy)) return copy;
  const record = copy as Record<string, unknown>;
  if (record.spec === undefined) record.spec = {};
  const spec = record.spec;
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
    const s = spec as Record<string, unknown>;
    if (s.replicas === undefined) s.replicas = DEFAULT_REPLICAS;
  }
  return copy;
}
