/**
 * meta/v1: the kind-agnostic part of the package — the apimachinery types every kind embeds
 * (ObjectMeta, ListMeta, Condition, OwnerReference, ManagedFieldsEntry, Time) as Zod schemas,
 * Kubernetes' name rules, field errors, and the OpenAPI names of these types.
 */
export * from './field-error';
export * from './names';
export * from './object-meta-rules';
export * from './time';
export * from './owner-reference';
export * from './managed-fields';
export * from './object-meta';
export * from './list-meta';
export * from './condition';
export * from './openapi-names';
