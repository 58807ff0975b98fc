/**
 * Request bodies: JSON or YAML into a plain value; malformed or hostile input is a 400 and nothing
 * is written. Nesting is bounded before any tree is built, YAML of any size leaves the event loop
 * free (large documents are decoded in a worker thread), and duplicate keys are reported for
 * fieldValidation as Kubernetes' strict decoders report them.
 */
import { StatusError } from '../errors/status-error';
import type { DuplicateFields, FieldValidation } from '../registry/store';
import type { KubeObject } from '../storage/interface';
import { countMembers, duplicateJsonFields, scanJsonShape } from './json-text';
import { YamlDecodeError, decodeYamlText } from './yaml-text';
import type { YamlDuplicate } from './yaml-text';
import { YamlThread } from './yaml-thread';

/**
 * The deepest nesting a body may have. Kubernetes' decoders stop at 10000 (Go's JSON scanner:
 * "exceeded max depth"; go-yaml: "exceeded max depth of 10000"), but Go stacks grow and Node's
 * do not: the yaml composer overflows near 800 levels — at times fatally, inside V8's regexp
 * compiler — and the registry's recursive steps (structuredClone, managed fields, validation)
 * near 2000. No object of a kind defined by a schema a few levels deep comes close.
 */
export const MAX_NESTING_DEPTH = 500;

/**
 * YAML up to this size is decoded on the event loop (the yaml library takes about 2.5 µs a byte
 * on a busy 2-core machine: 8 KiB stays near 20 ms, well inside a 50 ms budget); larger documents
 * go to the worker thread. kubectl sends JSON, which never needs the thread.
 */
const YAML_INLINE_BYTES = 8 * 1024;

/** The worker thread's heap: a 3 MB shallow document needs about 300 MiB. */
const YAML_THREAD_HEAP_MB = 512;

export type BodyFormat = 'json' | 'yaml';

export interface Decoded<T> {
  value: T;
  /** Keys given twice (the last one won); absent when there are none. */
  duplicates?: DuplicateFields;
}

export interface BodyDecoder {
  /** An object body (create, update): empty, not an object or a bad `metadata` is a 400. */
  object(raw: Buffer | undefined, format: BodyFormat): Promise<Decoded<KubeObject>>;
  /**
   * Any value (patches, apply configurations, DeleteOptions); empty → value undefined.
   * `jsonPatch`: only the operations' own keys count as duplicates, as Kubernetes checks them.
   */
  optional(
    raw: Buffer | undefined,
    format: BodyFormat,
    opts?: { jsonPatch?: boolean },
  ): Promise<Decoded<unknown>>;
  close(): Promise<void>;
}

export interface BodyDecoderOptions {
  yamlInlineBytes?: number;
  yamlThreadHeapMb?: number;
}

function yamlDuplicates(found: YamlDuplicate[]): DuplicateFields | undefined {
  if (found.length === 0) return undefined;
  return {
    yaml: true,
    messages: found.map((d) => `line ${d.line}: key ${JSON.stringify(d.key)} already set in map`),
  };
}

function decodeJson(text: string, jsonPatch: boolean): Decoded<unknown> {
  const shape = scanJsonShape(text, MAX_NESTING_DEPTH);
  if (shape.tooDeepAt !== undefined)
    throw new SyntaxError(`invalid character '${shape.tooDeepAt}' exceeded max depth`);
  const value: unknown = JSON.parse(text);
  // Fewer members parsed than written: some key came twice. Only then is the text scanned for which.
  if (countMembers(value) === shape.members) return { value };
  const fields = duplicateJsonFields(text, jsonPatch ? 2 : undefined);
  if (fields.length === 0) return { value };
  const prefix = jsonPatch ? 'json patch ' : '';
  return {
    value,
    duplicates: { yaml: false, messages: fields.map((f) => `${prefix}duplicate field ${JSON.stringify(f)}`) },
  };
}

/** JSON is YAML: kubectl sends JSON even as application/apply-patch+yaml, and JSON.parse is far faster. */
function decodeJsonAsYaml(text: string): Decoded<unknown> | undefined {
  if (!/^\s*\{/.test(text)) return undefined;
  try {
    const decoded = decodeJson(text, false);
    // Duplicates are named by line, as go-yaml does: the YAML decoder finds those.
    return decoded.duplicates ? undefined : decoded;
  } catch {
    return undefined;
  }
}

export function createBodyDecoder(options: BodyDecoderOptions = {}): BodyDecoder {
  const inlineBytes = options.yamlInlineBytes ?? YAML_INLINE_BYTES;
  const thread = new YamlThread({
    maxDepth: MAX_NESTING_DEPTH,
    maxHeapMb: options.yamlThreadHeapMb ?? YAML_THREAD_HEAP_MB,
  });

  const decodeYaml = async (text: string): Promise<Decoded<unknown>> => {
    const asJson = decodeJsonAsYaml(text);
    if (asJson) return asJson;
    // An alias needs an anchor: a small text with both may still expand a lot (a billion laughs
    // takes tens of ms before maxAliasCount stops it), so it goes to the thread too.
    if (text.length <= inlineBytes && !(text.includes('&') && text.includes('*'))) {
      const { value, duplicates } = decodeYamlText(text, MAX_NESTING_DEPTH);
      return { value, duplicates: yamlDuplicates(duplicates) };
    }
    const { json, duplicates } = await thread.decode(text);
    return { value: JSON.parse(json) as unknown, duplicates: yamlDuplicates(duplicates) };
  };

  const decode = async (text: string, format: BodyFormat, jsonPatch: boolean): Promise<Decoded<unknown>> => {
    try {
      return format === 'json' ? decodeJson(text, jsonPatch) : await decodeYaml(text);
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof YamlDecodeError) {
        throw new BodyParseError((err as Error).message.split('\n')[0]);
      }
      throw err;
    }
  };

  return {
    async object(raw, format) {
      const text = raw?.toString('utf8') ?? '';
      if (text.trim() === '')
        throw StatusError.badRequest('the request body is empty; an object is required');
      let decoded: Decoded<unknown>;
      try {
        decoded = await decode(text, format, false);
      } catch (err) {
        if (err instanceof BodyParseError)
          throw StatusError.badRequest(`couldn't get version/kind; ${format} parse error: ${err.message}`);
        throw err;
      }
      const { value } = decoded;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw StatusError.badRequest(`couldn't get version/kind; the body is not an object`);
      }
      const metadata = (value as KubeObject).metadata;
      if (
        metadata !== undefined &&
        (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))
      ) {
        throw StatusError.badRequest('metadata must be an object');
      }
      return decoded as Decoded<KubeObject>;
    },

    async optional(raw, format, opts = {}) {
      const text = raw?.toString('utf8') ?? '';
      if (text.trim() === '') return { value: undefined };
      try {
        return await decode(text, format, opts.jsonPatch === true);
      } catch (err) {
        if (err instanceof BodyParseError)
          throw StatusError.badRequest(`${format} parse error: ${err.message}`);
        throw err;
      }
    },

    close: () => thread.close(),
  };
}

class BodyParseError extends Error {}

/**
 * Duplicate keys in a server-side apply configuration, under fieldValidation: Strict refuses them
 * with the apply handler's own wording, Warn returns them as warnings, Ignore drops them.
 */
export function applyDuplicateWarnings(
  duplicates: DuplicateFields | undefined,
  validation: FieldValidation,
): string[] {
  if (!duplicates || validation === 'Ignore') return [];
  if (validation === 'Strict') {
    throw StatusError.badRequest(
      `error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  ${duplicates.messages.join('\n  ')}`,
    );
  }
  return duplicates.messages;
}
