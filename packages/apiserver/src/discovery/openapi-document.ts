/**
 * The OpenAPI documents: v3 (`/openapi/v3/apis/<group>/<version>` and the `/openapi/v3` index) and
 * Swagger 2.0 (`/openapi/v2`, also in protobuf). Foo's schemas come from @pwk/api, Kubernetes'
 * own from openapi-meta-schemas.ts (kube-apiserver's, verbatim); paths from openapi-operations.ts. kubectl reads the paths, not only the schemas: it enables server-side
 * field validation and dry-run only when a PATCH tagged with the kind's
 * `x-kubernetes-group-version-kind` lists `fieldValidation`/`dryRun` itself, and `kubectl apply`
 * sends strategic merge only when PATCH accepts `application/strategic-merge-patch+json`.
 * The documents never change within a process, so each is built once, frozen and hashed.
 */
import { createHash } from 'node:crypto';
import { fooOpenAPISchemas } from '@pwk/api';
import type { OpenAPIDialect } from '@pwk/api';
import { kubeOpenAPISchemas } from './openapi-meta-schemas';
import type { OperationSpec, ParameterSpec } from './openapi-operations';
import { openAPIPaths, openAPITag } from './openapi-operations';
import { encodeOpenAPIV2 } from './openapi-v2-protobuf';
import type { GroupVersionDescription } from './resources';
import { SERVED_API } from './resources';

type JsonObject = Record<string, unknown>;

/** A document ready to serve: the body, its JSON, its quoted ETag and when it was built. */
export interface ServedDocument {
  body: JsonObject;
  /** The body as sent: serialised once, never per request. */
  json: Buffer;
  etag: string;
  lastModified: Date;
}

/** The Swagger 2.0 document in protobuf, under the JSON form's ETag (as kube-openapi serves it). */
export interface ServedBytes {
  bytes: Buffer;
  etag: string;
  lastModified: Date;
}

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

function renderPaths(api: GroupVersionDescription, opts: RenderOptions): JsonObject {
  const ref = (schema: string): JsonObject => ({ $ref: `${opts.refPrefix}${schema}` });
  const tags = [openAPITag(api)];
  const paths: JsonObject = {};
  for (const spec of openAPIPaths(api)) {
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
  return paths;
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
 * Foo's schemas and the Kubernetes schemas the paths reach, as kube-openapi's builder emits
 * only the definitions its routes reference (no watch paths here, so no WatchEvent).
 */
function schemas(opts: RenderOptions, paths: JsonObject): JsonObject {
  const available: Record<string, unknown> = {
    ...kubeOpenAPISchemas(opts.dialect),
    ...fooOpenAPISchemas(opts),
  };
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

/** The OpenAPI 3.0 document of one group version, built afresh (serve `openAPIV3Document()`). */
export function buildOpenAPIV3Document(api: GroupVersionDescription = SERVED_API): JsonObject {
  const paths = renderPaths(api, V3);
  return {
    openapi: '3.0.0',
    info: { title: 'pwk', version: api.version },
    paths,
    components: { schemas: schemas(V3, paths) },
  };
}

/** The Swagger 2.0 document (what the aggregator merges), built afresh (serve `openAPIV2Document()`). */
export function buildOpenAPIV2Document(api: GroupVersionDescription = SERVED_API): JsonObject {
  const paths = renderPaths(api, V2);
  return {
    swagger: '2.0',
    info: { title: 'pwk', version: api.version },
    paths,
    definitions: schemas(V2, paths),
  };
}

const hashOfText = (text: string): string =>
  createHash('sha256').update(text).digest('hex').slice(0, 32).toUpperCase();

/** Uppercase hex like kube's `?hash=`: a 128-bit prefix of the SHA-256 of the JSON body. */
export function documentHash(body: unknown): string {
  return hashOfText(JSON.stringify(body));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Frozen, so no caller can change a body after its hash was taken. */
function serve(body: JsonObject): ServedDocument {
  const text = JSON.stringify(body);
  return {
    body: deepFreeze(body),
    json: Buffer.from(text),
    etag: `"${hashOfText(text)}"`,
    lastModified: new Date(),
  };
}

function memoise<T>(build: () => T): () => T {
  let cached: T | undefined;
  return () => (cached ??= build());
}

/** `GET /openapi/v3/apis/bar.pwk.educative.io/v1beta1`. */
export const openAPIV3Document: () => ServedDocument = memoise(() => serve(buildOpenAPIV3Document()));

/** `GET /openapi/v2`. */
export const openAPIV2Document: () => ServedDocument = memoise(() => serve(buildOpenAPIV2Document()));

/** `GET /openapi/v2` in protobuf: encoded once, from the served JSON document. */
export const openAPIV2Protobuf: () => ServedBytes = memoise(() => {
  const { body, etag, lastModified } = openAPIV2Document();
  return { bytes: encodeOpenAPIV2(body), etag, lastModified };
});

/** The v3 document's `?hash=`: its ETag without the quotes. */
export function openAPIV3Hash(): string {
  return openAPIV3Document().etag.slice(1, -1);
}

function indexBody(hash: string): JsonObject {
  const key = `apis/${SERVED_API.group}/${SERVED_API.version}`;
  return { paths: { [key]: { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` } } };
}

const currentIndex = memoise(() => serve(indexBody(openAPIV3Hash())));

/** `GET /openapi/v3`: where the group version's document lives; `hash` defaults to the document's. */
export function openAPIV3Index(hash: string = openAPIV3Hash()): ServedDocument {
  return hash === openAPIV3Hash() ? currentIndex() : serve(indexBody(hash));
}
