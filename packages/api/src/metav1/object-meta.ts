/**
 * metav1.ObjectMeta as a Zod schema, with the rules Zod cannot state (object-meta-rules.ts)
 * attached by a refinement. Descriptions follow the Kubernetes API reference, shortened.
 */
import { z } from 'zod';
import { int64 } from './int64';
import { managedFieldsEntrySchema } from './managed-fields';
import { validateObjectMeta } from './object-meta-rules';
import { ownerReferenceSchema } from './owner-reference';
import { timeSchema } from './time';

/**
 * ObjectMeta.creationTimestamp's documentation as kube-apiserver publishes it: the description a
 * CRD's default Age column carries, and a kind that lists its own Age column should reuse.
 */
export const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

const objectMetaShape = z.strictObject({
  name: z
    .string()
    .optional()
    .describe(
      'Name must be unique within a namespace. A lowercase RFC 1123 subdomain of at most 253 characters.',
    ),
  generateName: z
    .string()
    .optional()
    .describe('Prefix the server uses to generate a unique name when name is not provided.'),
  namespace: z.string().optional().describe('The namespace the object lives in. A lowercase RFC 1123 label.'),
  uid: z
    .string()
    .optional()
    .describe('Unique in time and space for this object; set by the server. Read-only.'),
  resourceVersion: z
    .string()
    .optional()
    .describe('Opaque version of this object, used for optimistic concurrency and watches. Read-only.'),
  generation: int64()
    .min(0)
    .optional()
    .describe('A sequence number representing a specific generation of the desired state. Read-only.'),
  creationTimestamp: timeSchema
    .optional()
    .describe('When the object was created; set by the server. Read-only.'),
  deletionTimestamp: timeSchema
    .optional()
    .describe('When the object will be deleted; set by the server when deletion is requested. Read-only.'),
  deletionGracePeriodSeconds: int64()
    .optional()
    .describe('Seconds allowed for graceful termination before the object is removed. Read-only.'),
  labels: z
    .record(z.string(), z.string())
    .optional()
    .describe('Map of string keys and values used to organize and select objects.'),
  annotations: z
    .record(z.string(), z.string())
    .optional()
    .describe('Unstructured key/value map for arbitrary metadata; at most 256 KiB in total.'),
  ownerReferences: z
    .array(ownerReferenceSchema)
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['uid'] })
    .optional()
    .describe('Objects this object depends on; at most one may be the managing controller.'),
  finalizers: z
    .array(z.string())
    .meta({ 'x-kubernetes-list-type': 'set' })
    .optional()
    .describe('Must be empty before the object is deleted from storage; each entry is a qualified name.'),
  managedFields: z
    .array(managedFieldsEntrySchema)
    .meta({ 'x-kubernetes-list-type': 'atomic' })
    .optional()
    .describe('Which manager owns which fields (server-side apply bookkeeping).'),
});

const OBJECT_META_DESCRIPTION =
  'Standard object metadata: name, namespace, labels, annotations and the fields the server sets.';

/** ObjectMeta with the rules Zod cannot state; `namespaced` undefined: the scope is not checked. */
function objectMetaWithRules(namespaced: boolean | undefined) {
  return objectMetaShape
    .superRefine((meta, ctx) => {
      for (const err of validateObjectMeta(meta, { namespaced }, '')) {
        ctx.addIssue({ code: 'custom', message: err.detail, path: [], params: { fieldError: err } });
      }
    })
    .describe(OBJECT_META_DESCRIPTION);
}

/**
 * The `metadata` a kind's schema declares. Its scope rule (namespace required, or forbidden) is
 * the kind's, not the schema's: defineKind puts `objectMetaSchemaFor(scope)` in its place.
 */
export const objectMetaSchema = objectMetaWithRules(undefined);

const scoped = {
  Namespaced: objectMetaWithRules(true),
  Cluster: objectMetaWithRules(false),
};

/** ObjectMeta for a kind of this scope: a Namespaced kind's objects need a namespace, a Cluster one's have none. */
export function objectMetaSchemaFor(scope: 'Namespaced' | 'Cluster'): typeof objectMetaSchema {
  return scoped[scope];
}

export type ObjectMeta = z.infer<typeof objectMetaSchema>;
