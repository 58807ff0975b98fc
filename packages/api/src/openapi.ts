/**
 * The OpenAPI schemas of Foo, generated from the Zod schema (z.toJSONSchema), never written by
 * hand. The generated JSON Schema is then shaped the way Kubernetes publishes its own:
 * reverse-DNS component names, `x-kubernetes-group-version-kind` on the kinds, no
 * `additionalProperties: false` (Kubernetes schemas leave it open and prune instead), and none
 * of the JavaScript-only bounds Zod adds to integers.
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

const COMPONENTS: [z.ZodType, string][] = [
  [fooSchema, OPENAPI_NAMES.foo],
  [fooListSchema, OPENAPI_NAMES.fooList],
  [fooSpecSchema, OPENAPI_NAMES.fooSpec],
  [fooStatusSchema, OPENAPI_NAMES.fooStatus],
  [objectMetaSchema, OPENAPI_NAMES.objectMeta],
  [listMetaSchema, OPENAPI_NAMES.listMeta],
  [conditionSchema, OPENAPI_NAMES.condition],
  [managedFieldsEntrySchema, OPENAPI_NAMES.managedFieldsEntry],
  [ownerReferenceSchema, OPENAPI_NAMES.ownerReference],
];

const GVK: Record<string, { group: string; version: string; kind: string }[]> = {
  [OPENAPI_NAMES.foo]: [{ group: GROUP, version: VERSION, kind: KIND }],
  [OPENAPI_NAMES.fooList]: [{ group: GROUP, version: VERSION, kind: LIST_KIND }],
};

/** Zod's integer bounds that only reflect JavaScript's safe-integer range, not a Kubernetes rule. */
const JS_SAFE_BOUND = Number.MAX_SAFE_INTEGER;

/** Removes what Kubernetes schemas do not carry; returns the same node for chaining. */
function shape(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(shape);
  if (node === null || typeof node !== 'object') return node;
  const obj = node as JsonObject;
  delete obj.$id;
  delete obj.$schema;
  if (obj.additionalProperties === false) delete obj.additionalProperties;
  if (obj.format === 'date-time') delete obj.pattern;
  if (obj.maximum === JS_SAFE_BOUND) delete obj.maximum;
  if (obj.minimum === -JS_SAFE_BOUND) delete obj.minimum;
  for (const value of Object.values(obj)) shape(value);
  return obj;
}

/** Schemas for Foo, FooList and the meta/v1 types they reference, keyed by reverse-DNS name. */
export function fooOpenAPISchemas(opts: OpenAPISchemaOptions): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of COMPONENTS) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: opts.dialect === 'swagger-2.0' ? 'draft-4' : 'openapi-3.0',
    uri: (id) => `${opts.refPrefix}${id}`,
    unrepresentable: 'any',
  });
  const out: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const shaped = shape(schema) as JsonObject;
    const gvk = GVK[id];
    if (gvk) shaped['x-kubernetes-group-version-kind'] = gvk;
    out[id] = shaped;
  }
  return out;
}
