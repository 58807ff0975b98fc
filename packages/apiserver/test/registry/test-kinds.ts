/**
 * The kinds the registry's unit tests run on: Foo at one version (its semantics and field
 * management as the store sees them) and the test tree's cluster-scoped Widget made with
 * defineKind, with or without a status subresource, columns and selectable fields as a test needs.
 */
import { defineKind } from '@pwk/api';
import { fooV1beta1OnlyKind } from '../support/kinds/foo-v1beta1-only';
import type { KindDefinition, KindVersion, KindVersionSpec } from '@pwk/api';
import { strategyFor } from '../../src/registry/kind-strategy';
import type { ManagedKind } from '../../src/registry/managed-fields';
import { managedKindOf } from '../../src/registry/strategy';
import { WIDGET_GROUP, WIDGET_VERSION, widgetSchema } from '../support/kinds/widget-kind';

/** The apiVersion of that Foo's objects. */
export const FOO_API_VERSION = fooV1beta1OnlyKind.storageVersion.apiVersion;

/** Foo's list and map semantics, read from its schema. */
export const fooSemantics = fooV1beta1OnlyKind.storageVersion.semantics;

/** Foo at its served version, as field management sees it. */
export const fooManagedKind: ManagedKind = managedKindOf(
  strategyFor(fooV1beta1OnlyKind, fooV1beta1OnlyKind.storageVersion),
);

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
