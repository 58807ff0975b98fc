/**
 * The OpenAPI documents: v3 (`/openapi/v3/apis/<group>/<version>` and the `/openapi/v3` index) and
 * Swagger 2.0 (`/openapi/v2`, also in protobuf). The kinds' schemas come from their definitions
 * (each KindVersion's openAPISchemas), Kubernetes' own from openapi-meta-schemas.ts
 * (kube-apiserver's, verbatim); paths from openapi-operations.ts. kubectl reads the paths, not only the schemas: it enables server-side
 * field validation and dry-run only when a PATCH tagged with the kind's
 * `x-kubernetes-group-version-kind` lists `fieldValidation`/`dryRun` itself, and `kubectl apply`
 * sends strategic merge only when PATCH accepts `application/strategic-merge-patch+json`.
 * Serving them (built once, frozen, hashed) is openapi-served-documents.ts.
 */
import type { OpenAPIDialect } from '@pwk/api';
import type { InstalledGroupVersion } from '../apis/installed-api';
import { kubeOpenAPISchemas } from './openapi-meta-schemas';
import type { OperationSpec, ParameterSpec, SchemaNames } from './openapi-operations';
import { openAPIPaths, openAPITag, schemaKey } from './openapi-operations';

type JsonObject = Record<string, unknown>;

/** A document as built, before it is frozen and served. */
export type JsonDocument = JsonObject;

interface RenderOptions {
  refPrefix: string;
  dialect: OpenAPIDialect;
}

const V3: RenderOptions = { refPrefix: '#/components/schemas/', dialect: 'openapi-3.0' };
const V2: RenderOptions = { refPrefix: '#/definitions/', dialect: 'swagger-2.0' };
const RESPONSE_TEXT = { '200': 'OK', '201': 'Created', '202': 'Accepted' } as const;

function renderParameter(p: ParameterSpec, dialect: OpenAPIDialect): JsonObject {
  const required = p.in === 'path' ? { required: true } : {};
  const type =
    dialect === 'swagger-2.0'
      ? { type: p.type, uniqueItems: true }
      : { schema: { type: p.type, uniqueItems: true } };
  return { description: p.description, in: p.in, name: p.name, ...required, ...type };
}

/** Swagger 2.0: bodies are `in: body` parameters; media types go to `consumes`/`produces`. */
function renderV2Operation(o: OperationSpec, ref: (schema: string) => JsonObject): JsonObject {
  const body = o.body
    ? [
        {
          in: 'body',
          name: 'body',
          ...(o.body.required ? { required: true } : {}),
          schema: ref(o.body.schema),
        },
      ]
    : [];
  const parameters = [...body, ...o.parameters.map((p) => renderParameter(p, 'swagger-2.0'))];
  return {
    consumes: o.body ? [...o.body.contentTypes] : ['*/*'],
    produces: [...o.produces],
    schemes: ['https'],
    // Omitted when empty, as kube-apiserver does (and protobuf cannot tell `[]` from absent).
    ...(parameters.length > 0 ? { parameters } : {}),
    responses: Object.fromEntries(
      o.responses.map((code) => [code, { description: RESPONSE_TEXT[code], schema: ref(o.responseSchema) }]),
    ),
  };
}

/** OpenAPI 3.0: bodies are `requestBody`, media types key `content`. */
function renderV3Operation(o: OperationSpec, ref: (schema: string) => JsonObject): JsonObject {
  const content = (types: readonly string[], schema: string): JsonObject =>
    Object.fromEntries(types.map((type) => [type, { schema: ref(schema) }]));
  const requestBody = o.body
    ? {
        requestBody: {
          content: content(o.body.contentTypes, o.body.schema),
          ...(o.body.required ? { required: true } : {}),
        },
      }
    : {};
  return {
    ...(o.parameters.length > 0
      ? { parameters: o.parameters.map((p) => renderParameter(p, 'openapi-3.0')) }
      : {}),
    ...requestBody,
    responses: Object.fromEntries(
      o.responses.map((code) => [
        code,
        { description: RESPONSE_TEXT[code], content: content(o.produces, o.responseSchema) },
      ]),
    ),
  };
}

/** The component names of the group version's kinds and their lists, from their definitions. */
function schemaNamesOf(gv: InstalledGroupVersion): SchemaNames {
  return new Map(
    gv.installed.flatMap(({ kind, version }) => [
      [schemaKey({ group: gv.group, version: gv.version, kind: kind.kind }), version.openAPINames.kind],
      [schemaKey({ group: gv.group, version: gv.version, kind: kind.listKind }), version.openAPINames.list],
    ]),
  );
}

function renderPaths(gv: InstalledGroupVersion, opts: RenderOptions, paths: JsonObject): void {
  const ref = (schema: string): JsonObject => ({ $ref: `${opts.refPrefix}${schema}` });
  const tags = [openAPITag(gv)];
  for (const spec of openAPIPaths(gv, schemaNamesOf(gv))) {
    const item: JsonObject = { parameters: spec.parameters.map((p) => renderParameter(p, opts.dialect)) };
    for (const o of spec.operations) {
      item[o.method] = {
        description: o.description,
        operationId: o.operationId,
        tags,
        ...(opts.dialect === 'swagger-2.0' ? renderV2Operation(o, ref) : renderV3Operation(o, ref)),
        'x-kubernetes-action': o.action,
        // A single object on operations (an array on schemas): kubectl matches it against the kind.
        'x-kubernetes-group-version-kind': { ...o.gvk },
      };
    }
    paths[spec.path] = item;
  }
}

function refsOf(node: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => refsOf(n, found));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.add(value);
      else refsOf(value, found);
    }
  }
  return found;
}

/**
 * The kinds' schemas and the Kubernetes schemas the paths reach, as kube-openapi's builder emits
 * only the definitions its routes reference (no watch paths here, so no WatchEvent).
 */
function schemas(opts: RenderOptions, gvs: readonly InstalledGroupVersion[], paths: JsonObject): JsonObject {
  const available: Record<string, unknown> = { ...kubeOpenAPISchemas(opts.dialect, gvs) };
  for (const gv of gvs) {
    for (const { version } of gv.installed) Object.assign(available, version.openAPISchemas(opts));
  }
  const out: JsonObject = {};
  const visit = (ref: string): void => {
    const name = ref.slice(opts.refPrefix.length);
    if (name in out) return;
    const schema = available[name];
    if (schema === undefined) throw new Error(`OpenAPI: nothing defines ${ref}`);
    out[name] = schema;
    refsOf(schema, new Set()).forEach(visit);
  };
  refsOf(paths, new Set()).forEach(visit);
  return Object.fromEntries(
    Object.keys(available)
      .filter((n) => n in out)
      .map((n) => [n, out[n]]),
  );
}

/** The OpenAPI 3.0 document of one group version, built afresh (serve `openAPIDocuments(…).v3`). */
export function buildOpenAPIV3Document(gv: InstalledGroupVersion): JsonDocument {
  const paths: JsonObject = {};
  renderPaths(gv, V3, paths);
  return {
    openapi: '3.0.0',
    info: { title: 'pwk', version: gv.version },
    paths,
    components: { schemas: schemas(V3, [gv], paths) },
  };
}

/**
 * The Swagger 2.0 document of every group version (what the aggregator merges), built afresh
 * (serve `openAPIDocuments(…).v2`). Kube puts its release in info.version; we have none to give,
 * so it names the first group version's version.
 */
export function buildOpenAPIV2Document(gvs: readonly InstalledGroupVersion[]): JsonDocument {
  const paths: JsonObject = {};
  for (const gv of gvs) renderPaths(gv, V2, paths);
  return {
    swagger: '2.0',
    info: { title: 'pwk', version: gvs[0]?.version ?? '' },
    paths,
    definitions: schemas(V2, gvs, paths),
  };
}
