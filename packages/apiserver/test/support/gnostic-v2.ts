/**
 * Decodes a protobuf `/openapi/v2` answer with gnostic's `openapi.v2.Document` message and turns
 * it back into Swagger 2.0 JSON, written independently of the server's encoder, so a test can
 * compare it with the JSON document: anything the encoder dropped or misplaced shows up.
 */
import { parse as parseYaml } from 'yaml';
import { gnosticDocumentType } from '../../src/discovery/openapi-v2-protobuf';

type Json = Record<string, unknown>;
type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const camel = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Plain fields: snake_case → camelCase; `_ref` → `$ref`; `Any` (YAML text) → its value. */
function plain(msg: Message, skip: readonly string[] = []): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(msg)) {
    if (skip.includes(key)) continue;
    if (key === 'vendor_extension') {
      for (const ext of value as Message[]) out[ext.name] = parseYaml(ext.value.yaml);
    } else if (key === '_ref') out.$ref = value;
    else if (key === 'default' || key === 'example') out[key] = parseYaml(value.yaml);
    else if (key === 'enum') out.enum = (value as Message[]).map((a) => parseYaml(a.yaml));
    else out[camel(key)] = value;
  }
  return out;
}

const byName = <T>(entries: Message[] | undefined, value: (m: Message) => T): Record<string, T> =>
  Object.fromEntries((entries ?? []).map((e) => [e.name, value(e.value)]));

function schema(msg: Message): Json {
  const out = plain(msg, ['type', 'items', 'all_of', 'properties', 'additional_properties']);
  if (msg.type) out.type = msg.type.value.length === 1 ? msg.type.value[0] : msg.type.value;
  if (msg.items)
    out.items = msg.items.schema.length === 1 ? schema(msg.items.schema[0]) : msg.items.schema.map(schema);
  if (msg.all_of) out.allOf = msg.all_of.map(schema);
  if (msg.properties) out.properties = byName(msg.properties.additional_properties, schema);
  const extra = msg.additional_properties;
  if (extra) out.additionalProperties = 'boolean' in extra ? extra.boolean : schema(extra.schema);
  return out;
}

function parameter(msg: Message): Json {
  if (msg.json_reference) return plain(msg.json_reference);
  const { body_parameter: body, non_body_parameter: nonBody } = msg.parameter;
  if (body) return { ...plain(body, ['schema']), ...(body.schema ? { schema: schema(body.schema) } : {}) };
  const [sub] = Object.values(nonBody as Message) as Message[];
  return plain(sub!);
}

function operation(msg: Message): Json {
  const out = plain(msg, ['parameters', 'responses']);
  if (msg.parameters) out.parameters = msg.parameters.map(parameter);
  out.responses = byName(msg.responses.response_code, (value) => {
    if (value.json_reference) return plain(value.json_reference);
    const { schema: item, ...rest } = value.response;
    return { ...plain(rest), ...(item ? { schema: schema(item.schema) } : {}) };
  });
  return out;
}

function pathItem(msg: Message): Json {
  const out: Json = plain(msg, ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'parameters']);
  for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch']) {
    if (msg[method]) out[method] = operation(msg[method]);
  }
  if (msg.parameters) out.parameters = msg.parameters.map(parameter);
  return out;
}

/** The Swagger 2.0 JSON a protobuf `/openapi/v2` body stands for. */
export function decodeOpenAPIV2(bytes: Uint8Array): Json {
  const type = gnosticDocumentType();
  const msg = type.toObject(type.decode(bytes), { longs: Number, arrays: false, defaults: false }) as Message;
  const out = plain(msg, ['info', 'paths', 'definitions']);
  if (msg.info) out.info = plain(msg.info);
  if (msg.paths) out.paths = byName(msg.paths.path, pathItem);
  if (msg.definitions) out.definitions = byName(msg.definitions.additional_properties, schema);
  return out;
}
