/**
 * Foo's identity at its storage version as module constants: thin wrappers over fooKind, for
 * code and tests that name Foo's group and resource.
 */
import { fooKind } from './foo-kind';
import type { FooV1 } from './v1';
import { openAPIName } from '../kinds/openapi-names';
import { META_OPENAPI_NAMES } from '../metav1';

const storage = fooKind.storageVersion;

export const GROUP = fooKind.group;
export const VERSION = storage.name;
// Typed as the schema's literals, which defineKind has checked these equal.
export const API_VERSION = storage.apiVersion as FooV1['apiVersion'];
export const KIND = fooKind.kind as FooV1['kind'];
export const RESOURCE = fooKind.plural;

/** OpenAPI component names, in the reverse-DNS form Kubernetes uses. */
export const OPENAPI_NAMES = {
  foo: storage.openAPINames.kind,
  fooList: storage.openAPINames.list,
  fooSpec: openAPIName(GROUP, VERSION, 'FooSpec'),
  fooStatus: openAPIName(GROUP, VERSION, 'FooStatus'),
  ...META_OPENAPI_NAMES,
} as const;
