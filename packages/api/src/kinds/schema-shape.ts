/**
 * Reading a Zod schema's structure (its `_zod.def`), which Zod exposes but does not type for
 * walking: the few facts defineKind needs, in one place.
 */
import type { z } from 'zod';

export interface ZodDef {
  type: string;
  shape?: Record<string, ZodNode>;
  catchall?: ZodNode;
  innerType?: ZodNode;
  element?: ZodNode;
  valueType?: ZodNode;
  in?: ZodNode;
  values?: readonly unknown[];
  format?: string;
  readonly defaultValue?: unknown;
}
export type ZodNode = { _zod: { def: ZodDef } };

/** Wrappers that hold one schema and accept what it accepts once a value is present. */
export const WRAPPERS: ReadonlySet<string> = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'readonly',
  'catch',
  'nonoptional',
]);

/** The schema's own definition under its optional/default/… wrappers. */
export function unwrapDef(schema: z.ZodType | ZodNode): ZodDef {
  let def = (schema as unknown as ZodNode)._zod.def;
  for (;;) {
    if (WRAPPERS.has(def.type) && def.innerType) def = def.innerType._zod.def;
    else if (def.type === 'pipe' && def.in) def = def.in._zod.def;
    else return def;
  }
}

/** The single value of a literal schema (`z.literal('Foo')`), or undefined for anything else. */
export function literalValue(schema: z.ZodType | undefined): unknown {
  if (!schema) return undefined;
  const def = unwrapDef(schema);
  return def.type === 'literal' && def.values?.length === 1 ? def.values[0] : undefined;
}

/** Whether the schema (under its wrappers) is an object schema. */
export function isObjectSchema(schema: z.ZodType | undefined): boolean {
  return schema !== undefined && unwrapDef(schema).type === 'object';
}
