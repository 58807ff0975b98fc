/**
 * A Swagger 2.0 document (JSON) as gnostic's `openapi.v2.Document` message (gnostic/openapiv2/
 * OpenAPIv2.proto), the form kube-openapi serves as
 * `application/com.github.proto-openapi.spec.v2.v1.0+protobuf` and kubectl decodes for
 * `explain --output=plaintext-openapiv2`. kube-openapi gets it from gnostic's Go compiler
 * (openapi_v2.ParseDocument); no JavaScript library implements that mapping, so it is written
 * here, for the subset of Swagger 2.0 our documents use. Anything outside that subset throws,
 * so a document can never lose a field on the way to protobuf unnoticed.
 *
 * The result is a plain object with the .proto's own field names (protobufjs `keepCase`).
 * Values gnostic keeps as YAML text (`Any`: vendor extensions, `default`, `enum`) are written as
 * JSON, which is YAML too: kubectl reads them with yaml.Unmarshal (kube-openapi pkg/util/proto
 * VendorExtensionToMap), and JSON.stringify is many times faster than a YAML emitter.
 */

type Json = Record<string, unknown>;
type Message = Record<string, unknown>;

export class UnsupportedOpenAPIError extends Error {
  constructor(where: string, key: string) {
    super(`OpenAPI v2 to protobuf: ${where} has "${key}", which has no gnostic mapping here`);
    this.name = 'UnsupportedOpenAPIError';
  }
}

const anyOf = (value: unknown): Message => ({ yaml: `${JSON.stringify(value)}\n` });

const named = (obj: Json, value: (v: unknown, name: string) => unknown): Message[] =>
  Object.entries(obj).map(([name, v]) => ({ name, value: value(v, name) }));

/** A map whose `x-` keys are vendor extensions (Paths, Responses): `[entries, extensions]`. */
function namedWithExtensions(
  obj: Json,
  value: (v: unknown, name: string) => unknown,
): [Message[], Message[]] {
  const entries = Object.entries(obj);
  const extensions = entries
    .filter(([k]) => k.startsWith('x-'))
    .map(([name, v]) => ({ name, value: anyOf(v) }));
  const rest = Object.fromEntries(entries.filter(([k]) => !k.startsWith('x-')));
  return [named(rest, value), extensions];
}

/** Copies the keys of `obj` through `fields` (JSON key → proto field + conversion). */
function convert(
  where: string,
  obj: Json,
  fields: Record<string, [string, (v: unknown) => unknown]>,
): Message {
  const out: Message = {};
  const extensions: Message[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (key.startsWith('x-')) {
      extensions.push({ name: key, value: anyOf(value) });
      continue;
    }
    const field = fields[key];
    if (!field) throw new UnsupportedOpenAPIError(where, key);
    out[field[0]] = field[1](value);
  }
  if (extensions.length > 0) {
    if (!('vendor_extension' in fields)) throw new UnsupportedOpenAPIError(where, 'x-…');
    out.vendor_extension = extensions;
  }
  return out;
}

const same = (v: unknown): unknown => v;
const EXTENSIONS: Record<string, [string, (v: unknown) => unknown]> = { vendor_extension: ['', same] };

/** The validation keywords Schema and the non-body parameters share (snake_case in gnostic). */
const BOUNDS: Record<string, [string, (v: unknown) => unknown]> = {
  format: ['format', same],
  default: ['default', anyOf],
  maximum: ['maximum', same],
  exclusiveMaximum: ['exclusive_maximum', same],
  minimum: ['minimum', same],
  exclusiveMinimum: ['exclusive_minimum', same],
  maxLength: ['max_length', same],
  minLength: ['min_length', same],
  pattern: ['pattern', same],
  maxItems: ['max_items', same],
  minItems: ['min_items', same],
  uniqueItems: ['unique_items', same],
  enum: ['enum', (v) => (v as unknown[]).map(anyOf)],
  multipleOf: ['multiple_of', same],
};

export function schemaMessage(schema: Json): Message {
  return convert('a schema', schema, {
    ...BOUNDS,
    ...EXTENSIONS,
    $ref: ['_ref', same],
    title: ['title', same],
    description: ['description', same],
    maxProperties: ['max_properties', same],
    minProperties: ['min_properties', same],
    required: ['required', same],
    additionalProperties: [
      'additional_properties',
      (v) => (typeof v === 'boolean' ? { boolean: v } : { schema: schemaMessage(v as Json) }),
    ],
    type: ['type', (v) => ({ value: Array.isArray(v) ? v : [v] })],
    items: ['items', (v) => ({ schema: (Array.isArray(v) ? v : [v]).map((s) => schemaMessage(s as Json)) })],
    allOf: ['all_of', (v) => (v as Json[]).map(schemaMessage)],
    properties: [
      'properties',
      (v) => ({ additional_properties: named(v as Json, (s) => schemaMessage(s as Json)) }),
    ],
    discriminator: ['discriminator', same],
    readOnly: ['read_only', same],
    example: ['example', anyOf],
  });
}

const NON_BODY_SUB_SCHEMA: Readonly<Record<string, string>> = {
  query: 'query_parameter_sub_schema',
  path: 'path_parameter_sub_schema',
  header: 'header_parameter_sub_schema',
  formData: 'form_data_parameter_sub_schema',
};

function parameterMessage(parameter: Json): Message {
  if (typeof parameter.$ref === 'string') {
    return { json_reference: convert('a parameter reference', parameter, { $ref: ['_ref', same] }) };
  }
  const where = `parameter ${String(parameter.name)}`;
  if (parameter.in === 'body') {
    const body = convert(where, parameter, {
      ...EXTENSIONS,
      description: ['description', same],
      name: ['name', same],
      in: ['in', same],
      required: ['required', same],
      schema: ['schema', (v) => schemaMessage(v as Json)],
    });
    return { parameter: { body_parameter: body } };
  }
  const subSchema = NON_BODY_SUB_SCHEMA[String(parameter.in)];
  if (!subSchema) throw new UnsupportedOpenAPIError(where, `in: ${String(parameter.in)}`);
  const allowEmpty: Record<string, [string, (v: unknown) => unknown]> =
    parameter.in === 'query' || parameter.in === 'formData'
      ? { allowEmptyValue: ['allow_empty_value', same] }
      : {};
  const message = convert(where, parameter, {
    ...BOUNDS,
    ...EXTENSIONS,
    ...allowEmpty,
    required: ['required', same],
    in: ['in', same],
    description: ['description', same],
    name: ['name', same],
    type: ['type', same],
    collectionFormat: ['collection_format', same],
  });
  return { parameter: { non_body_parameter: { [subSchema]: message } } };
}

function responsesMessage(responses: Json): Message {
  const response = (value: unknown, code: string): Message => {
    const r = value as Json;
    if (typeof r.$ref === 'string') return { json_reference: { _ref: r.$ref } };
    return {
      response: convert(`response ${code}`, r, {
        ...EXTENSIONS,
        description: ['description', same],
        schema: ['schema', (v) => ({ schema: schemaMessage(v as Json) })],
      }),
    };
  };
  const [codes, extensions] = namedWithExtensions(responses, response);
  return { response_code: codes, ...(extensions.length > 0 ? { vendor_extension: extensions } : {}) };
}

function operationMessage(operation: Json): Message {
  return convert(`operation ${String(operation.operationId)}`, operation, {
    ...EXTENSIONS,
    tags: ['tags', same],
    summary: ['summary', same],
    description: ['description', same],
    operationId: ['operation_id', same],
    produces: ['produces', same],
    consumes: ['consumes', same],
    parameters: ['parameters', (v) => (v as Json[]).map(parameterMessage)],
    responses: ['responses', (v) => responsesMessage(v as Json)],
    schemes: ['schemes', same],
    deprecated: ['deprecated', same],
  });
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

function pathItemMessage(item: Json, path: string): Message {
  const methods = Object.fromEntries(
    METHODS.map((m): [string, [string, (v: unknown) => unknown]] => [
      m,
      [m, (v) => operationMessage(v as Json)],
    ]),
  );
  return convert(`path ${path}`, item, {
    ...methods,
    ...EXTENSIONS,
    $ref: ['_ref', same],
    parameters: ['parameters', (v) => (v as Json[]).map(parameterMessage)],
  });
}

function pathsMessage(paths: Json): Message {
  const [items, extensions] = namedWithExtensions(paths, (item, path) => pathItemMessage(item as Json, path));
  return { path: items, ...(extensions.length > 0 ? { vendor_extension: extensions } : {}) };
}

/** The gnostic `openapi.v2.Document` for a Swagger 2.0 document. */
export function gnosticDocument(doc: Json): Message {
  return convert('the document', doc, {
    ...EXTENSIONS,
    swagger: ['swagger', same],
    info: [
      'info',
      (v) =>
        convert('info', v as Json, { ...EXTENSIONS, title: ['title', same], version: ['version', same] }),
    ],
    host: ['host', same],
    basePath: ['base_path', same],
    schemes: ['schemes', same],
    consumes: ['consumes', same],
    produces: ['produces', same],
    paths: ['paths', (v) => pathsMessage(v as Json)],
    definitions: [
      'definitions',
      (v) => ({ additional_properties: named(v as Json, (s) => schemaMessage(s as Json)) }),
    ],
  });
}
