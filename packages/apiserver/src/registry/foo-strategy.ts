/**
 * Foo's whole server-side behaviour: defaults, validation and status handling from @pwk/api.
 * Transitional: replaced by strategyFor(fooKind, …) (kind-strategy.ts) once the kind definition
 * is installed; until then its semantics are the ones Foo's schema states.
 */
import { jsonEqual } from '../storage/json-equal';
import {
  GROUP,
  KIND,
  LIST_KIND,
  NAMESPACED,
  RESOURCE,
  VERSION,
  defaultFoo,
  findUnknownFields,
  pruneUnknownFields,
  validateFoo,
  validateFooUpdate,
} from '@pwk/api';
import type { ListType, SchemaSemantics } from '@pwk/api';
import type { KubeObject } from '../storage/interface';
import { CREATION_TIMESTAMP_DESCRIPTION } from './table-columns';
import type { ResourceStrategy } from './strategy';

const MAP_TYPES = new Set(['metadata.labels', 'metadata.annotations']);
const LIST_TYPES: ReadonlyMap<string, ListType> = new Map<string, ListType>([
  ['metadata.finalizers', { kind: 'set' }],
  ['metadata.ownerReferences', { kind: 'keyed', keys: ['uid'] }],
  ['status.conditions', { kind: 'keyed', keys: ['type'] }],
]);
const semantics: SchemaSemantics = {
  listTypeAt: (typePath) => LIST_TYPES.get(typePath) ?? { kind: 'atomic' },
  isMap: (typePath) => MAP_TYPES.has(typePath),
};

export const fooStrategy: ResourceStrategy = {
  group: GROUP,
  version: VERSION,
  kind: KIND,
  listKind: LIST_KIND,
  resource: RESOURCE,
  namespaced: NAMESPACED,
  printerColumns: [
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
    { name: 'Location', type: 'string', jsonPath: '.spec.location' },
    {
      name: 'Age',
      type: 'date',
      jsonPath: '.metadata.creationTimestamp',
      description: CREATION_TIMESTAMP_DESCRIPTION,
    },
  ],
  subresources: {
    status: {},
    scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
  },
  selectableFields: [],
  semantics,
  applyDefaults: (obj) => defaultFoo(obj),
  // Foo has a status subresource: status is written only through it.
  prepareForCreate(obj) {
    delete obj.status;
  },
  prepareForUpdate(next, old) {
    if (old.status === undefined) delete next.status;
    else next.status = structuredClone(old.status);
  },
  validate: (obj) => validateFoo(obj),
  validateUpdate: (next, old) => validateFooUpdate(next, old),
  unknownFields: (obj) => findUnknownFields(obj),
  pruneUnknownFields: (obj) => pruneUnknownFields(obj),
  // As for CRDs: any change outside metadata and status is a new generation.
  generationChanged(next, old) {
    const spec = (o: KubeObject) => {
      const { metadata: _m, status: _s, ...rest } = o;
      return rest;
    };
    return !jsonEqual(spec(next), spec(old));
  },
};
