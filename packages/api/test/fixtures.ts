import { fooKind } from '../src';
import type { Foo } from '../src';

/** Foo v1beta1 as the API server serves it: the version most tests below exercise. */
export const v1beta1 = fooKind.version('v1beta1')!;
/** Foo v1, the storage version. */
export const v1 = fooKind.version('v1')!;

/** A valid, defaulted Foo as the apiserver would store it; tests change one thing at a time. */
export function validFoo(
  overrides: { metadata?: Record<string, unknown>; spec?: Record<string, unknown> } = {},
): Foo {
  return {
    apiVersion: 'bar.pwk.educative.io/v1beta1',
    kind: 'Foo',
    metadata: { name: 'demo-foo', namespace: 'default', ...overrides.metadata },
    spec: { replicas: 51, ...overrides.spec },
  } as Foo;
}
