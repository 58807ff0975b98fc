/**
 * The uniqueness a list's `x-kubernetes-list-type` promises, checked as apiextensions checks a
 * custom resource (ValidateListSetsAndMaps): no item twice in a `set`, no key twice in a `map`.
 * metadata is left to ObjectMeta's own rules, as for a custom resource. Compiled once per schema,
 * visiting only the parts of an object under which the schema has such a list.
 */
import type { z } from 'zod';
import { fieldError } from '../metav1';
import type { FieldError } from '../metav1';
import { childOf, listTypeOf, position } from './schema-semantics';
import type { ZodNode } from './schema-shape';

type ListChecker = (value: unknown, path: string, out: FieldError[]) => void;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function duplicates(value: unknown[], keyOf: (item: unknown) => string | undefined): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  value.forEach((item, i) => {
    const key = keyOf(item);
    if (key === undefined) return;
    if (seen.has(key)) out.push(i);
    seen.add(key);
  });
  return out;
}

function uniquenessOf(node: ZodNode): ListChecker | undefined {
  const type = listTypeOf(position(node));
  if (type.kind === 'set') {
    return (value, path, out) => {
      if (!Array.isArray(value)) return;
      for (const i of duplicates(value, (item) => JSON.stringify(item)))
        out.push(fieldError.duplicate(`${path}[${i}]`, value[i]));
    };
  }
  if (type.kind !== 'keyed' || type.keys.length === 0) return undefined;
  const { keys } = type;
  const keyOf = (item: unknown) => (isRecord(item) ? JSON.stringify(keys.map((k) => item[k])) : undefined);
  return (value, path, out) => {
    if (!Array.isArray(value)) return;
    for (const i of duplicates(value, keyOf)) {
      const item = value[i] as Record<string, unknown>;
      // One key: the key field is the duplicate (`conditions[1].type`); several: the item.
      if (keys.length === 1) out.push(fieldError.duplicate(`${path}[${i}].${keys[0]}`, item[keys[0]!]));
      else out.push(fieldError.duplicate(`${path}[${i}]`, Object.fromEntries(keys.map((k) => [k, item[k]]))));
    }
  };
}

function compile(node: ZodNode, skip: ReadonlySet<string>): ListChecker | undefined {
  const { def } = position(node);
  if (def.type === 'object') {
    const fields: [string, ListChecker][] = [];
    for (const key of Object.keys(def.shape ?? {})) {
      const child = skip.has(key) ? undefined : compile(childOf(def, key)!, NONE);
      if (child) fields.push([key, child]);
    }
    if (fields.length === 0) return undefined;
    return (value, path, out) => {
      if (!isRecord(value)) return;
      for (const [key, check] of fields) check(value[key], path ? `${path}.${key}` : key, out);
    };
  }
  if (def.type === 'array' && def.element) {
    const own = uniquenessOf(node);
    const items = compile(def.element, NONE);
    if (!own && !items) return undefined;
    return (value, path, out) => {
      if (!Array.isArray(value)) return;
      own?.(value, path, out);
      if (items) value.forEach((item, i) => items(item, `${path}[${i}]`, out));
    };
  }
  if (def.type === 'record' && def.valueType) {
    const values = compile(def.valueType, NONE);
    return (
      values &&
      ((value, path, out) => {
        if (isRecord(value)) for (const [k, v] of Object.entries(value)) values(v, `${path}[${k}]`, out);
      })
    );
  }
  return undefined;
}

const NONE: ReadonlySet<string> = new Set();
const METADATA: ReadonlySet<string> = new Set(['metadata']);

/** The duplicate items of the object's set and map lists (outside metadata), as field errors. */
export function listUniquenessChecker(schema: z.ZodType): (obj: unknown) => FieldError[] {
  const check = compile(schema as unknown as ZodNode, METADATA);
  return (obj) => {
    const out: FieldError[] = [];
    check?.(obj, '', out);
    return out;
  };
}
