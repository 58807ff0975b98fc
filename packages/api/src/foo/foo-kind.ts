/**
 * The kind Foo, defined once: names, scope and versions — v1 stored and the conversion hub,
 * v1beta1 served and deprecated. The building blocks are exported for tests that need Foo at
 * one version only (they define that variant in their own tree).
 */
import { defineKind } from '../kinds/define-kind';
import { CREATION_TIMESTAMP_DESCRIPTION } from '../metav1';
import type { KindVersionSpec, PrinterColumn, Subresources } from '../kinds/kind-definition';
import { FOO_GROUP, FOO_KIND } from './names';
import { fooV1beta1Conversion } from './conversion';
import { fooV1Schema } from './v1';
import { fooSchema } from './v1beta1';

/** The columns `kubectl get foos` shows after NAME (a kind that lists columns lists AGE itself). */
export const FOO_PRINTER_COLUMNS: readonly PrinterColumn[] = [
  { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
  { name: 'Location', type: 'string', jsonPath: '.spec.location' },
  {
    name: 'Age',
    type: 'date',
    jsonPath: '.metadata.creationTimestamp',
    description: CREATION_TIMESTAMP_DESCRIPTION,
  },
];

export const FOO_SUBRESOURCES: Subresources = {
  status: {},
  // Foo's status has no replicas: the Scale's status.replicas reads 0, as for a CRD whose
  // statusReplicasPath finds nothing.
  scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
};

export const FOO_NAMES = {
  group: FOO_GROUP,
  kind: FOO_KIND,
  plural: 'foos',
  singular: 'foo',
  scope: 'Namespaced',
} as const;

export const fooV1beta1: Omit<KindVersionSpec, 'served' | 'storage'> = {
  name: 'v1beta1',
  schema: fooSchema,
  printerColumns: FOO_PRINTER_COLUMNS,
  subresources: FOO_SUBRESOURCES,
};

export const fooV1: Omit<KindVersionSpec, 'served' | 'storage'> = {
  name: 'v1',
  schema: fooV1Schema,
  printerColumns: FOO_PRINTER_COLUMNS,
  subresources: FOO_SUBRESOURCES,
};

/**
 * Foo as the API server installs it: v1 the storage version and the hub, v1beta1 still served
 * but deprecated (with kube's default warning text: deprecationWarning unset).
 */
export const fooKind = defineKind({
  ...FOO_NAMES,
  versions: [
    { ...fooV1, served: true, storage: true },
    { ...fooV1beta1, served: true, storage: false, deprecated: true },
  ],
  conversion: { hub: 'v1', spokes: { v1beta1: fooV1beta1Conversion } },
});
