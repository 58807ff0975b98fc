/**
 * Defaulting from a schema's own `.default()`s, run before validation on every write as a CRD's
 * structural defaulting is: null-valued fields are dropped (as CRD pruning drops them), then
 * every absent field whose schema has a default gets a copy of it, and the walk goes on inside
 * what was defaulted (so `spec: {}` is itself defaulted, as apiextensions' Default() does).
 * Values of the wrong type are left for validation to reject. Zod's parse would apply the same
 * defaults but fails (and drops unknown fields) on any invalid input, so it cannot serve here.
 */
import type { z } from 'zod';
import { unwrapDef, WRAPPERS } from './schema-shape';
import type { ZodNode } from './schema-shape';

type Schema = ZodNode;

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

/** Fills defaults into a value (a private copy) in place. */
type Defaulter = (value: unknown) => void;

/**
 * The defaulter of a schema, built once: it visits only the parts of an object under which the
 * schema has a default (for Foo, spec), so defaulting costs little more than the copy.
 * undefined: nothing under this schema has a default.
 */
export function compileDefaulter(schema: z.ZodType): Defaulter | undefined {
  return compile(schema as unknown as Schema);
}

function compile(schema: Schema): Defaulter | undefined {
  const def = unwrapDef(schema);
  if (def.type === 'object') {
    const fields: { key: string; schema: Schema; hasDefault: boolean; inner: Defaulter | undefined }[] = [];
    for (const [key, field] of Object.entries(def.shape ?? {})) {
      const hasDefault = defaultOf(field) !== NO_DEFAULT;
      const inner = compile(field);
      if (hasDefault || inner) fields.push({ key, schema: field, hasDefault, inner });
    }
    if (fields.length === 0) return undefined;
    return (value) => {
      if (!isPlainObject(value)) return;
      for (const f of fields) {
        if (value[f.key] === undefined && f.hasDefault) value[f.key] = defaultOf(f.schema);
        if (f.inner && value[f.key] !== undefined) f.inner(value[f.key]);
      }
    };
  }
  if (def.type === 'array' && def.element) {
    const inner = compile(def.element);
    return inner && ((value) => Array.isArray(value) && value.forEach(inner));
  }
  if (def.type === 'record' && def.valueType) {
    const inner = compile(def.valueType);
    return inner && ((value) => isPlainObject(value) && Object.values(value).forEach(inner));
  }
  return undefined;
}

/**
 * Defaulting by `schema`: a function returning a copy of obj with nulls dropped and the schema's
 * defaults applied; the input is not changed.
 */
export function schemaDefaulter(schema: z.ZodType): <T>(obj: T) => T {
  const fill = compileDefaulter(schema);
  return <T>(obj: T): T => {
    const copy = dropNulls(obj);
    fill?.(copy);
    return copy as T;
  };
}

/** A copy of obj with nulls dropped and `schema`'s defaults applied; the input is not changed. */
export function applySchemaDefaults<T>(schema: z.ZodType, obj: T): T {
  return schemaDefaulter(schema)(obj);
}
