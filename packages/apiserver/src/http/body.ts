/** Request bodies: JSON or YAML into a plain object; anything else is a 400 and nothing is written. */
import { Parser, parse as parseYaml } from 'yaml';
import { StatusError } from '../errors/status-error';
import type { KubeObject } from '../storage/interface';

/**
 * The deepest nesting a body may have. Kubernetes' decoders stop at 10000 (Go's JSON scanner:
 * "exceeded max depth"; go-yaml: "exceeded max depth of 10000"), but Go stacks grow and Node's
 * do not: the yaml parser overflows near 800 levels — at times fatally, inside V8's regexp
 * compiler — and the registry's recursive steps (structuredClone, managed fields, validation)
 * near 2000. No Foo comes close (its schema is a few levels deep).
 */
export const MAX_NESTING_DEPTH = 500;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]);
const CLOSERS = new Set([0x5d, 0x7d]);

/** Go's scanner error for a JSON text nested too deeply; undefined when it is not. One pass, no recursion. */
function jsonDepthError(text: string): string | undefined {
  // Every level takes at least one character: a shorter text cannot nest too deeply.
  if (text.length <= MAX_NESTING_DEPTH) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (OPENERS.has(c)) {
      if (++depth > MAX_NESTING_DEPTH) return `invalid character '${text[i]}' exceeded max depth`;
    } else if (CLOSERS.has(c)) depth--;
  }
  return undefined;
}

const YAML_COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/** Whether a parsed value (or a YAML CST, where only collection tokens count) nests too deeply; iterative. */
function tooDeep(root: unknown, counts: (node: object) => boolean): boolean {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const level = counts(node) ? depth + 1 : depth;
    if (level > MAX_NESTING_DEPTH) return true;
    for (const child of Object.values(node))
      if (child !== null && typeof child === 'object') stack.push([child, level]);
  }
  return false;
}

const isContainer = (): boolean => true;
const isYamlCollection = (node: object): boolean =>
  YAML_COLLECTIONS.has(String((node as { type?: unknown }).type));

function parse(
  text: string,
  format: 'json' | 'yaml',
  yamlOptions: { prettyErrors?: boolean; uniqueKeys?: boolean },
): unknown {
  const depthError = `exceeded max depth of ${MAX_NESTING_DEPTH}`;
  if (format === 'json') {
    const error = jsonDepthError(text);
    if (error !== undefined) throw new Error(error);
    return JSON.parse(text);
  }
  // The CST parser is iterative: measure there before the recursive composer runs.
  if (tooDeep([...new Parser().parse(text)], isYamlCollection)) throw new Error(depthError);
  const value: unknown = parseYaml(text, yamlOptions);
  // Aliases can stack anchored collections deeper than the text shows.
  if (tooDeep(value, isContainer)) throw new Error(depthError);
  return value;
}

export function decodeObject(raw: Buffer | undefined, format: 'json' | 'yaml'): KubeObject {
  const text = raw?.toString('utf8') ?? '';
  if (text.trim() === '') throw StatusError.badRequest('the request body is empty; an object is required');
  let value: unknown;
  try {
    value = parse(text, format, { prettyErrors: false, uniqueKeys: true });
  } catch (err) {
    const detail = (err as Error).message.split('\n')[0];
    throw StatusError.badRequest(`couldn't get version/kind; ${format} parse error: ${detail}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw StatusError.badRequest(`couldn't get version/kind; the body is not an object`);
  }
  const obj = value as KubeObject;
  if (
    obj.metadata !== undefined &&
    (obj.metadata === null || typeof obj.metadata !== 'object' || Array.isArray(obj.metadata))
  ) {
    throw StatusError.badRequest('metadata must be an object');
  }
  return obj;
}

/** Any JSON/YAML value (DeleteOptions bodies and patches); empty → undefined. */
export function decodeOptional(raw: Buffer | undefined, format: 'json' | 'yaml'): unknown {
  const text = raw?.toString('utf8') ?? '';
  if (text.trim() === '') return undefined;
  try {
    return parse(text, format, {});
  } catch (err) {
    throw StatusError.badRequest(`${format} parse error: ${(err as Error).message.split('\n')[0]}`);
  }
}
