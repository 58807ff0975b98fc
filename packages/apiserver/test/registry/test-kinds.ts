/**
 * The kinds the registry's unit tests run on: the installed Foo (its semantics and field
 * management as the store sees them) and the test tree's cluster-scoped Widget made with
 * defineKind, with or without a status subresource, columns and selectable fields as a test needs.
 */
import { defineKind, fooKind } from '@pwk/api';
import type { KindDefinition, KindVersion, KindVersionSpec } from '@pwk/api';
import { strategyFor } from '../../src/registry/kind-strategy';
import type { ManagedKind } from '../../src/registry/managed-fields';
import { managedKindOf } from '../../src/registry/strategy';
import { WIDGET_GROUP, WIDGET_VERSION, widgetSchema } from '../support/kinds/widget-kind';

/** Foo's list and map semantics, read from its schema. */
export const fooSemantics = fooKind.storageVersion.semantics;

/** Foo at its served version, as field management sees it. */
export const fooManagedKind: ManagedKind = managedKindOf(strategyFor(fooKind, fooKind.storageVersion));

/**
 * The test tree's Widget (cluster-scoped, test/support/kinds) as a version of its own: `version`
 * adds subresources, columns and selectable fields.
 */
export function widgets(
  version: Pick<KindVersionSpec, 'subresources' | 'printerColumns' | 'selectableFields'> = {},
): { kind: KindDefinition; version: KindVersion } {
  const kind = defineKind({
    group: WIDGET_GROUP,
    kind: 'Widget',
    plural: 'widgets',
    singular: 'widget',
    scope: 'Cluster',
    versions: [{ name: WIDGET_VERSION, served: true, storage: true, schema: widgetSchema, ...version }],
  });
  return { kind, version: kind.storageVersion };
}
