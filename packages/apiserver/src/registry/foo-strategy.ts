/** Foo's whole server-side behaviour: defaults, validation and status handling from @pwk/api. */
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
import type { KubeObject } from '../storage/interface';
import type { ResourceStrategy } from './strategy';

export const fooStrategy: ResourceStrategy = {
  group: GROUP,
  version: VERSION,
  kind: KIND,
  listKind: LIST_KIND,
  resource: RESOURCE,
  namespaced: NAMESPACED,
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
