/**
 * The meta/v1 types as OpenAPI components: a kind's schemas reference them by these names and
 * never emit them — their schemas must be kube-apiserver's own, byte for byte, or the aggregator
 * renames them (`…ObjectMeta_v2`) when it merges our document into its own. The API server
 * supplies them.
 */
import type { z } from 'zod';
import { conditionSchema } from './condition';
import { listMetaSchema } from './list-meta';
import { managedFieldsEntrySchema } from './managed-fields';
import { objectMetaSchema } from './object-meta';
import { ownerReferenceSchema } from './owner-reference';

const META_V1 = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export const META_OPENAPI_NAMES = {
  objectMeta: `${META_V1}.ObjectMeta`,
  listMeta: `${META_V1}.ListMeta`,
  condition: `${META_V1}.Condition`,
  managedFieldsEntry: `${META_V1}.ManagedFieldsEntry`,
  ownerReference: `${META_V1}.OwnerReference`,
  time: `${META_V1}.Time`,
  fieldsV1: `${META_V1}.FieldsV1`,
} as const;

/** `objectMeta`: stands for whichever scoped ObjectMeta instance a kind's schema holds. */
export const META_OPENAPI_COMPONENTS: readonly { id: string; schema: z.ZodType; objectMeta?: true }[] = [
  { id: META_OPENAPI_NAMES.objectMeta, schema: objectMetaSchema, objectMeta: true },
  { id: META_OPENAPI_NAMES.listMeta, schema: listMetaSchema },
  { id: META_OPENAPI_NAMES.condition, schema: conditionSchema },
  { id: META_OPENAPI_NAMES.managedFieldsEntry, schema: managedFieldsEntrySchema },
  { id: META_OPENAPI_NAMES.ownerReference, schema: ownerReferenceSchema },
];

/** The Kubernetes schemas a kind's schemas reference, which whoever serves them must define. */
export const KUBERNETES_OPENAPI_NAMES: readonly string[] = META_OPENAPI_COMPONENTS.map((c) => c.id);
