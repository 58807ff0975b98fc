/**
 * meta.k8s.io PartialObjectMetadata: an object reduced to its metadata, as the garbage
 * collector, the namespace controller and the quota controller read every resource
 * (meta.AsPartialObjectMetadata in k8s.io/apimachinery). The bytes follow kube-apiserver's:
 * `kind` before `apiVersion` (TypeMeta's field order) and the metadata fields in ObjectMeta's
 * order, with `creationTimestamp` always present (`null` when unset, as Go encodes a zero
 * metav1.Time) — so a bookmark reads exactly as kube-apiserver sends it.
 */
import type { KubeObject, ObjectMetaLike } from '../storage/interface';

/** ObjectMeta's JSON fields in its Go struct order (k8s.io/apimachinery/pkg/apis/meta/v1/types.go). */
const OBJECT_META_FIELDS = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
] as const;

const KNOWN_FIELDS: ReadonlySet<string> = new Set(OBJECT_META_FIELDS);

/** The metadata in ObjectMeta's field order; `creationTimestamp: null` when unset. */
function orderedMetadata(metadata: ObjectMetaLike): ObjectMetaLike {
  const ordered: Record<string, unknown> = {};
  for (const field of OBJECT_META_FIELDS) {
    const value = metadata[field];
    if (value !== undefined) ordered[field] = value;
    else if (field === 'creationTimestamp') ordered[field] = null;
  }
  // Nothing else belongs in metadata (the schema prunes it); kept rather than silently dropped.
  for (const [field, value] of Object.entries(metadata)) {
    if (!KNOWN_FIELDS.has(field)) ordered[field] = value;
  }
  return ordered as ObjectMetaLike;
}

/** `version` is meta.k8s.io's: 'v1' or 'v1beta1'. */
export function asPartialObjectMetadata(obj: KubeObject, version: string): KubeObject {
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: orderedMetadata(obj.metadata ?? {}),
  };
}

export interface ListMetadata {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export function asPartialObjectMetadataList(
  list: { metadata: ListMetadata; items: readonly KubeObject[] },
  version: string,
): { kind: string; apiVersion: string; metadata: ListMetadata; items: KubeObject[] } {
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: list.metadata,
    items: list.items.map((o) => asPartialObjectMetadata(o, version)),
  };
}
