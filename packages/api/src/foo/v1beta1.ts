/**
 * Foo v1beta1: the one Zod schema every other view of this version derives from (through
 * defineKind, foo-kind.ts) — the TypeScript types below, defaulting from its `.default()`s,
 * validation and the OpenAPI document.
 */
import { z } from 'zod';
import { conditionsSchema, objectMetaSchema } from '../metav1';
import { FOO_GROUP, FOO_KIND } from './names';

const API_VERSION = `${FOO_GROUP}/v1beta1` as const;

export const LOCATION_MAX_LENGTH = 256;

export const fooSpecSchema = z
  .strictObject({
    replicas: z
      .int32()
      .min(0)
      .default(1)
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
    conditions: conditionsSchema
      .optional()
      .describe('The latest observations of the Foo, one per condition type (e.g. Ready).'),
  })
  .describe('The observed state of a Foo, written by the controller through the status subresource.');

export const fooSchema = z
  .strictObject({
    apiVersion: z
      .literal(API_VERSION)
      .describe('The versioned schema of this object: bar.pwk.educative.io/v1beta1.'),
    kind: z.literal(FOO_KIND).describe('The kind of this object: Foo.'),
    metadata: objectMetaSchema,
    // A prefault is a default given as input: `{}`, in which replicas then defaults to 1.
    spec: fooSpecSchema.prefault({}),
    status: fooStatusSchema.optional(),
  })
  .describe('Foo is a namespaced demo workload served by the pwk aggregated API server.');

// The input view: a Foo as a client may send or receive it, fields with a default optional (the
// output view, z.infer, would make spec and spec.replicas required, which only a defaulted
// object satisfies).
export type Foo = z.input<typeof fooSchema>;
export type FooSpec = z.input<typeof fooSpecSchema>;
export type FooStatus = z.infer<typeof fooStatusSchema>;
