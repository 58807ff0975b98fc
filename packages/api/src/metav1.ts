/**
 * The apimachinery meta/v1 types Foo embeds (ObjectMeta, ListMeta, Condition, …) as Zod schemas.
 * Descriptions follow the Kubernetes API reference, shortened.
 */
import { z } from 'zod';
import { isQualifiedName, validateObjectMeta } from './objectmeta';
import { fieldError } from './field-error';

const int64 = () => z.int().meta({ format: 'int64' });

/** metav1.Time: RFC 3339 in UTC, second precision on the wire. */
export const timeSchema = z.iso
  .datetime({ offset: true })
  .describe('An RFC 3339 date-time, e.g. 2026-01-02T15:04:05Z.');

export const ownerReferenceSchema = z
  .strictObject({
    apiVersion: z.string().min(1).describe('API version of the referent.'),
    kind: z.string().min(1).describe('Kind of the referent.'),
    name: z.string().min(1).describe('Name of the referent.'),
    uid: z.string().min(1).describe('UID of the referent.'),
    controller: z.boolean().optional().describe('If true, this reference points to the managing controller.'),
    blockOwnerDeletion: z
      .boolean()
      .optional()
      .describe('If true, the owner cannot be deleted from storage until this reference is removed.'),
  })
  // +structType=atomic in apimachinery: a reference is replaced whole, never merged field by field.
  .meta({ 'x-kubernetes-map-type': 'atomic' })
  .describe(
    'Identifies an owning object; the garbage collector deletes this object once every owner is gone.',
  );

export const managedFieldsEntrySchema = z
  .strictObject({
    manager: z.string().optional().describe('The workflow managing these fields.'),
    operation: z
      .enum(['Apply', 'Update'])
      .optional()
      .describe('The operation that led to this entry: Apply or Update.'),
    apiVersion: z.string().optional().describe('The version of this resource the field set applies to.'),
    time: timeSchema.optional().describe('When this entry was last changed.'),
    fieldsType: z.string().optional().describe('The format of fieldsV1; the only value is "FieldsV1".'),
    fieldsV1: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('The set of fields owned by this manager, in the FieldsV1 format.'),
    subresource: z.string().optional().describe('The subresource used to update the object, if any.'),
  })
  .describe('A record of the fields a manager owns, and the operation that changed them.');

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

export const listMetaSchema = z
  .strictObject({
    resourceVersion: z.string().optional().describe('The revision the list is consistent at.'),
    continue: z.string().optional().describe('Token to fetch the next page, when the list was limited.'),
    remainingItemCount: int64().optional().describe('How many items remain after this page (approximate).'),
  })
  .describe('Standard list metadata.');

export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;

const conditionReason =
  "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName',  or 'ReasonA,ReasonB',  or 'ReasonA:ReasonB', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')";

export const conditionSchema = z
  .strictObject({
    type: z
      .string()
      .min(1)
      .max(316)
      .superRefine((type, ctx) => {
        for (const detail of isQualifiedName(type)) {
          ctx.addIssue({
            code: 'custom',
            message: detail,
            params: { fieldError: fieldError.invalid('', type, detail) },
          });
        }
      })
      .describe('Type of the condition, in CamelCase or foo.example.com/CamelCase, e.g. Ready.'),
    status: z.enum(CONDITION_STATUSES).describe('Status of the condition: True, False or Unknown.'),
    observedGeneration: int64()
      .min(0)
      .optional()
      .describe('The metadata.generation the condition was set for.'),
    lastTransitionTime: timeSchema.describe('When the condition last changed from one status to another.'),
    reason: z
      .string()
      .min(1)
      .max(1024)
      .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/, { message: conditionReason })
      .describe("A programmatic identifier of the condition's last transition, in CamelCase."),
    message: z.string().max(32768).describe('A human readable message about the transition; may be empty.'),
  })
  .describe('One aspect of the current state of the object (metav1.Condition).');

/**
 * A list of conditions as Kubernetes' Condition convention has it (`+listType=map`,
 * `+listMapKey=type`): one condition per type, merged by type by strategic merge and server-side
 * apply alike.
 */
export const conditionsSchema = z
  .array(conditionSchema)
  .superRefine((conditions, ctx) => {
    const seen = new Set<string>();
    conditions.forEach((c, i) => {
      if (seen.has(c.type)) {
        const err = fieldError.duplicate('', c.type);
        ctx.addIssue({
          code: 'custom',
          message: err.message,
          path: [i, 'type'],
          params: { fieldError: err },
        });
      }
      seen.add(c.type);
    });
  })
  .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });
