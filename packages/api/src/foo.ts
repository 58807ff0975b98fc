/**
 * Foo: the one Zod schema every other view of the kind derives from — the TypeScript types
 * below, validation (validation.ts) and the OpenAPI document (openapi.ts).
 */
import { z } from 'zod';
import { API_VERSION, KIND, LIST_KIND } from './identity';
import { fieldError } from './field-error';
import { conditionSchema, listMetaSchema, objectMetaSchema } from './metav1';

export { conditionSchema, listMetaSchema, objectMetaSchema } from './metav1';

export const LOCATION_MAX_LENGTH = 256;

export const fooSpecSchema = z
  .strictObject({
    replicas: z
      .int32()
      .min(0)
      .optional()
      .meta({ format: 'int32' })
      .describe('How many replicas of the workload should exist. Defaults to 1.'),
    location: z
      .string()
      .max(LOCATION_MAX_LENGTH)
      .optional()
      .describe(
        `Where the workload runs, at most ${LOCATION_MAX_LENGTH} characters. The pwk controller sets it to "Los Angeles".`,
      ),
  })
  .describe('The desired state of a Foo.');

export const fooStatusSchema = z
  .strictObject({
    observedGeneration: z
      .int()
      .min(0)
      .optional()
      .meta({ format: 'int64' })
      .describe('The metadata.generation the controller last reconciled.'),
    conditions: z
      .array(conditionSchema)
      .optional()
      .superRefine((conditions, ctx) => {
        const seen = new Set<string>();
        (conditions ?? []).forEach((c, i) => {
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
      .describe('The latest observations of the Foo, one per condition type (e.g. Ready).'),
  })
  .describe('The observed state of a Foo, written by the controller through the status subresource.');

export const fooSchema = z
  .strictObject({
    apiVersion: z
      .literal(API_VERSION)
      .describe('The versioned schema of this object: bar.pwk.educative.io/v1beta1.'),
    kind: z.literal(KIND).describe('The kind of this object: Foo.'),
    metadata: objectMetaSchema,
    spec: fooSpecSchema.optional(),
    status: fooStatusSchema.optional(),
  })
  .describe('Foo is a namespaced demo workload served by the pwk aggregated API server.');

export const fooListSchema = z
  .strictObject({
    apiVersion: z
      .literal(API_VERSION)
      .describe('The versioned schema of this list: bar.pwk.educative.io/v1beta1.'),
    kind: z.literal(LIST_KIND).describe('The kind of this list: FooList.'),
    metadata: listMetaSchema,
    items: z.array(fooSchema).describe('The Foos in the list.'),
  })
  .describe('A list of Foos.');

export type Foo = z.infer<typeof fooSchema>;
export type FooSpec = z.infer<typeof fooSpecSchema>;
export type FooStatus = z.infer<typeof fooStatusSchema>;
export type FooList = z.infer<typeof fooListSchema>;
export type ObjectMeta = z.infer<typeof objectMetaSchema>;
export type Condition = z.infer<typeof conditionSchema>;
