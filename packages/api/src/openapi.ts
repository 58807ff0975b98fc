/**
 * The OpenAPI schemas of Foo, generated from the Zod schema (z.toJSONSchema), never written by
 * hand. The generated JSON Schema is then shaped the way Kubernetes publishes its own:
 * reverse-DNS component names, `x-kubernetes-group-version-kind` on the kinds, no
 * `additionalProperties: false` (Kubernetes schemas leave it open and prune instead), none of
 * the JavaScript-only bounds Zod adds to integers, and references written as kube-openapi
 * writes them (see `shapeRef`).
 *
 * The meta/v1 types Foo embeds (ObjectMeta, ListMeta, Condition) are referenced, not emitted:
 * their schemas must be kube-apiserver's own, byte for byte, or the aggregator renames them
 * (`…ObjectMeta_v2`) when it merges our document into its own. The API server supplies them.
 */
import { z } from 'zod';
import { fooListSchema, fooSchema, fooSpecSchema, fooStatusSchema } from './foo';
import {
  conditionSchema,
  listMetaSchema,
  managedFieldsEntrySchema,
  objectMetaSchema,
  ownerReferenceSchema,
} from './metav1';
import { GROUP, KIND, LIST_KIND, OPENAPI_NAMES, VERSION } from './identity';

export type OpenAPIDialect = 'openapi-3.0' | 'swagger-2.0';

export interface OpenAPISchemaOptions {
  /** `#/components/schemas/` for OpenAPI v3, `#/definitions/` for Swagger 2.0. */
  refPrefix: string;
  dialect: OpenAPIDialect;
}

type JsonObject = Record<string, unknown>;

/** Foo's own components: emitted from the Zod schema. */
const FOO_COMPONENTS: [z.ZodType, string][] = [
  [fooSchema, OPENAPI_NAMES.foo],
  [fooListSchema, OPENAPI_NAMES.fooList],
  [fooSpecSchema, OPENAPI_NAMES.fooSpec],
  [fooStatusSchema, OPENAPI_NAMES.fooStatus],
];

/**
 * Kubernetes' components: registered only so that Zod writes a `$ref` to them instead of
 * inlining them; their generated schemas are dropped.
 */
const KUBERNETES_COMPONENTS: [z.ZodType, string][] = [
  [objectMetaSchema, OPENAPI_NAMES.objectMeta],
  [listMetaSchema, OPENAPI_NAMES.listMeta],
  [conditionSchema, OPENAPI_NAMES.condition],
  [managedFieldsEntrySchema, OPENAPI_NAMES.managedFieldsEntry],
  [ownerReferenceSchema, OPENAPI_NAMES.ownerReference],
];

/** The Kubernetes schemas Foo's schemas reference, which whoever serves them must define. */
export const KUBERNETES_OPENAPI_NAMES: readonly string[] = KUBERNETES_COMPONENTS.map(([, id]) => id);

const GVK: Record<string, { group: string; version: string; kind: string }[]> = {
  [OPENAPI_NAMES.foo]: [{ group: GROUP, version: VERSION, kind: KIND }],
  [OPENAPI_NAMES.fooList]: [{ group: GROUP, version: VERSION, kind: LIST_KIND }],
};

/** Zod's integer bounds that only reflect JavaScript's safe-integer range, not a Kubernetes rule. */
const JS_SAFE_BOUND = Number.MAX_SAFE_INTEGER;

/**
 * Zod wraps every reference that carries anything else (an `.optional()` is enough) in a
 * one-element `allOf`. kube-openapi wraps a `$ref` in `allOf` only in OpenAPI v3 and only when
 * it has siblings (builder3's WrapRefs); in Swagger 2.0 it writes `$ref` beside its siblings,
 * which is also the only form `kubectl explain` follows in v2.
 */
function shapeRef(obj: JsonObject, dialect: OpenAPIDialect): void {
  const allOf = obj.allOf;
  if (!Array.isArray(allOf) || allOf.length !== 1) return;
  const [only] = allOf as JsonObject[];
  if (!only || typeof only.$ref !== 'string' || Object.keys(only).length !== 1) return;
  const siblings = Object.keys(obj).filter((k) => k !== 'allOf');
  if (dialect === 'openapi-3.0' && siblings.length > 0) return;
  delete obj.allOf;
  obj.$ref = only.$ref;
}

/** Removes what Kubernetes schemas do not carry; returns the same node for chaining. */
function shape(node: unknown, dialect: OpenAPIDialect): unknown {
  if (Array.isArray(node)) return node.map((n) => shape(n, dialect));
  if (node === null || typeof node !== 'object') return node;
  const obj = node as JsonObject;
  delete obj.$id;
  delete obj.$schema;
  if (obj.additionalProperties === false) delete obj.additionalProperties;
  if (obj.format === 'date-time') delete obj.pattern;
  if (obj.maximum === JS_SAFE_BOUND) delete obj.maximum;
  if (obj.minimum === -JS_SAFE_BOUND) delete obj.minimum;
  shapeRef(obj, dialect);
  for (const value of Object.values(obj)) shape(value, dialect);
  return obj;
}

/**
 * Schemas for Foo, FooList, FooSpec and FooStatus, keyed by reverse-DNS name. They reference
 * the Kubernetes schemas named in KUBERNETES_OPENAPI_NAMES, which are not included.
 */
export function fooOpenAPISchemas(opts: OpenAPISchemaOptions): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of [...FOO_COMPONENTS, ...KUBERNETES_COMPONENTS]) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: opts.dialect === 'swagger-2.0' ? 'draft-4' : 'openapi-3.0',
    uri: (id) => `${opts.refPrefix}${id}`,
    unrepresentable: 'any',
  });
  const out: Record<string, JsonObject> = {};
  for (const [, id] of FOO_COMPONENTS) {
    const schema = schemas[id];
    if (!schema) throw new Error(`Zod produced no JSON Schema for ${id}`);
    const shaped = shape(schema, opts.dialect) as JsonObject;
    const gvk = GVK[id];
    if (gvk) shaped['x-kubernetes-group-version-kind'] = gvk;
    out[id] = shaped;
  }
  return out;
}
