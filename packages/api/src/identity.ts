/** The identity of the Foo kind: the only place these constants are written. */
export const GROUP = 'bar.pwk.educative.io';
export const VERSION = 'v1beta1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'Foo';
export const LIST_KIND = 'FooList';
export const RESOURCE = 'foos';
export const SINGULAR = 'foo';
export const NAMESPACED = true;
export const SHORT_NAMES: readonly string[] = [];
export const CATEGORIES: readonly string[] = [];

/** OpenAPI component names, in the reverse-DNS form Kubernetes uses. */
export const OPENAPI_NAMES = {
  foo: 'io.educative.pwk.bar.v1beta1.Foo',
  fooList: 'io.educative.pwk.bar.v1beta1.FooList',
  fooSpec: 'io.educative.pwk.bar.v1beta1.FooSpec',
  fooStatus: 'io.educative.pwk.bar.v1beta1.FooStatus',
  objectMeta: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
  listMeta: 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta',
  condition: 'io.k8s.apimachinery.pkg.apis.meta.v1.Condition',
  managedFieldsEntry: 'io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry',
  ownerReference: 'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference',
  time: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
  fieldsV1: 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
} as const;
