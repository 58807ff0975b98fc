/**
 * A kind version built by hand for the registry's unit tests, until the kind definitions of
 * @pwk/api are installed: the list/map semantics ObjectMeta's schema states (labels and
 * annotations are maps, finalizers a set, ownerReferences keyed by uid) and a status with
 * conditions keyed by type — what Foo's schema says.
 */
import { API_VERSION, KIND } from '@pwk/api';
import type { KindDefinition, KindVersion, ListType, SchemaSemantics } from '@pwk/api';
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

/**
 * A cluster-scoped kind `Widget` (widgets.example.com/v1) built by hand: its schema knows
 * apiVersion, kind, metadata, spec and status; `spec.size` defaults to 1 and must not be
 * negative. `subresources` and the rest of the version are the test's to choose.
 */
export function handBuiltWidgets(version: Partial<KindVersion> = {}): {
  kind: KindDefinition;
  version: KindVersion;
} {
  const known = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  const unknownFields = (obj: unknown) =>
    Object.keys(obj as Record<string, unknown>).filter((key) => !known.has(key));
  const validate = (obj: unknown) => {
    const size = (obj as { spec?: { size?: number } }).spec?.size;
    const errors =
      typeof size === 'number' && size < 0
        ? [{ type: 'FieldValueInvalid', field: 'spec.size', message: 'must be >= 0' }]
        : [];
    return { errors, unknownFields: unknownFields(obj) } as ReturnType<KindVersion['validate']>;
  };
  const v1: KindVersion = {
    name: 'v1',
    apiVersion: 'example.com/v1',
    served: true,
    storage: true,
    deprecated: false,
    deprecationWarning: undefined,
    schema: undefined as unknown as KindVersion['schema'],
    listSchema: undefined as unknown as KindVersion['schema'],
    printerColumns: [],
    subresources: {},
    selectableFields: [],
    semantics: handBuiltSemantics,
    applyDefaults<T>(obj: T): T {
      const copy = structuredClone(obj) as { spec?: { size?: number } };
      copy.spec = { size: 1, ...copy.spec };
      return copy as T;
    },
    validate,
    validateUpdate: (next) => validate(next),
    unknownFields,
    pruneUnknownFields<T>(obj: T): T {
      const copy = { ...(obj as Record<string, unknown>) };
      for (const key of unknownFields(copy)) delete copy[key];
      return copy as T;
    },
    openAPISchemas: () => ({}),
    openAPINames: { kind: 'com.example.v1.Widget', list: 'com.example.v1.WidgetList' },
    ...version,
  } as KindVersion;
  const kind: KindDefinition = {
    group: 'example.com',
    kind: 'Widget',
    listKind: 'WidgetList',
    plural: 'widgets',
    singular: 'widget',
    shortNames: [],
    categories: [],
    scope: 'Cluster',
    namespaced: false,
    versions: [v1],
    storageVersion: v1,
    version: (name) => (name === v1.name ? v1 : undefined),
    convert: (obj) => obj,
  };
  return { kind, version: v1 };
}
