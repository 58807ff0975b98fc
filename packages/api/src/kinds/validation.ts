/**
 * Validation of a kind's objects against one version's Zod schema: runs the schema and turns its
 * issues into Kubernetes field errors. Unknown fields are not errors here: they are reported
 * apart so that the apiserver can apply the request's fieldValidation (Strict / Warn / Ignore).
 */
import type { z } from 'zod';
import { fieldError } from '../metav1';
import type { FieldError } from '../metav1';
import { listUniquenessChecker } from './list-uniqueness';
import { unknownFieldPaths } from './unknown-fields';
import { unwrapDef } from './schema-shape';
import type { ZodDef, ZodNode } from './schema-shape';

export interface SchemaValidationResult {
  /** Empty when the object is valid. */
  errors: FieldError[];
  /** Dotted paths of fields the schema does not know, e.g. `spec.colour`. */
  unknownFields: string[];
}

/** What validation needs to know about one version's schema. */
export interface SchemaValidator {
  validate(obj: unknown): SchemaValidationResult;
  validateUpdate(next: unknown, old: unknown): SchemaValidationResult;
  unknownFields(obj: unknown): string[];
  pruneUnknownFields<T>(obj: T): T;
}

type Issue = z.core.$ZodIssue;
type PathSegment = PropertyKey;

/**
 * The field path of a Zod issue path as field.Path renders it: `[i]` for list items, and
 * `labels[app]` for a key of a map-typed field (a record in the schema, field.Path.Key); past
 * what the schema knows, names are dotted.
 */
export function formatPath(schema: z.ZodType, path: readonly PathSegment[]): string {
  let out = '';
  let def: ZodDef | undefined = unwrapDef(schema);
  for (const seg of path) {
    if (typeof seg === 'number') {
      out += `[${seg}]`;
      def = def?.type === 'array' && def.element ? unwrapDef(def.element) : undefined;
      continue;
    }
    const name = String(seg);
    if (def?.type === 'record') {
      out += `[${name}]`;
      def = def.valueType ? unwrapDef(def.valueType) : undefined;
      continue;
    }
    out += out ? `.${name}` : name;
    const field = def?.type === 'object' ? def.shape?.[name] : undefined;
    def = field ? unwrapDef(field) : undefined;
  }
  return out;
}

function joinField(base: string, rel: string): string {
  if (!rel) return base;
  if (!base || rel.startsWith('[')) return base + rel;
  return `${base}.${rel}`;
}

function valueAt(obj: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

const JSON_TYPE: Record<string, string> = {
  int: 'integer',
  number: 'number',
  string: 'string',
  boolean: 'boolean',
};

function schemaAt(schema: z.ZodType, path: readonly PathSegment[]): ZodDef | undefined {
  let def: ZodDef | undefined = unwrapDef(schema);
  for (const seg of path) {
    const field: ZodNode | undefined =
      typeof seg === 'string' && def?.type === 'object' ? def.shape?.[seg] : undefined;
    def = field ? unwrapDef(field) : undefined;
  }
  return def;
}

/**
 * Whether the schema at `path` is an integer format (z.int32() and friends): Zod reports a
 * wrong type for them as expected "number", where Kubernetes says "integer".
 */
function isIntegerField(schema: z.ZodType, path: readonly PathSegment[]): boolean {
  const def = schemaAt(schema, path);
  return def?.type === 'number' && /^(u?int\d*|safeint)$/.test(def.format ?? '');
}

const INT32 = { minimum: -2147483648, maximum: 2147483647 };

/**
 * The bounds issues of an int32 field as Kubernetes states them: past 2^53 Zod checks the safe
 * integer range first ("≤ 9007199254740991"), and below the field's own minimum it also reports
 * int32's; say the int32 bound, and only the tightest lower bound.
 */
function int32Bounds(schema: z.ZodType, issues: readonly Issue[]): Issue[] {
  const tightestMin = new Map<string, number>();
  const out: Issue[] = [];
  for (const issue of issues) {
    if (
      (issue.code !== 'too_big' && issue.code !== 'too_small') ||
      schemaAt(schema, issue.path)?.format !== 'int32'
    ) {
      out.push(issue);
      continue;
    }
    const key = formatPath(schema, issue.path);
    if (issue.code === 'too_big') {
      if (!out.some((o) => o.code === 'too_big' && formatPath(schema, o.path) === key))
        out.push({ ...issue, maximum: Math.min(Number(issue.maximum), INT32.maximum) });
      continue;
    }
    const minimum = Math.max(Number(issue.minimum), INT32.minimum);
    const earlier = tightestMin.get(key);
    if (earlier !== undefined && earlier >= minimum) continue;
    tightestMin.set(key, minimum);
    const kept = out.findIndex((o) => o.code === 'too_small' && formatPath(schema, o.path) === key);
    if (kept >= 0) out.splice(kept, 1);
    out.push({ ...issue, minimum });
  }
  return out;
}

function toFieldErrors(schema: z.ZodType, issue: Issue, input: unknown): FieldError[] {
  const field = formatPath(schema, issue.path);
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined) return [fieldError.required(field)];
      const expected =
        issue.expected === 'number' && isIntegerField(schema, issue.path)
          ? 'integer'
          : (JSON_TYPE[issue.expected] ?? issue.expected);
      if (issue.expected === 'int' && typeof value === 'number') {
        return [fieldError.invalid(field, value, 'must be an integer')];
      }
      return [fieldError.typeInvalid(field, value, `must be of type ${expected}`)];
    }
    case 'too_small':
      if (issue.origin === 'string' && issue.minimum === 1) return [fieldError.required(field)];
      if (issue.origin === 'array')
        return [fieldError.invalid(field, value, `must have at least ${issue.minimum} items`)];
      return [fieldError.invalid(field, value, `must be greater than or equal to ${issue.minimum}`)];
    case 'too_big':
      if (issue.origin === 'string')
        return [fieldError.tooLong(field, `may not be longer than ${issue.maximum}`)];
      if (issue.origin === 'array')
        return [fieldError.tooMany(field, (value as unknown[]).length, Number(issue.maximum))];
      return [fieldError.invalid(field, value, `must be less than or equal to ${issue.maximum}`)];
    case 'invalid_value':
      return [fieldError.notSupported(field, value, issue.values.map(String))];
    case 'invalid_format':
      if (issue.format === 'datetime')
        return [fieldError.invalid(field, value, 'must be an RFC 3339 date-time')];
      return [fieldError.invalid(field, value, issue.message)];
    case 'custom': {
      const err = (issue.params as { fieldError?: FieldError } | undefined)?.fieldError;
      if (err) return [{ ...err, field: joinField(field, err.field) }];
      return [fieldError.invalid(field, value, issue.message)];
    }
    default:
      return [fieldError.invalid(field, value, issue.message)];
  }
}

/**
 * Validates obj as it would be stored (after defaulting) against `schema`'s Zod rules. Never
 * throws. (schemaValidator adds the list-type uniqueness rules.)
 */
export function validateAgainst(schema: z.ZodType, obj: unknown): SchemaValidationResult {
  const result = schema.safeParse(obj);
  const errors: FieldError[] = [];
  const unknownFields: string[] = [];
  for (const issue of int32Bounds(schema, result.error?.issues ?? [])) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) unknownFields.push(formatPath(schema, [...issue.path, key]));
    } else {
      errors.push(...toFieldErrors(schema, issue, obj));
    }
  }
  return { errors, unknownFields };
}

const IMMUTABLE_METADATA = ['name', 'namespace', 'uid', 'creationTimestamp'] as const;

/** The update rules every kind shares: metadata that never changes once set. */
export function immutableMetadataErrors(next: unknown, old: unknown): FieldError[] {
  const nextMeta = (valueAt(next, ['metadata']) ?? {}) as Record<string, unknown>;
  const oldMeta = (valueAt(old, ['metadata']) ?? {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of IMMUTABLE_METADATA) {
    if (oldMeta[key] !== undefined && nextMeta[key] !== oldMeta[key]) {
      errors.push(fieldError.invalid(`metadata.${key}`, nextMeta[key], 'field is immutable'));
    }
  }
  return errors;
}

/**
 * A copy of obj without the fields `schema` does not know (what Ignore and Warn store). The
 * unknown fields are detached before the deep copy, so a body that is mostly unknown fields
 * costs the copy of what is kept, not of what is dropped.
 */
export function pruneUnknownFieldsOf<T>(schema: z.ZodType, obj: T): T {
  const paths = unknownFieldPaths(schema, obj);
  return structuredClone(paths.length === 0 ? obj : withoutPaths(obj, paths));
}

/** Validation, update validation and unknown-field handling for one version's schema. */
export function schemaValidator(schema: z.ZodType): SchemaValidator {
  const listErrors = listUniquenessChecker(schema);
  const validate = (obj: unknown): SchemaValidationResult => {
    const result = validateAgainst(schema, obj);
    result.errors.push(...listErrors(obj));
    return result;
  };
  return {
    validate,
    validateUpdate(next, old) {
      const result = validate(next);
      result.errors.push(...immutableMetadataErrors(next, old));
      return result;
    },
    unknownFields: (obj) => unknownFieldPaths(schema, obj).map((path) => formatPath(schema, path)),
    pruneUnknownFields: (obj) => pruneUnknownFieldsOf(schema, obj),
  };
}

/** obj with the fields at `paths` removed, sharing every untouched subtree with obj. */
function withoutPaths<T>(obj: T, paths: readonly PathSegment[][]): T {
  const copies = new Map<object, Record<PropertyKey, unknown>>();
  const shallowCopy = (value: object): Record<PropertyKey, unknown> => {
    let copy = copies.get(value);
    if (!copy) {
      copy = (Array.isArray(value) ? value.slice() : { ...value }) as Record<PropertyKey, unknown>;
      copies.set(value, copy);
      copies.set(copy, copy);
    }
    return copy;
  };
  const root = shallowCopy(obj as object);
  for (const path of paths) {
    let parent: Record<PropertyKey, unknown> | undefined = root;
    for (const segment of path.slice(0, -1)) {
      const child: unknown = parent?.[segment];
      parent =
        child !== null && typeof child === 'object' ? (parent![segment] = shallowCopy(child)) : undefined;
    }
    if (parent) delete parent[path.at(-1)!];
  }
  return root as T;
}
