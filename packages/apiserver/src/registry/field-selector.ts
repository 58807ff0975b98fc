/**
 * Field selectors (`?fieldSelector=`), as a CRD serves them: k8s.io/apimachinery/pkg/fields
 * parses the terms (with its `\,` `\=` `\\` escaping), then the CRD converter accepts
 * metadata.name, metadata.namespace (namespaced kinds only) and the version's selectableFields
 * (`.spec.color` selects as `spec.color`), and rejects anything else with
 * `field label not supported: <label>` (apiextensions-apiserver crConverter.ConvertFieldLabel).
 * A selectable field's value is its JSONPath's value printed as Go's fmt.Sprint does, "" when
 * missing (customResourceStrategy.selectableFields).
 */
import type { SelectableField } from '@pwk/api';
import { StatusError } from '../errors/status-error';
import { SimpleJsonPath } from './simple-json-path';

/** An object as a field selector reads it. */
export interface SelectableObject {
  metadata: { name?: string; namespace?: string };
  [field: string]: unknown;
}

export interface FieldSelector {
  matches(obj: SelectableObject): boolean;
  /** True when the selector does not restrict anything. */
  readonly empty: boolean;
  /**
   * The name when the selector requires metadata.name=X (lets watch/list optimise); other terms
   * may still apply, so callers must still filter with matches().
   */
  readonly exactName?: string;
  /** Canonical form: terms sorted, values re-escaped, as k8s prints them. */
  toString(): string;
}

/** What a kind version lets clients select on. */
export interface SelectableFields {
  namespaced: boolean;
  selectableFields: readonly SelectableField[];
}

/** A field's value as selection compares it. */
type FieldValue = (obj: SelectableObject) => string;

interface Term {
  field: string;
  /** `=` and `==` mean the same; `!=` also selects objects where the field is empty. */
  equal: boolean;
  value: string;
  read: FieldValue;
}

/** Go's fmt.Sprint of a JSON value (maps and lists as JSON: they are never selectable in a valid CRD). */
function sprint(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

const fieldReaders = new WeakMap<SelectableFields, ReadonlyMap<string, FieldValue>>();

/** The labels a kind version accepts and how each is read (made once per version). */
function readersFor(kind: SelectableFields): ReadonlyMap<string, FieldValue> {
  let readers = fieldReaders.get(kind);
  if (!readers) {
    const map = new Map<string, FieldValue>([['metadata.name', (obj) => obj.metadata.name ?? '']]);
    if (kind.namespaced) map.set('metadata.namespace', (obj) => obj.metadata.namespace ?? '');
    for (const field of kind.selectableFields) {
      const path = SimpleJsonPath.parse(field.jsonPath);
      map.set(path.label, (obj) => sprint(path.read(obj)));
    }
    readers = map;
    fieldReaders.set(kind, readers);
  }
  return readers;
}

/** A namespaced kind without selectable fields (what the parser assumes when not told). */
const METADATA_ONLY: SelectableFields = { namespaced: true, selectableFields: [] };

/** Split on commas that are not escaped; escapes stay in the terms for unescapeValue. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector.charAt(i);
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** `==` is tried before `=` so a `==` term does not leave `=` at the front of the value. */
const TERM_OPERATORS = ['!=', '==', '='] as const;

function splitTerm(
  term: string,
): { lhs: string; op: (typeof TERM_OPERATORS)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** fields.UnescapeValue, with its messages (an unescaped rune is printed as its code point, as Go's %v does). */
function unescapeValue(s: string): string {
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw StatusError.badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      throw StatusError.badRequest(
        `invalid field selector: unescaped character in value: ${c.codePointAt(0) ?? 0}`,
      );
    } else {
      out += c;
    }
  }
  if (inSlash) throw StatusError.badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

const escapeValue = (s: string): string => s.replace(/[\\,=]/g, (c) => `\\${c}`);

/**
 * Parse a fieldSelector query value for a kind version. Undefined or empty selects everything.
 * Syntax errors and fields the version does not select on throw 400 BadRequest. Like k8s, every
 * term is parsed before any field is checked, in sorted order.
 */
export function parseFieldSelector(
  text: string | undefined,
  kind: SelectableFields = METADATA_ONLY,
): FieldSelector {
  const readers = readersFor(kind);
  const selector = text ?? '';
  const parsed: Array<{ field: string; equal: boolean; value: string }> = [];
  for (const part of splitTerms(selector).sort()) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw StatusError.badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    parsed.push({ field: split.lhs, equal: split.op !== '!=', value: unescapeValue(split.rhs) });
  }
  const terms: Term[] = parsed.map((t) => {
    const read = readers.get(t.field);
    if (!read) throw StatusError.badRequest(`field label not supported: ${t.field}`);
    return { ...t, read };
  });

  const exactName = terms.find((t) => t.equal && t.field === 'metadata.name')?.value;
  return {
    empty: terms.length === 0,
    ...(exactName === undefined ? {} : { exactName }),
    matches: (obj) => terms.every((t) => (t.read(obj) === t.value) === t.equal),
    toString: () => terms.map((t) => `${t.field}${t.equal ? '=' : '!='}${escapeValue(t.value)}`).join(','),
  };
}
