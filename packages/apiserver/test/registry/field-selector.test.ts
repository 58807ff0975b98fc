/** Field selectors: metadata.name / metadata.namespace only, k8s escaping, and 400 messages. */
import { StatusError } from '../../src/errors/status-error';
import { parseFieldSelector } from '../../src/registry/field-selector';

function rejection(text: string) {
  try {
    parseFieldSelector(text);
  } catch (err) {
    expect(err).toBeInstanceOf(StatusError);
    return (err as StatusError).toStatus();
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

const foo = (name?: string, namespace?: string) => ({ metadata: { name, namespace } });

describe('parseFieldSelector', () => {
  it.each([undefined, '', ',', ',,'])('selects everything for %j', (text) => {
    const s = parseFieldSelector(text);
    expect(s.empty).toBe(true);
    expect(s.exactName).toBeUndefined();
    expect(s.matches(foo('x', 'y'))).toBe(true);
    expect(s.matches(foo())).toBe(true);
  });

  describe('operators', () => {
    it.each([
      ['metadata.name=x', foo('x', 'ns'), true],
      ['metadata.name=x', foo('y', 'ns'), false],
      ['metadata.name==x', foo('x', 'ns'), true],
      ['metadata.name==x', foo('y', 'ns'), false],
      ['metadata.name!=x', foo('y', 'ns'), true],
      ['metadata.name!=x', foo('x', 'ns'), false],
      ['metadata.namespace=ns', foo('x', 'ns'), true],
      ['metadata.namespace=ns', foo('x', 'other'), false],
      ['metadata.namespace!=ns', foo('x', 'other'), true],
      ['metadata.namespace!=ns', foo('x', 'ns'), false],
      // A missing field reads as "", as in k8s's fields.Set.
      ['metadata.namespace=', foo('x'), true],
      ['metadata.namespace!=ns', foo('x'), true],
      ['metadata.name=x', foo(undefined, 'ns'), false],
    ])('%s on %j → %s', (text, obj, expected) => {
      expect(parseFieldSelector(text).matches(obj)).toBe(expected);
    });

    it('ANDs comma-separated terms', () => {
      const s = parseFieldSelector('metadata.namespace=ns,metadata.name!=skip');
      expect(s.empty).toBe(false);
      expect(s.matches(foo('keep', 'ns'))).toBe(true);
      expect(s.matches(foo('skip', 'ns'))).toBe(false);
      expect(s.matches(foo('keep', 'other'))).toBe(false);
    });

    it('splits on the first operator, so the value may hold a later escaped =', () => {
      expect(parseFieldSelector('metadata.name=a\\=b').matches(foo('a=b'))).toBe(true);
    });
  });

  describe('escaping', () => {
    it.each([
      ['metadata.name=a\\,b', 'a,b'],
      ['metadata.name=a\\=b', 'a=b'],
      ['metadata.name=a\\\\b', 'a\\b'],
    ])('unescapes %s to %j', (text, name) => {
      const s = parseFieldSelector(text);
      expect(s.matches(foo(name))).toBe(true);
      expect(s.exactName).toBe(name);
      expect(s.toString()).toBe(text);
    });

    it.each([
      ['metadata.name=a\\b', 'invalid field selector: invalid escape sequence: \\b'],
      ['metadata.name=a\\', 'invalid field selector: invalid escape sequence: \\'],
      // k8s prints the rune with %v: its code point.
      ['metadata.name=a=b', 'invalid field selector: unescaped character in value: 61'],
    ])('rejects %s: %s', (text, message) => {
      expect(rejection(text)).toMatchObject({ code: 400, reason: 'BadRequest', message });
    });
  });

  describe('exactName', () => {
    it.each([
      ['metadata.name=x', 'x'],
      ['metadata.name==x', 'x'],
      ['metadata.namespace=ns,metadata.name=x', 'x'],
      ['metadata.name!=x', undefined],
      ['metadata.namespace=ns', undefined],
    ])('is %j for %s', (text, expected) => {
      expect(parseFieldSelector(text).exactName).toBe(expected);
    });
  });

  it('prints its terms sorted, as k8s does', () => {
    expect(parseFieldSelector('metadata.namespace==ns,metadata.name!=x').toString()).toBe(
      'metadata.name!=x,metadata.namespace=ns',
    );
  });

  describe('errors are 400 BadRequest', () => {
    it('rejects a field CRDs do not support with the CRD message', () => {
      expect(rejection('spec.x=1')).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        code: 400,
        reason: 'BadRequest',
        message: 'field label not supported: spec.x',
      });
    });

    it('does not trim the field: a space makes it a different, unsupported label', () => {
      expect(rejection('metadata.name =x').message).toBe('field label not supported: metadata.name ');
    });

    it('reports the first unsupported field in sorted order', () => {
      expect(rejection('status.b=1,spec.a=1,metadata.name=x').message).toBe(
        'field label not supported: spec.a',
      );
    });

    it('reports a syntax error before any unsupported field', () => {
      expect(rejection('spec.a=1,zzz').message).toBe(
        "invalid selector: 'spec.a=1,zzz'; can't understand 'zzz'",
      );
    });

    it('rejects a term without an operator, quoting the whole selector', () => {
      expect(rejection('metadata.name').message).toBe(
        "invalid selector: 'metadata.name'; can't understand 'metadata.name'",
      );
    });
  });
});

describe('parseFieldSelector for a kind version (selectableFields, scope)', () => {
  const widgets = {
    namespaced: false,
    selectableFields: [
      { jsonPath: '.spec.colour' },
      { jsonPath: '.spec.size' },
      { jsonPath: '.status.ready' },
    ],
  };
  const widget = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => ({
    metadata: { name: 'w' },
    spec,
    status,
  });

  it('selects on a selectable field by its path without the leading dot', () => {
    const s = parseFieldSelector('spec.colour=red', widgets);
    expect(s.matches(widget({ colour: 'red' }))).toBe(true);
    expect(s.matches(widget({ colour: 'blue' }))).toBe(false);
  });

  it('compares numbers and booleans as Go prints them', () => {
    expect(parseFieldSelector('spec.size=3', widgets).matches(widget({ size: 3 }))).toBe(true);
    expect(parseFieldSelector('status.ready=true', widgets).matches(widget({}, { ready: true }))).toBe(true);
    expect(parseFieldSelector('status.ready!=true', widgets).matches(widget({}, { ready: false }))).toBe(
      true,
    );
  });

  it('reads a missing field as empty: `!=` selects it, `=` with a value does not', () => {
    expect(parseFieldSelector('spec.colour!=red', widgets).matches(widget({}))).toBe(true);
    expect(parseFieldSelector('spec.colour=red', widgets).matches(widget({}))).toBe(false);
    expect(parseFieldSelector('spec.colour=', widgets).matches(widget({}))).toBe(true);
  });

  it('ANDs selectable fields with metadata.name', () => {
    const s = parseFieldSelector('metadata.name=w,spec.colour=red', widgets);
    expect(s.exactName).toBe('w');
    expect(s.matches(widget({ colour: 'red' }))).toBe(true);
    expect(s.matches({ ...widget({ colour: 'red' }), metadata: { name: 'v' } })).toBe(false);
  });

  it('refuses metadata.namespace on a cluster-scoped kind, as crConverter does', () => {
    let caught: unknown;
    try {
      parseFieldSelector('metadata.namespace=default', widgets);
    } catch (err) {
      caught = err;
    }
    expect((caught as StatusError).toStatus()).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'field label not supported: metadata.namespace',
    });
  });

  it('refuses a field the version does not declare selectable', () => {
    expect(() => parseFieldSelector('spec.shape=round', widgets)).toThrow(
      'field label not supported: spec.shape',
    );
    expect(() => parseFieldSelector('spec.colour=red')).toThrow('field label not supported: spec.colour');
  });
});
