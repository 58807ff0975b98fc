/**
 * Foo v1: v1beta1 and `spec.paused`, the pattern of Deployment's `spec.paused` — when true the
 * controller leaves the Foo alone and says so in a Paused condition. Everything else is
 * v1beta1's schema, shared rather than copied.
 */
import { z } from 'zod';
import { objectMetaSchema } from '../metav1';
import { FOO_GROUP, FOO_KIND } from './names';
import { fooSpecSchema, fooStatusSchema } from './v1beta1';

const API_VERSION = `${FOO_GROUP}/v1` as const;

export const fooSpecV1Schema = fooSpecSchema
  .extend({
    paused: z
      .boolean()
      .default(false)
      .describe(
        'Indicates that the Foo is paused: the controller leaves it alone and sets its Paused condition until it is unpaused. Defaults to false.',
      ),
  })
  .describe('The desired state of a Foo.');

export const fooV1Schema = z
  .strictObject({
    apiVersion: z
      .literal(API_VERSION)
      .describe('The versioned schema of this object: bar.pwk.educative.io/v1.'),
    kind: z.literal(FOO_KIND).describe('The kind of this object: Foo.'),
    metadata: objectMetaSchema,
    // A prefault is a default given as input: `{}`, in which replicas and paused then default.
    spec: fooSpecV1Schema.prefault({}),
    status: fooStatusSchema.optional(),
  })
  .describe('Foo is a namespaced demo workload served by the pwk aggregated API server.');

// The input view, as for v1beta1: fields with a default are optional.
export type FooV1 = z.input<typeof fooV1Schema>;
export type FooSpecV1 = z.input<typeof fooSpecV1Schema>;
