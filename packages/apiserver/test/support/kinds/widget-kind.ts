/**
 * A second kind, defined only here, to show the server serves any kind definition: Widget
 * (example.com/v1alpha1), cluster-scoped, with its own printer columns and no subresources at
 * all — neither scale nor status. Without a status subresource, status is an ordinary part of
 * the object written through the main resource (as for a CRD without `subresources.status`):
 * the other branch of everything Foo (status behind its subresource) exercises.
 */
import { z } from 'zod';
import { defineKind, objectMetaSchema } from '@pwk/api';

export const WIDGET_GROUP = 'example.com';
export const WIDGET_VERSION = 'v1alpha1';

const widgetSpecSchema = z
  .strictObject({
    colour: z.string().max(32).optional().describe('What colour the widget is painted.'),
    size: z.int32().min(1).default(1).meta({ format: 'int32' }).describe('How big it is. Defaults to 1.'),
    tags: z
      .array(z.string())
      .optional()
      .meta({ 'x-kubernetes-list-type': 'set' })
      .describe('Free-form tags, each at most once.'),
  })
  .describe('The desired state of a Widget.');

const widgetStatusSchema = z
  .strictObject({
    phase: z.string().optional().describe('Where the widget is in its life: Pending, Ready, Retired.'),
  })
  .describe('The observed state of a Widget.');

export const widgetSchema = z
  .strictObject({
    apiVersion: z
      .literal(`${WIDGET_GROUP}/${WIDGET_VERSION}`)
      .describe('The versioned schema of this object.'),
    kind: z.literal('Widget').describe('The kind of this object: Widget.'),
    metadata: objectMetaSchema,
    spec: widgetSpecSchema.prefault({}),
    status: widgetStatusSchema.optional(),
  })
  .describe('Widget is a cluster-scoped kind defined only in the tests.');

export const widgetKind = defineKind({
  group: WIDGET_GROUP,
  kind: 'Widget',
  plural: 'widgets',
  singular: 'widget',
  shortNames: ['wd'],
  categories: ['pwk-test'],
  scope: 'Cluster',
  versions: [
    {
      name: WIDGET_VERSION,
      served: true,
      storage: true,
      schema: widgetSchema,
      printerColumns: [
        { name: 'Colour', type: 'string', jsonPath: '.spec.colour' },
        { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
        { name: 'Phase', type: 'string', jsonPath: '.status.phase', priority: 1 },
        { name: 'Created', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
    },
  ],
});
