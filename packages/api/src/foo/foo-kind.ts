/**
 * The kind Foo, defined once: names, scope and versions. Today it serves v1beta1 only; v1 is
 * prepared beside it (foo-kind-v1.ts) and becomes the installed kind when the API server serves
 * several versions.
 */
import { defineKind } from '../kinds/define-kind';
import { CREATION_TIMESTAMP_DESCRIPTION } from '../metav1';
import type { KindVersionSpec, PrinterColumn, Subresources } from '../kinds/kind-definition';
import { FOO_GROUP, FOO_KIND } from './names';
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

/** Foo as the API server installs it today: v1beta1, served and stored. */
export const fooKind = defineKind({
  ...FOO_NAMES,
  versions: [{ ...fooV1beta1, served: true, storage: true }],
});
