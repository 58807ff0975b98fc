import { v1beta1 } from './fixtures';

const defaultFoo = v1beta1.applyDefaults;
const validateFoo = v1beta1.validate;

describe('Foo v1beta1 defaulting', () => {
  it('defaults spec.replicas to 1 when absent', () => {
    const foo = defaultFoo({ metadata: { name: 'a' }, spec: { location: 'Paris' } });
    expect(foo.spec).toEqual({ replicas: 1, location: 'Paris' });
  });

  it('creates spec with replicas 1 when spec itself is absent', () => {
    expect(defaultFoo({ metadata: { name: 'a' } })).toEqual({
      metadata: { name: 'a' },
      spec: { replicas: 1 },
    });
  });

  it('keeps an explicit replicas value, including 0', () => {
    expect(defaultFoo({ spec: { replicas: 0 } }).spec).toEqual({ replicas: 0 });
    expect(defaultFoo({ spec: { replicas: 7 } }).spec).toEqual({ replicas: 7 });
  });

  it('gives spec.location no default', () => {
    expect(defaultFoo({ spec: {} }).spec).not.toHaveProperty('location');
  });

  it('drops null-valued fields as a CRD prunes them, so creationTimestamp: null from kubectl is accepted', () => {
    const foo = defaultFoo({
      apiVersion: 'bar.pwk.educative.io/v1beta1',
      kind: 'Foo',
      metadata: { name: 'a', namespace: 'default', creationTimestamp: null, labels: null },
      spec: { replicas: null, location: null },
    });
    expect(foo.metadata).toEqual({ name: 'a', namespace: 'default' });
    expect(foo.spec).toEqual({ replicas: 1 });
    expect(validateFoo(foo).errors).toEqual([]);
  });

  it('does not change its input', () => {
    const input = { spec: { location: 'x' } };
    defaultFoo(input);
    expect(input).toEqual({ spec: { location: 'x' } });
  });

  it('leaves non-objects and a non-object spec for validation to reject', () => {
    expect(defaultFoo('nope')).toBe('nope');
    expect(defaultFoo({ spec: 'x' })).toEqual({ spec: 'x' });
  });
});
