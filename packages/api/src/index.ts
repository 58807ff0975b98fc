export * from './identity';
export * from './field-error';
export * from './objectmeta';
export * from './foo';
export { managedFieldsEntrySchema, ownerReferenceSchema, timeSchema, CONDITION_STATUSES } from './metav1';
export * from './defaults';
export * from './validation';
export * from './openapi';
export type * from './kinds/kind-definition';
