/**
 * Foo at one version, v1beta1 served and stored: what the API server installed before v1. Tests
 * of one-version kinds use it (a one-version kind's storage is used as it is, its stored versions
 * come from a count, no conversion runs); the server installs @pwk/api's fooKind.
 */
import { FOO_NAMES, defineKind, fooV1beta1 } from '@pwk/api';

export const fooV1beta1OnlyKind = defineKind({
  ...FOO_NAMES,
  versions: [{ ...fooV1beta1, served: true, storage: true }],
});
