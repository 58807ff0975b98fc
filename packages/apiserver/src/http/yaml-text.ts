/**
 * One YAML document into a plain value, bounded: the nesting depth is checked token by token
 * while the concrete syntax tree is built (a `[[[[…` body stops at the first level past the
 * limit, before any tree exists), aliases are capped by the yaml library's maxAliasCount, and
 * what aliases expand to is counted. Duplicate keys are reported (with go-yaml's wording) rather
 * than refused: the caller applies fieldValidation. Synchronous and self-contained: it runs on
 * the event loop for small bodies and in the YAML worker thread for large ones.
 */
import { Composer, LineCounter, Lexer, Parser, isScalar, visit } from 'yaml';
import type { Document } from 'yaml';

/** Aliases a document may resolve (the yaml library's default, spelled out: billion laughs stop here). */
const MAX_ALIAS_COUNT = 100;

export interface YamlDuplicate {
  line: number;
  key: string;
}

export interface DecodedYaml {
  value: unknown;
  /** Keys set twice in one mapping, in document order; the value is the last one, as go-yaml has it. */
  duplicates: YamlDuplicate[];
}

/** A refusal a client can act on; the message goes into the 400 as is. */
export class YamlDecodeError extends Error {}

/** The concrete syntax tree's tokens, refusing a level deeper than `maxDepth` as soon as it opens. */
function* boundedTokens(text: string, maxDepth: number, lineCounter: LineCounter) {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0); // as Parser.parse() does: the first line starts at 0
  // The parser's stack holds the document and every open collection (and at most one scalar).
  const maxStack = maxDepth + 2;
  for (const lexeme of new Lexer().lex(text)) {
    yield* parser.next(lexeme);
    if (parser.stack.length > maxStack) throw new YamlDecodeError(`exceeded max depth of ${maxDepth}`);
  }
  yield* parser.end();
}

/** Duplicate scalar keys of every mapping, with 1-based lines; linear (one Set per mapping). */
function duplicatesOf(doc: Document.Parsed, lineCounter: LineCounter): YamlDuplicate[] {
  const duplicates: YamlDuplicate[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (seen.has(key)) {
          const offset = pair.key.range?.[0] ?? 0;
          duplicates.push({ line: lineCounter.linePos(offset).line, key });
        }
        seen.add(key);
      }
    },
  });
  // The visitor sees a mapping before the mappings inside it; go-yaml reports in line order.
  return duplicates.sort((a, b) => a.line - b.line);
}

/**
 * Whether a value nests deeper than `maxDepth` or holds more than `maxNodes` nodes once aliases
 * are expanded (they share one JavaScript object, which the registry's copies would multiply).
 */
function checkExpanded(value: unknown, limits: { maxDepth: number; maxNodes: number }): void {
  const stack: Array<[unknown, number]> = [[value, 0]];
  let nodes = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (++nodes > limits.maxNodes) throw new YamlDecodeError('document contains excessive aliasing');
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > limits.maxDepth) throw new YamlDecodeError(`exceeded max depth of ${limits.maxDepth}`);
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
}

export function decodeYamlText(text: string, maxDepth: number): DecodedYaml {
  const lineCounter = new LineCounter();
  // uniqueKeys off: the library's check compares each key with every earlier one (quadratic in
  // a mapping's size); duplicatesOf finds them in linear time instead.
  const composer = new Composer({ uniqueKeys: false, prettyErrors: false });
  const docs = [...composer.compose(boundedTokens(text, maxDepth, lineCounter), true, text.length)];
  if (docs.length > 1) {
    throw new YamlDecodeError('Source contains multiple documents; please use YAML.parseAllDocuments()');
  }
  // forceDoc: an empty text is one empty document too.
  const doc = docs[0]!;
  const [error] = doc.errors;
  if (error) throw new YamlDecodeError(error.message.split('\n')[0]);
  const duplicates = duplicatesOf(doc, lineCounter);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw new YamlDecodeError((err as Error).message);
  }
  // Without aliases a node takes at least a byte of text; many more means aliases multiplied
  // them (go-yaml's "excessive aliasing" check is a ratio; this bound is simpler and as safe).
  checkExpanded(value, { maxDepth, maxNodes: Math.max(2 * text.length, 100_000) });
  return { value, duplicates };
}
