/**
 * The fields of an object that a schema does not know, found by walking the schema's own shape
 * rather than by a validation pass: a strict object's keys outside its shape, at any depth,
 * exactly as Zod's `unrecognized_keys` issues name them (validation.test.ts pins the two
 * together). It costs a walk of the object's schema-typed parts only — a map of strings is not
 * entered — so the apiserver can prune a request body before defaulting, admission and
 * managedFields see it. Zod has no such query of its own.
 */
import type { z } from 'zod';
import { unwrapDef } from './schema-shape';
import type { ZodNode } from './schema-shape';

export type FieldPath = PropertyKey[];

type Schema = ZodNode;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function walk(schema: Schema, value: unknown, path: FieldPath, out: FieldPath[]): void {
  const def = unwrapDef(schema);
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
  return ['object', 'array', 'record'].includes(unwrapDef(schema).type);
}

/** The paths of obj's fields that `schema` does not know, in document order. */
export function unknownFieldPaths(schema: z.ZodType, obj: unknown): FieldPath[] {
  const out: FieldPath[] = [];
  walk(schema as unknown as Schema, obj, [], out);
  return out;
}
