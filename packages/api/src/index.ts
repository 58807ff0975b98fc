export * from './identity';
export * from './field-error';
export * from './objectmeta';
export * from './foo/v1beta1';
export * from './foo/foo-kind';
export * from './foo/foo-wrappers';
export {
  conditionSchema,
  listMetaSchema,
  objectMetaSchema,
  objectMetaSchemaFor,
  managedFieldsEntrySchema,
  ownerReferenceSchema,
  timeSchema,
  CONDITION_STATUSES,
} from './metav1';
export { KUBERNETES_OPENAPI_NAMES, META_OPENAPI_NAMES } from './metav1-openapi';
export * from './defaults';
export * from './validation';
export * from './openapi';
export { defineKind, KindDefinitionError } from './kinds/define-kind';
export type * from './kinds/kind-definition';
