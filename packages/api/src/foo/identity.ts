/**
 * Foo's identity as module constants, the form used before defineKind: thin wrappers over
 * fooKind, kept while the controller, deploy-tests and two apiserver tests import them.
 */
import { fooKind } from './foo-kind';
import type { Foo } from './v1beta1';
import { openAPIName } from '../kinds/openapi-names';
import { META_OPENAPI_NAMES } from '../metav1';

const storage = fooKind.storageVersion;

export const GROUP = fooKind.group;
export const VERSION = storage.name;
// Typed as the schema's literals, which defineKind has checked these equal.
export const API_VERSION = storage.apiVersion as Foo['apiVersion'];
export const KIND = fooKind.kind as Foo['kind'];
export const RESOURCE = fooKind.plural;

/** OpenAPI component names, in the reverse-DNS form Kubernetes uses. */
export const OPENAPI_NAMES = {
  foo: storage.openAPINames.kind,
  fooList: storage.openAPINames.list,
  fooSpec: openAPIName(GROUP, VERSION, 'FooSpec'),
  fooStatus: openAPIName(GROUP, VERSION, 'FooStatus'),
  ...META_OPENAPI_NAMES,
} as const;
