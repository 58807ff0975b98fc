/**
 * A kind version built by hand for the registry's unit tests, until the kind definitions of
 * @pwk/api are installed: the list/map semantics ObjectMeta's schema states (labels and
 * annotations are maps, finalizers a set, ownerReferences keyed by uid) and a status with
 * conditions keyed by type — what Foo's schema says.
 */
import { API_VERSION, KIND } from '@pwk/api';
import type { ListType, SchemaSemantics } from '@pwk/api';
import type { ManagedKind } from '../../src/registry/managed-fields';

const MAPS = new Set(['metadata.labels', 'metadata.annotations']);
const LISTS = new Map<string, ListType>([
  ['metadata.finalizers', { kind: 'set' }],
  ['metadata.ownerReferences', { kind: 'keyed', keys: ['uid'] }],
  ['status.conditions', { kind: 'keyed', keys: ['type'] }],
]);

export const handBuiltSemantics: SchemaSemantics = {
  listTypeAt: (typePath) => LISTS.get(typePath) ?? { kind: 'atomic' },
  isMap: (typePath) => MAPS.has(typePath),
};

/** Foo at its served version, as field management sees it. */
export const handBuiltManagedKind: ManagedKind = {
  apiVersion: API_VERSION,
  kind: KIND,
  semantics: handBuiltSemantics,
  statusSubresource: true,
};
