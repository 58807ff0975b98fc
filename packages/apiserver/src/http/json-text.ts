/**
 * Scans of JSON text that JSON.parse cannot do: the nesting depth (checked before parsing, so a
 * deep body never reaches a recursive step) and duplicate object keys (JSON.parse keeps the last
 * silently; Kubernetes' strict decoder names each one). Hand-written: no maintained library
 * reports duplicate keys by field path, and both scans are one loop without recursion.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

export interface JsonShape {
  /** The first character past `maxDepth` (Go's scanner: "invalid character '[' exceeded max depth"). */
  tooDeepAt?: string;
  /** How many `key: value` members the text has: more than the parsed value has means duplicates. */
  members: number;
}

/**
 * Where the string opened at `open` ends (the text's length if it does not). indexOf jumps over
 * the string natively — most of a body's characters are inside strings — and a quote counts only
 * after an even number of backslashes.
 */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (end !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return text.length;
}

/** Depth and member count of a JSON text, in one pass; stops at the first level past `maxDepth`. */
export function scanJsonShape(text: string, maxDepth: number): JsonShape {
  let depth = 0;
  let members = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = closingQuote(text, i);
    else if (c === COLON) members++;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > maxDepth) return { tooDeepAt: text[i], members };
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
  }
  return { members };
}

/** How many members the objects of a parsed JSON value hold, all levels; iterative. */
export function countMembers(value: unknown): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) if (item !== null && typeof item === 'object') stack.push(item);
      continue;
    }
    for (const key in node) {
      count++;
      const item = (node as Record<string, unknown>)[key];
      if (item !== null && typeof item === 'object') stack.push(item);
    }
  }
  return count;
}

type Frame = { keys: Set<string> | undefined; key: string; expectsKey: boolean } | { index: number };

/** A frame's place in a field path: `.name` in an object, `[i]` in an array (as sigs.k8s.io/json says). */
function fieldPath(stack: Frame[], key: string): string {
  let path = '';
  for (const frame of stack.slice(0, -1)) {
    path += 'index' in frame ? `[${frame.index}]` : path === '' ? frame.key : `.${frame.key}`;
  }
  return path === '' ? key : `${path}.${key}`;
}

/**
 * The field paths of duplicate keys in valid JSON text, in document order, each once:
 * `spec.replicas`, `spec.ports[0].name`. `atDepth` keeps only the keys of objects at that depth
 * (1: the top-level object).
 */
export function duplicateJsonFields(text: string, atDepth?: number): string[] {
  const found = new Set<string>();
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === QUOTE) {
      const start = i;
      i = closingQuote(text, i);
      if (top === undefined || 'index' in top || !top.expectsKey) continue;
      const raw = text.slice(start + 1, i);
      const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
      top.keys ??= new Set();
      if (top.keys.has(key) && (atDepth === undefined || atDepth === stack.length))
        found.add(fieldPath(stack, key));
      top.keys.add(key);
      top.key = key;
      top.expectsKey = false;
    } else if (c === OPEN_OBJECT) stack.push({ keys: undefined, key: '', expectsKey: true });
    else if (c === OPEN_ARRAY) stack.push({ index: 0 });
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) stack.pop();
    else if (c === COMMA && top !== undefined) {
      if ('index' in top) top.index++;
      else top.expectsKey = true;
    }
  }
  return [...found];
}
