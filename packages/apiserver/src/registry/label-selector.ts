/**
 * Label selectors (`?labelSelector=`), parsed and matched as k8s.io/apimachinery/pkg/labels
 * (selector.go) does: the same lexer, grammar, validation and error messages, so a client sees
 * the 400 BadRequest text a CRD would give it.
 */
import { isQualifiedName, isValidLabelValue } from '@pwk/api';
import { StatusError } from '../errors/status-error';

export interface LabelSelector {
  matches(labels: Record<string, string> | undefined): boolean;
  /** True when the selector does not restrict anything (empty string). */
  readonly empty: boolean;
  /** Canonical form: requirements sorted by key, as k8s prints them. */
  toString(): string;
}

type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';

interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

type TokenKind =
  | 'endOfString'
  | 'closedPar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'greaterThan'
  | 'identifier'
  | 'in'
  | 'lessThan'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

interface Token {
  kind: TokenKind;
  literal: string;
}

/** A Map, not an object literal: an identifier such as `constructor` must not hit a prototype. */
const LITERAL_TOKENS = new Map<string, TokenKind>([
  [')', 'closedPar'],
  [',', 'comma'],
  ['!', 'doesNotExist'],
  ['==', 'doubleEquals'],
  ['=', 'equals'],
  ['>', 'greaterThan'],
  ['in', 'in'],
  ['<', 'lessThan'],
  ['!=', 'notEquals'],
  ['notin', 'notIn'],
  ['(', 'openPar'],
]);

/** The order k8s lists them in "expected: ..." messages. */
const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

/** Go's lexer reads bytes and treats 0 as end of input; '\0' plays that role here. */
const END = '\0';
const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecialSymbol = (ch: string): boolean => ch.length === 1 && '=!(),><'.includes(ch);

/** A syntax problem; parseLabelSelector turns it into the 400. */
class SelectorSyntaxError extends Error {}

function tokenize(s: string): Token[] {
  let pos = 0;
  const read = (): string => (pos < s.length ? s.charAt(pos++) : END);
  const unread = (): void => {
    pos--;
  };
  const identifierOrKeyword = (): Token => {
    let buffer = '';
    for (let ch = read(); ch !== END; ch = read()) {
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        unread();
        break;
      }
      buffer += ch;
    }
    return { kind: LITERAL_TOKENS.get(buffer) ?? 'identifier', literal: buffer };
  };
  // Longest run of special characters that is still an operator: `!=` rather than `!` then `=`.
  const specialSymbol = (): Token => {
    let buffer = '';
    let last: Token | undefined;
    for (let ch = read(); ch !== END; ch = read()) {
      if (!isSpecialSymbol(ch)) {
        unread();
        break;
      }
      buffer += ch;
      const kind = LITERAL_TOKENS.get(buffer);
      if (kind) {
        last = { kind, literal: buffer };
      } else if (last) {
        unread();
        break;
      }
    }
    // Every single special character is a token, so `last` is always set here.
    return last ?? { kind: 'endOfString', literal: '' };
  };

  const tokens: Token[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === END) {
      tokens.push({ kind: 'endOfString', literal: '' });
      return tokens;
    }
    unread();
    tokens.push(isSpecialSymbol(ch) ? specialSymbol() : identifierOrKeyword());
  }
}

/** Where `in`/`notin` are read: as operators after a key, as plain words among values. */
type Context = 'keyAndOperator' | 'values';

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  lookahead(context: Context): Token {
    return this.asIn(context, this.tokens[this.position]);
  }

  consume(context: Context): Token {
    return this.asIn(context, this.tokens[this.position++]);
  }

  private asIn(context: Context, token: Token | undefined): Token {
    const t = token ?? { kind: 'endOfString', literal: '' };
    if (context === 'values' && (t.kind === 'in' || t.kind === 'notIn')) {
      return { kind: 'identifier', literal: t.literal };
    }
    return t;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const next = this.lookahead('values');
      if (next.kind === 'endOfString') return requirements;
      if (next.kind !== 'identifier' && next.kind !== 'doesNotExist') {
        throw new SelectorSyntaxError(`found '${next.literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        requirements.push(this.parseRequirement());
      } catch (err) {
        if (err instanceof SelectorSyntaxError) {
          throw new SelectorSyntaxError(`unable to parse requirement: ${err.message}`);
        }
        throw err;
      }
      const after = this.consume('values');
      if (after.kind === 'endOfString') return requirements;
      if (after.kind !== 'comma') {
        throw new SelectorSyntaxError(`found '${after.literal}', expected: ',' or 'end of string'`);
      }
      const following = this.lookahead('values');
      if (following.kind !== 'identifier' && following.kind !== 'doesNotExist') {
        throw new SelectorSyntaxError(`found '${following.literal}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const { key, operator: inferred } = this.parseKeyAndInferOperator();
    if (inferred) return newRequirement(key, inferred, []);
    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, operator, [...new Set(values)].sort());
  }

  /** A key followed by `,` or the end means "exists"; `!key` means "does not exist". */
  private parseKeyAndInferOperator(): { key: string; operator?: Operator } {
    let token = this.consume('values');
    let operator: Operator | undefined;
    if (token.kind === 'doesNotExist') {
      operator = '!';
      token = this.consume('values');
    }
    if (token.kind !== 'identifier') {
      throw new SelectorSyntaxError(`found '${token.literal}', expected: identifier`);
    }
    const problems = isQualifiedName(token.literal);
    // k8s validates the key against a nil field path, hence the odd `<nil>:` prefix.
    if (problems.length > 0) throw new SelectorSyntaxError(invalid('<nil>', token.literal, problems));
    const next = this.lookahead('values').kind;
    if (operator === undefined && (next === 'endOfString' || next === 'comma')) operator = 'exists';
    return { key: token.literal, operator };
  }

  private parseOperator(): Operator {
    const token = this.consume('keyAndOperator');
    const operators: Partial<Record<TokenKind, Operator>> = {
      in: 'in',
      equals: '=',
      doubleEquals: '==',
      greaterThan: 'gt',
      lessThan: 'lt',
      notIn: 'notin',
      notEquals: '!=',
    };
    const operator = operators[token.kind];
    if (!operator) throw new SelectorSyntaxError(`found '${token.literal}', expected: ${BINARY_OPERATORS}`);
    return operator;
  }

  /** `(x,y)`; empty entries (`()`, `(,x)`, `(x,,y)`) are the empty value, as in k8s. */
  private parseValues(): string[] {
    const open = this.consume('values');
    if (open.kind !== 'openPar') throw new SelectorSyntaxError(`found '${open.literal}' expected: '('`);
    const first = this.lookahead('values');
    if (first.kind === 'closedPar') {
      this.consume('values');
      return [''];
    }
    if (first.kind !== 'identifier' && first.kind !== 'comma') {
      throw new SelectorSyntaxError(`found '${first.literal}', expected: ',', ')' or identifier`);
    }
    const values = this.parseIdentifiersList();
    this.consume('values'); // the ')' parseIdentifiersList stopped at
    return values;
  }

  private parseIdentifiersList(): string[] {
    const values: string[] = [];
    for (;;) {
      const token = this.consume('values');
      if (token.kind === 'identifier') {
        values.push(token.literal);
        const next = this.lookahead('values');
        if (next.kind === 'closedPar') return values;
        if (next.kind !== 'comma')
          throw new SelectorSyntaxError(`found '${next.literal}', expected: ',' or ')'`);
      } else if (token.kind === 'comma') {
        if (values.length === 0) values.push('');
        const next = this.lookahead('values').kind;
        if (next === 'closedPar') {
          values.push('');
          return values;
        }
        if (next === 'comma') values.push('');
      } else {
        throw new SelectorSyntaxError(`found '${token.literal}', expected: ',', or identifier`);
      }
    }
  }

  /** `a=` (nothing before `,` or the end) selects the empty value. */
  private parseExactValue(): string[] {
    const next = this.lookahead('values').kind;
    if (next === 'endOfString' || next === 'comma') return [''];
    const token = this.consume('values');
    if (token.kind === 'identifier') return [token.literal];
    throw new SelectorSyntaxError(`found '${token.literal}', expected: identifier`);
  }
}

/** field.Invalid(path, value, detail).Error(). */
const invalid = (path: string, value: string, problems: string[]): string =>
  `${path}: Invalid value: ${JSON.stringify(value)}: ${problems.join('; ')}`;

/** Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits, within int64. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/** labels.NewRequirement's value checks; all problems are reported together, like k8s's aggregate. */
function newRequirement(key: string, operator: Operator, values: string[]): Requirement {
  const problems: string[] = [];
  if (operator === 'gt' || operator === 'lt') {
    values.forEach((v, i) => {
      if (parseInt64(v) === undefined) {
        problems.push(invalid(`values[${i}]`, v, ["for 'Gt', 'Lt' operators, the value must be an integer"]));
      }
    });
  }
  values.forEach((v, i) => {
    const valueProblems = isValidLabelValue(v);
    if (valueProblems.length > 0) problems.push(invalid(`values[${i}][${key}]`, v, valueProblems));
  });
  const unique = [...new Set(problems)];
  if (unique.length === 1) throw new SelectorSyntaxError(unique[0]);
  if (unique.length > 1) throw new SelectorSyntaxError(`[${unique.join(', ')}]`);
  return { key, operator, values };
}

function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return value !== undefined && r.values.includes(value);
    // As in k8s, "not equal" and "not in" also select objects without the label.
    case 'notin':
    case '!=':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      const actual = value === undefined ? undefined : parseInt64(value);
      const wanted = r.values.length === 1 ? parseInt64(r.values[0] ?? '') : undefined;
      if (actual === undefined || wanted === undefined) return false;
      return r.operator === 'gt' ? actual > wanted : actual < wanted;
    }
  }
}

const OPERATOR_TEXT: Record<Operator, string> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  gt: '>',
  lt: '<',
  exists: '',
  '!': '',
};

function requirementToString(r: Requirement): string {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const values = [...r.values].sort().join(',');
  const set = r.operator === 'in' || r.operator === 'notin';
  return `${r.key}${OPERATOR_TEXT[r.operator]}${set ? `(${values})` : values}`;
}

/**
 * Parse a labelSelector query value. Undefined or empty selects everything; a malformed
 * selector throws a 400 BadRequest with the k8s message (e.g. `unable to parse requirement: ...`).
 */
export function parseLabelSelector(text: string | undefined): LabelSelector {
  let requirements: Requirement[];
  try {
    requirements = new Parser(tokenize(text ?? '')).parse();
  } catch (err) {
    if (err instanceof SelectorSyntaxError) throw StatusError.badRequest(err.message);
    throw err;
  }
  // Sorted by key, as k8s does, so toString() is deterministic.
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    empty: requirements.length === 0,
    matches: (labels) => requirements.every((r) => requirementMatches(r, labels ?? {})),
    toString: () => requirements.map(requirementToString).join(','),
  };
}
