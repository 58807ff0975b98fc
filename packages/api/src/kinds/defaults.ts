/**
 * Defaulting from a schema's own `.default()`s, run before validation on every write as a CRD's
 * structural defaulting is: null-valued fields are dropped (as CRD pruning drops them), then
 * every absent field whose schema has a default gets a copy of it, and the walk goes on inside
 * what was defaulted (so `spec: {}` is itself defaulted, as apiextensions' Default() does).
 * Values of the wrong type are left for validation to reject. Zod's parse would apply the same
 * defaults but fails (and drops unknown fields) on any invalid input, so it cannot serve here.
 */
import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, Schema>;
  innerType?: Schema;
  element?: Schema;
  valueType?: Schema;
  in?: Schema;
  readonly defaultValue?: unknown;
}
type Schema = { _zod: { def: Def } };

/** Wrappers that accept what their inner schema accepts once a value is present. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

const NO_DEFAULT = Symbol('no default');

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== null) out[key] = dropNulls(v);
  }
  return out;
}

/** The schema's `.default()` value (a fresh copy), looking through the wrappers around it. */
function defaultOf(schema: Schema): unknown {
  let def = schema._zod.def;
  for (;;) {
    // A prefault is a default given as input (`spec: {}`); the walk then defaults inside it.
    if (def.type === 'default' || def.type === 'prefault') return structuredClone(def.defaultValue);
    if (!WRAPPERS.has(def.type) || !def.innerType) return NO_DEFAULT;
    def = def.innerType._zod.def;
  }
}

function unwrap(schema: Schema): Def {
  let def = schema._zod.def;
  for (;;) {
    if (WRAPPERS.has(def.type) && def.innerType) def = def.innerType._zod.def;
    else if (def.type === 'pipe' && def.in) def = def.in._zod.def;
    else return def;
  }
}

/** Fills defaults into value (a private copy) in place. */
function fill(schema: Schema, value: unknown): void {
  const def = unwrap(schema);
  if (def.type === 'object' && isPlainObject(value)) {
    for (const [key, field] of Object.entries(def.shape ?? {})) {
      if (value[key] === undefined) {
        const dflt = defaultOf(field);
        if (dflt === NO_DEFAULT) continue;
        value[key] = dflt;
      }
      fill(field, value[key]);
    }
  } else if (def.type === 'array' && def.element && Array.isArray(value)) {
    for (const item of value) fill(def.element, item);
  } else if (def.type === 'record' && def.valueType && isPlainObject(value)) {
    for (const item of Object.values(value)) fill(def.valueType, item);
  }
}

/** A copy of obj with nulls dropped and `schema`'s defaults applied; the input is not changed. */
export function applySchemaDefaults<T>(schema: z.ZodType, obj: T): T {
  const copy = dropNulls(obj);
  fill(schema as unknown as Schema, copy);
  return copy as T;
}
