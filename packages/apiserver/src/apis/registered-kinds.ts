/**
 * The kinds this server installs: the one place that names them. Adding a kind is one more
 * entry here (and its strategy hooks, if it needs any besides its definition).
 *
 * Until @pwk/api's defineKind lands, Foo's definition is assembled here from the package's
 * existing exports; then this becomes `[fooKind]`.
 */
import {
  API_VERSION,
  CATEGORIES,
  GROUP,
  KIND,
  LIST_KIND,
  NAMESPACED,
  OPENAPI_NAMES,
  RESOURCE,
  SHORT_NAMES,
  SINGULAR,
  VERSION,
  defaultFoo,
  findUnknownFields,
  fooOpenAPISchemas,
  fooSchema,
  pruneUnknownFields,
  validateFoo,
  validateFooUpdate,
} from '@pwk/api';
import type { KindDefinition, KindVersion } from '@pwk/api';

const fooV1beta1: KindVersion = {
  name: VERSION,
  apiVersion: API_VERSION,
  served: true,
  storage: true,
  deprecated: false,
  deprecationWarning: undefined,
  schema: fooSchema,
  printerColumns: [
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
    { name: 'Location', type: 'string', jsonPath: '.spec.location' },
  ],
  subresources: {
    status: {},
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
  },
  selectableFields: [],
  semantics: { listTypeAt: () => ({ kind: 'atomic' }), isMap: () => false },
  applyDefaults: (obj) => defaultFoo(obj),
  validate: (obj) => validateFoo(obj),
  validateUpdate: (next, old) => validateFooUpdate(next, old),
  unknownFields: (obj) => findUnknownFields(obj),
  pruneUnknownFields: (obj) => pruneUnknownFields(obj),
  openAPISchemas: (opts) => fooOpenAPISchemas(opts),
  openAPINames: { kind: OPENAPI_NAMES.foo, list: OPENAPI_NAMES.fooList },
};

const fooKind: KindDefinition = {
  group: GROUP,
  kind: KIND,
  listKind: LIST_KIND,
  plural: RESOURCE,
  singular: SINGULAR,
  shortNames: SHORT_NAMES,
  categories: CATEGORIES,
  scope: NAMESPACED ? 'Namespaced' : 'Cluster',
  namespaced: NAMESPACED,
  versions: [fooV1beta1],
  storageVersion: fooV1beta1,
  version: (name) => (name === VERSION ? fooV1beta1 : undefined),
  convert: (obj) => obj,
};

/** What `startServer` installs unless told otherwise. */
export const REGISTERED_KINDS: readonly KindDefinition[] = [fooKind];
