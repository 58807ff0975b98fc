/**
 * The OpenAPI schemas of a kind, generated from its Zod schemas (z.toJSONSchema), never written
 * by hand. The generated JSON Schema is then shaped the way Kubernetes publishes its own:
 * reverse-DNS component names, `x-kubernetes-group-version-kind` on the kinds, no
 * `additionalProperties: false` (Kubernetes schemas leave it open and prune instead), none of
 * the JavaScript-only bounds Zod adds to integers, and references written as kube-openapi
 * writes them (see `shapeRef`).
 *
 * The meta/v1 types a kind embeds (ObjectMeta, ListMeta, Condition) are referenced, not emitted:
 * their schemas must be kube-apiserver's own, byte for byte, or the aggregator renames them
 * (`…ObjectMeta_v2`) when it merges our document into its own. The API server supplies them.
 */
import { z } from 'zod';

export type OpenAPIDialect = 'openapi-3.0' | 'swagger-2.0';

export interface OpenAPISchemaOptions {
  /** `#/components/schemas/` for OpenAPI v3, `#/definitions/` for Swagger 2.0. */
  refPrefix: string;
  dialect: OpenAPIDialect;
}

type JsonObject = Record<string, unknown>;

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** One schema to emit as a component, with its `x-kubernetes-group-version-kind` when it is a kind. */
export interface OpenAPIComponent {
  id: string;
  schema: z.ZodType;
  gvk?: GroupVersionKind;
}

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
  // Zod states a `.prefault()` (a default given as input, e.g. `spec: {}`) apart; to a client
  // it is the field's default.
  if ('_prefault' in obj) {
    obj.default = obj._prefault;
    delete obj._prefault;
  }
  shapeRef(obj, dialect);
  for (const value of Object.values(obj)) shape(value, dialect);
  return obj;
}

/**
 * The schemas of `components`, keyed by id. `references` are registered only so that Zod writes a
 * `$ref` to them instead of inlining them (Kubernetes' own meta/v1 types, which the server
 * supplies); their generated schemas are dropped. Generated from the input view of the schemas:
 * a field with a default is not required, and its `default` is stated, as in a CRD's schema.
 */
export function openAPISchemas(
  components: readonly OpenAPIComponent[],
  references: readonly OpenAPIComponent[],
  opts: OpenAPISchemaOptions,
): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const { schema, id } of [...components, ...references]) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: opts.dialect === 'swagger-2.0' ? 'draft-4' : 'openapi-3.0',
    uri: (id) => `${opts.refPrefix}${id}`,
    unrepresentable: 'any',
    io: 'input',
  });
  const out: Record<string, JsonObject> = {};
  for (const { id, gvk } of components) {
    const schema = schemas[id];
    if (!schema) throw new Error(`Zod produced no JSON Schema for ${id}`);
    const shaped = shape(schema, opts.dialect) as JsonObject;
    if (gvk) shaped['x-kubernetes-group-version-kind'] = [gvk];
    out[id] = shaped;
  }
  return out;
}
