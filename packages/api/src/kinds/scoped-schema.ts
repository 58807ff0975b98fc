/**
 * A version's schema with its `metadata` held to the kind's scope: the author writes
 * `metadata: objectMetaSchema` and the kind decides whether a namespace is required (Namespaced)
 * or forbidden (Cluster), as kube's ValidateObjectMeta does from the strategy's NamespaceScoped.
 */
import { z } from 'zod';
import { objectMetaSchema, objectMetaSchemaFor } from '../metav1';

export function withScopedMetadata(schema: z.ZodObject, scope: 'Namespaced' | 'Cluster'): z.ZodObject {
  const scopedMeta = objectMetaSchemaFor(scope);
  // extend() makes a new schema without the original's description: carry it over.
  const scopedSchema = schema.extend({ metadata: scopedMeta });
  const meta = z.globalRegistry.get(schema);
  return meta ? scopedSchema.meta(meta) : scopedSchema;
}

/** Whether `metadata` is the ObjectMeta schema defineKind knows how to scope. */
export function declaresObjectMeta(schema: z.ZodObject): boolean {
  return schema.shape.metadata === objectMetaSchema;
}
