/**
 * The fields of an object that a schema does not know, found by walking the schema's own shape
 * rather than by a validation pass: a strict object's keys outside its shape, at any depth,
 * exactly as Zod's `unrecognized_keys` issues name them (validation.test.ts pins the two
 * together). It costs a walk of the object's schema-typed parts only — a map of strings is not
 * entered — so the apiserver can prune a request body before defaulting, admission and
 * managedFields see it. Zod has no such query of its own.
 */
import type { z } from 'zod';

export type FieldPath = PropertyKey[];

interface Def {
  type: string;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  innerType?: Schema;
  element?: Schema;
  valueType?: Schema;
  in?: Schema;
}
type Schema = { _zod: { def: Def } };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Wrappers that hold one schema and accept what it accepts (a present value passes through). */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

function walk(schema: Schema, value: unknown, path: FieldPath, out: FieldPath[]): void {
  let def = schema._zod.def;
  while (WRAPPERS.has(def.type) && def.innerType) def = def.innerType._zod.def;
  if (def.type === 'pipe' && def.in) return walk(def.in, value, path, out);
  if (def.type === 'object' && isPlainObject(value)) {
    const shape = def.shape ?? {};
    const strict = def.catchall?._zod.def.type === 'never';
    for (const key of Object.keys(value)) {
      const field = shape[key];
      if (field) walk(field, value[key], [...path, key], out);
      else if (strict) out.push([...path, key]);
    }
  } else if (def.type === 'array' && def.element && Array.isArray(value)) {
    value.forEach((item, i) => walk(def.element!, item, [...path, i], out));
  } else if (def.type === 'record' && def.valueType && isPlainObject(value)) {
    const valueType = def.valueType;
    if (!enters(valueType)) return;
    for (const key of Object.keys(value)) walk(valueType, value[key], [...path, key], out);
  }
}

/** Whether values of this schema can hold objects with unknown fields at all. */
function enters(schema: Schema): boolean {
  let def = schema._zod.def;
  while (WRAPPERS.has(def.type) && def.innerType) def = def.innerType._zod.def;
  return ['object', 'array', 'record', 'pipe'].includes(def.type);
}

/** The paths of obj's fields that `schema` does not know, in document order. */
export function unknownFieldPaths(schema: z.ZodType, obj: unknown): FieldPath[] {
  const out: FieldPath[] = [];
  walk(schema as unknown as Schema, obj, [], out);
  return out;
}
