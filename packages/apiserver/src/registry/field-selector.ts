/**
 * Field selectors (`?fieldSelector=`) for Foo, as a CRD serves them: k8s.io/apimachinery/pkg/fields
 * parses the terms (with its `\,` `\=` `\\` escaping), then the CRD converter accepts only
 * metadata.name and metadata.namespace and rejects anything else with
 * `field label not supported: <label>` (apiextensions-apiserver crConverter.ConvertFieldLabel).
 */
import { StatusError } from '../errors/status-error';

export interface FieldSelector {
  matches(obj: { metadata: { name?: string; namespace?: string } }): boolean;
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

const SUPPORTED_FIELDS = ['metadata.name', 'metadata.namespace'] as const;
type SupportedField = (typeof SUPPORTED_FIELDS)[number];

interface Term {
  field: SupportedField;
  /** `=` and `==` mean the same; `!=` also selects objects where the field is empty. */
  equal: boolean;
  value: string;
}

const isSupported = (field: string): field is SupportedField =>
  (SUPPORTED_FIELDS as readonly string[]).includes(field);

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
 * Parse a fieldSelector query value. Undefined or empty selects everything. Syntax errors and
 * fields other than metadata.name / metadata.namespace throw 400 BadRequest. Like k8s, every
 * term is parsed before any field is checked, in sorted order.
 */
export function parseFieldSelector(text: string | undefined): FieldSelector {
  const selector = text ?? '';
  const parsed: Array<{ field: string; equal: boolean; value: string }> = [];
  for (const part of splitTerms(selector).sort()) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw StatusError.badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    parsed.push({ field: split.lhs, equal: split.op !== '!=', value: unescapeValue(split.rhs) });
  }
  const terms: Term[] = parsed.map((t) => {
    if (!isSupported(t.field)) throw StatusError.badRequest(`field label not supported: ${t.field}`);
    return { ...t, field: t.field };
  });

  const exactName = terms.find((t) => t.equal && t.field === 'metadata.name')?.value;
  return {
    empty: terms.length === 0,
    ...(exactName === undefined ? {} : { exactName }),
    matches: (obj) =>
      terms.every((t) => {
        const actual = (t.field === 'metadata.name' ? obj.metadata.name : obj.metadata.namespace) ?? '';
        return (actual === t.value) === t.equal;
      }),
    toString: () => terms.map((t) => `${t.field}${t.equal ? '=' : '!='}${escapeValue(t.value)}`).join(','),
  };
}
