/** Discovery's version order (apis/version-priority.ts), as apimachinery's CompareKubeAwareVersionStrings. */
import { compareVersionPriority } from '../../src/apis/version-priority';

describe('compareVersionPriority', () => {
  it('puts GA before beta before alpha, higher majors and minors first, other strings last', () => {
    const versions = [
      'v1alpha1',
      'foo1',
      'v2beta1',
      'v1',
      'v11alpha2',
      'v10',
      'v1beta2',
      'v12alpha1',
      'v2',
      'foo10',
      'v1beta1',
    ];
    expect([...versions].sort(compareVersionPriority)).toEqual([
      'v10',
      'v2',
      'v1',
      'v2beta1',
      'v1beta2',
      'v1beta1',
      'v12alpha1',
      'v11alpha2',
      'v1alpha1',
      'foo1',
      'foo10',
    ]);
  });

  it('treats a version with a leading zero or a trailing word as not kube-like', () => {
    expect(compareVersionPriority('v1', 'v01')).toBeLessThan(0);
    expect(compareVersionPriority('v1beta1', 'v1beta1x')).toBeLessThan(0);
    expect(compareVersionPriority('v1', 'v1')).toBe(0);
  });
});
