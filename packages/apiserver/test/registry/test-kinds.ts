/**
 * The kinds the registry's unit tests run on: the installed Foo (its semantics and field
 * management as the store sees them) and a cluster-scoped Widget defined here with defineKind,
 * with or without a status subresource, columns and selectable fields as a test needs.
 */
import { z } from 'zod';
import { defineKind, fooKind, objectMetaSchema } from '@pwk/api';
import type { KindDefinition, KindVersion, KindVersionSpec } from '@pwk/api';
import { strategyFor } from '../../src/registry/kind-strategy';
import type { ManagedKind } from '../../src/registry/managed-fields';
import { managedKindOf } from '../../src/registry/strategy';

/** Foo's list and map semantics, read from its schema. */
export const fooSemantics = fooKind.storageVersion.semantics;

/** Foo at its served version, as field management sees it. */
export const fooManagedKind: ManagedKind = managedKindOf(strategyFor(fooKind, fooKind.storageVersion));

const widgetSchema = z.strictObject({
  apiVersion: z.literal('example.com/v1'),
  kind: z.literal('Widget'),
  metadata: objectMetaSchema,
  spec: z
    .strictObject({
      size: z.int32().min(0).default(1),
      colour: z.string().optional(),
      tags: z.array(z.string()).optional().meta({ 'x-kubernetes-list-type': 'set' }),
    })
    .prefault({}),
  status: z.strictObject({ phase: z.string().optional(), ready: z.boolean().optional() }).optional(),
});

/** Widget (widgets.example.com/v1, cluster-scoped); `version` adds subresources, columns, selectable fields. */
export function widgets(
  version: Pick<KindVersionSpec, 'subresources' | 'printerColumns' | 'selectableFields'> = {},
): { kind: KindDefinition; version: KindVersion } {
  const kind = defineKind({
    group: 'example.com',
    kind: 'Widget',
    plural: 'widgets',
    singular: 'widget',
    scope: 'Cluster',
    versions: [{ name: 'v1', served: true, storage: true, schema: widgetSchema, ...version }],
  });
  return { kind, version: kind.storageVersion };
}
