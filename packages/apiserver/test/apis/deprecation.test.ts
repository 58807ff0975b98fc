/** The Warning of a deprecated version (apis/deprecation.ts), as apiextensions-apiserver words it. */
import { deprecationWarningOf } from '../../src/apis/deprecation';

const version = (
  name: string,
  more: { served?: boolean; deprecated?: boolean; deprecationWarning?: string } = {},
) => ({
  name,
  served: more.served ?? true,
  deprecated: more.deprecated ?? false,
  deprecationWarning: more.deprecationWarning,
});
const kind = (versions: ReturnType<typeof version>[]) => ({ group: 'example.com', kind: 'Widget', versions });

describe('deprecationWarningOf', () => {
  it('gives no warning for a version that is not deprecated, or is not there', () => {
    expect(deprecationWarningOf(kind([version('v1')]), 'v1')).toBeUndefined();
    expect(deprecationWarningOf(kind([version('v1')]), 'v2')).toBeUndefined();
  });

  it('names the served, non-deprecated version of highest priority above it', () => {
    const widget = kind([
      version('v1beta1', { deprecated: true }),
      version('v1'),
      version('v2', { served: false }),
      version('v1beta2'),
      version('v1alpha1'),
    ]);
    expect(deprecationWarningOf(widget, 'v1beta1')).toBe(
      'example.com/v1beta1 Widget is deprecated; use example.com/v1 Widget',
    );
  });

  it('says only that it is deprecated when no better version is served', () => {
    const widget = kind([version('v1', { deprecated: true }), version('v1alpha1')]);
    expect(deprecationWarningOf(widget, 'v1')).toBe('example.com/v1 Widget is deprecated');
  });

  it('takes the version’s own deprecationWarning as it is', () => {
    const widget = kind([
      version('v1beta1', { deprecated: true, deprecationWarning: 'use gizmos' }),
      version('v1'),
    ]);
    expect(deprecationWarningOf(widget, 'v1beta1')).toBe('use gizmos');
  });
});
