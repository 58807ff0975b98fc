import { byVersionPriority, compareVersionPriority, deprecationWarningFor, fooKind } from '../src';

describe("kube's version priority", () => {
  it('orders GA, beta, alpha, then by major and minor, then versions that are not kube-like', () => {
    // The order Kubernetes' CRD versioning documentation gives as its example.
    const documented = [
      'v10',
      'v2',
      'v1',
      'v11beta2',
      'v10beta3',
      'v3beta1',
      'v12alpha1',
      'v11alpha2',
      'foo1',
      'foo10',
    ];
    const shuffled = [...documented].reverse();
    shuffled.push(shuffled.shift()!);
    expect(byVersionPriority(shuffled)).toEqual(documented);
    expect(byVersionPriority(['v1alpha1', 'v1', 'v1beta2', 'v1beta1', 'v2'])).toEqual([
      'v2',
      'v1',
      'v1beta2',
      'v1beta1',
      'v1alpha1',
    ]);
  });

  it('is 0 for equal versions and antisymmetric', () => {
    expect(compareVersionPriority('v1', 'v1')).toBe(0);
    expect(Math.sign(compareVersionPriority('v1', 'v1beta1'))).toBe(1);
    expect(Math.sign(compareVersionPriority('v1beta1', 'v1'))).toBe(-1);
    expect(Math.sign(compareVersionPriority('v1', 'v1x'))).toBe(1);
  });
});

describe('deprecationWarningFor', () => {
  it("gives kube's default text for Foo v1beta1 beside v1", () => {
    expect(deprecationWarningFor(fooKind, 'v1beta1')).toBe(
      'bar.pwk.educative.io/v1beta1 Foo is deprecated; use bar.pwk.educative.io/v1 Foo',
    );
  });

  it('gives nothing for a version that is not deprecated, or not a version', () => {
    expect(deprecationWarningFor(fooKind, 'v1')).toBeUndefined();
    expect(deprecationWarningFor(fooKind, 'v9')).toBeUndefined();
  });
});
