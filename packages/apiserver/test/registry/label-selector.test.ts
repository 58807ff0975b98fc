/** Label selectors: k8s's grammar, matching (including absent labels) and 400 messages. */
import { StatusError } from '../../src/errors/status-error';
import { parseLabelSelector } from '../../src/registry/label-selector';

/** The Status a bad selector becomes, so tests assert the wire result. */
function rejection(text: string) {
  try {
    parseLabelSelector(text);
  } catch (err) {
    expect(err).toBeInstanceOf(StatusError);
    return (err as StatusError).toStatus();
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

const matches = (selector: string, labels?: Record<string, string>) =>
  parseLabelSelector(selector).matches(labels);

describe('parseLabelSelector', () => {
  describe('the empty selector', () => {
    it.each([undefined, '', '   ', ' \t\r\n'])('selects everything for %j', (text) => {
      const s = parseLabelSelector(text);
      expect(s.empty).toBe(true);
      expect(s.matches(undefined)).toBe(true);
      expect(s.matches({ a: 'b' })).toBe(true);
      expect(s.toString()).toBe('');
    });

    it('is not empty once it has a requirement', () => {
      expect(parseLabelSelector('a').empty).toBe(false);
    });
  });

  describe('operators', () => {
    it.each([
      ['a=b', { a: 'b' }, true],
      ['a=b', { a: 'c' }, false],
      ['a=b', {}, false],
      ['a==b', { a: 'b' }, true],
      ['a==b', { a: 'c' }, false],
      ['a==b', undefined, false],
      ['a!=b', { a: 'c' }, true],
      ['a!=b', { a: 'b' }, false],
      ['a!=b', {}, true],
      ['a!=b', undefined, true],
      ['a in (x,y)', { a: 'x' }, true],
      ['a in (x,y)', { a: 'y' }, true],
      ['a in (x,y)', { a: 'z' }, false],
      ['a in (x,y)', {}, false],
      ['a notin (x)', { a: 'y' }, true],
      ['a notin (x)', { a: 'x' }, false],
      ['a notin (x)', {}, true],
      ['a', { a: '' }, true],
      ['a', { a: 'anything' }, true],
      ['a', { b: 'x' }, false],
      ['a', undefined, false],
      ['!a', { b: 'x' }, true],
      ['!a', undefined, true],
      ['!a', { a: '' }, false],
      ['a>1', { a: '2' }, true],
      ['a>1', { a: '1' }, false],
      ['a>1', { a: '0' }, false],
      ['a>1', {}, false],
      ['a>1', { a: 'two' }, false],
      ['a<10', { a: '9' }, true],
      ['a<10', { a: '10' }, false],
      ['a<10', { a: '-5' }, true],
      ['a<10', {}, false],
      ['a>9223372036854775806', { a: '9223372036854775807' }, true],
      ['a>1', { a: '9223372036854775808' }, false],
      ['a=', { a: '' }, true],
      ['a=', { a: 'x' }, false],
      ['a in ()', { a: '' }, true],
      ['a in ()', { a: 'x' }, false],
      ['a in (,x)', { a: '' }, true],
      ['a in (x,,y)', { a: '' }, true],
      ['a in (x,)', { a: '' }, true],
    ] as const)('%s with %j → %s', (selector, labels, expected) => {
      expect(matches(selector, labels)).toBe(expected);
    });

    it('treats a label that is only on the prototype chain as absent', () => {
      expect(matches('constructor', {})).toBe(false);
      expect(matches('!toString', {})).toBe(true);
    });
  });

  describe('comma is AND', () => {
    const s = parseLabelSelector('env=prod,tier in (web,api),!legacy');
    it.each([
      [{ env: 'prod', tier: 'web' }, true],
      [{ env: 'prod', tier: 'api' }, true],
      [{ env: 'dev', tier: 'web' }, false],
      [{ env: 'prod', tier: 'db' }, false],
      [{ env: 'prod', tier: 'web', legacy: 'true' }, false],
      [{}, false],
    ])('%j → %s', (labels, expected) => {
      expect(s.matches(labels)).toBe(expected);
    });
  });

  describe('whitespace and the words in/notin', () => {
    it('tolerates spaces, tabs and newlines between tokens', () => {
      const s = parseLabelSelector(' a = b ,\tc\nin ( x , y ) , ! d ');
      expect(s.toString()).toBe('a=b,c in (x,y),!d');
      expect(s.matches({ a: 'b', c: 'y' })).toBe(true);
    });

    it('reads in and notin as values inside a set and after =', () => {
      const s = parseLabelSelector('a in (in,notin),b=notin');
      expect(s.matches({ a: 'in', b: 'notin' })).toBe(true);
      expect(s.matches({ a: 'notin', b: 'notin' })).toBe(true);
      expect(s.matches({ a: 'x', b: 'notin' })).toBe(false);
    });

    it('accepts in as a key', () => {
      expect(matches('in=x', { in: 'x' })).toBe(true);
    });

    it('accepts prefixed keys', () => {
      expect(matches('app.kubernetes.io/name=web', { 'app.kubernetes.io/name': 'web' })).toBe(true);
    });
  });

  describe('toString', () => {
    it('sorts requirements by key (not by the ! prefix) and set values, and keeps the operator spelling', () => {
      expect(parseLabelSelector('z notin (b,a),y>3,x<4,w!=1,v==2,u=3,t,!s,r in (q)').toString()).toBe(
        'r in (q),!s,t,u=3,v==2,w!=1,x<4,y>3,z notin (a,b)',
      );
    });

    it('drops duplicate set values', () => {
      expect(parseLabelSelector('a in (x,x,y)').toString()).toBe('a in (x,y)');
    });
  });

  describe('malformed selectors are 400 BadRequest', () => {
    it('answers a Status with reason BadRequest and code 400', () => {
      const status = rejection('a b');
      expect(status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
    });

    it.each([
      ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
      ['a=b c', "found 'c', expected: ',' or 'end of string'"],
      ['a=b,', "found '', expected: identifier after ','"],
      ['a=b,,c', "found ',', expected: identifier after ','"],
      [',a', "found ',', expected: !, identifier, or 'end of string'"],
      ['=a', "found '=', expected: !, identifier, or 'end of string'"],
      ['!', "unable to parse requirement: found '', expected: identifier"],
      ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
      ['!a=b', "found '=', expected: ',' or 'end of string'"],
      ['a!', "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
      ['a in x', "unable to parse requirement: found 'x' expected: '('"],
      ['a in (x', "unable to parse requirement: found '', expected: ',' or ')'"],
      ['a in (x y)', "unable to parse requirement: found 'y', expected: ',' or ')'"],
      ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
      ['a in (x,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
      ['a=(', "unable to parse requirement: found '(', expected: identifier"],
      ['a==!b', "unable to parse requirement: found '!', expected: identifier"],
    ])('rejects %j: %s', (text, message) => {
      expect(rejection(text).message).toBe(message);
    });

    it('rejects an invalid key with the qualified-name rules, under k8s\'s "<nil>" path', () => {
      expect(rejection('app:monolith').message).toBe(
        "unable to parse requirement: <nil>: Invalid value: \"app:monolith\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      );
    });

    it('rejects a key with a bad prefix', () => {
      expect(rejection('app.kubernetes_io/name=x').message).toMatch(
        /^unable to parse requirement: <nil>: Invalid value: "app\.kubernetes_io\/name": prefix part a lowercase RFC 1123 subdomain/,
      );
    });

    it('rejects a key too long for a name part', () => {
      expect(rejection(`${'k'.repeat(64)}=v`).message).toBe(
        `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`,
      );
    });

    it('rejects a value longer than 63 characters', () => {
      const long = 'v'.repeat(64);
      expect(rejection(`a=${long}`).message).toBe(
        `unable to parse requirement: values[0][a]: Invalid value: "${long}": must be no more than 63 characters`,
      );
    });

    it('rejects a value that is not a label value, naming its index among the sorted values', () => {
      expect(rejection('a in (b,-x)').message).toMatch(
        /^unable to parse requirement: values\[0\]\[a\]: Invalid value: "-x": a valid label must be an empty string/,
      );
    });

    it('reports every bad value at once, as k8s aggregates them', () => {
      expect(rejection('a in (-x,y-)').message).toMatch(
        /^unable to parse requirement: \[values\[0\]\[a\]: Invalid value: "-x": .*, values\[1\]\[a\]: Invalid value: "y-": .*\]$/,
      );
    });

    it.each(['a>x', 'a<', 'a>1.5', 'a>9223372036854775808'])('rejects the non-integer bound %j', (text) => {
      const value = text.slice(2);
      expect(rejection(text).message).toBe(
        `unable to parse requirement: values[0]: Invalid value: ${JSON.stringify(value)}: for 'Gt', 'Lt' operators, the value must be an integer`,
      );
    });

    it('rejects a negative bound, which is not a valid label value', () => {
      expect(rejection('a>-1').message).toMatch(
        /^unable to parse requirement: values\[0\]\[a\]: Invalid value: "-1": a valid label must be/,
      );
    });
  });
});
