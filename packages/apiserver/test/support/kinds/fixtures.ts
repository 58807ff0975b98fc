/**
 * The kinds the parametrised suites run against (`describe.each(KIND_FIXTURES)`): the server's
 * registered Foo and the test-only Widget, each with its paths and a valid object to send.
 * Paths and names derive from the kind definition, so a suite written against a fixture runs
 * unchanged for either scope.
 */
import type { KindDefinition } from '@pwk/api';
import { REGISTERED_KINDS } from '../../../src/apis/registered-kinds';
import { widgetKind } from './widget-kind';

type Json = Record<string, unknown>;

export interface KindFixture {
  /** For test titles, e.g. `Widget (Cluster)`. */
  title: string;
  kind: KindDefinition;
  group: string;
  version: string;
  /** `group/version`. */
  apiVersion: string;
  plural: string;
  namespaced: boolean;
  /** The subresources the kind's served version has. */
  subresources: string[];
  /** The collection path; `namespace` is ignored for a cluster-scoped kind. */
  collection(namespace?: string): string;
  item(name: string, namespace?: string): string;
  /** A valid object to create; `spec` replaces the sample spec (`spec(2)`). */
  body(name: string, spec?: Json, metadata?: Json): Json;
  /** A valid, complete spec (stored as sent) that carries the number n in one field. */
  spec(n: number): Json;
  /** The number `spec(n)` put in an object's spec. */
  countOf(obj: unknown): number | undefined;
  /** A spec the schema refuses, and the field the refusal names. */
  invalid: { spec: Json; field: string };
  /** The spec's integer field (optional, defaulted to 1) and its string field (optional). */
  fields: { count: string; text: string };
}

interface Samples {
  spec(n: number): Json;
  countField: string;
  textField: string;
  invalid: { spec: Json; field: string };
}

function fixture(kind: KindDefinition, samples: Samples): KindFixture {
  const version = kind.storageVersion;
  const base = `/apis/${kind.group}/${version.name}`;
  const collection = (namespace = 'default') =>
    kind.namespaced ? `${base}/namespaces/${namespace}/${kind.plural}` : `${base}/${kind.plural}`;
  const subresources = [
    ...(version.subresources.status ? ['status'] : []),
    ...(version.subresources.scale ? ['scale'] : []),
  ];
  return {
    title: `${kind.kind} (${kind.scope})`,
    kind,
    group: kind.group,
    version: version.name,
    apiVersion: version.apiVersion,
    plural: kind.plural,
    namespaced: kind.namespaced,
    subresources,
    collection,
    item: (name, namespace) => `${collection(namespace)}/${name}`,
    body: (name, spec = samples.spec(2), metadata = {}) => ({
      apiVersion: version.apiVersion,
      kind: kind.kind,
      metadata: { name, ...metadata },
      spec,
    }),
    spec: samples.spec,
    countOf: (obj) => (obj as { spec?: Record<string, number> }).spec?.[samples.countField],
    invalid: samples.invalid,
    fields: { count: samples.countField, text: samples.textField },
  };
}

const [fooKind] = REGISTERED_KINDS;

export const FOO_FIXTURE = fixture(fooKind!, {
  spec: (replicas) => ({ replicas, location: 'Berlin' }),
  countField: 'replicas',
  textField: 'location',
  invalid: { spec: { replicas: -1 }, field: 'spec.replicas' },
});

export const WIDGET_FIXTURE = fixture(widgetKind, {
  spec: (size) => ({ colour: 'red', size }),
  countField: 'size',
  textField: 'colour',
  invalid: { spec: { size: 0 }, field: 'spec.size' },
});

export const KIND_FIXTURES: readonly KindFixture[] = [FOO_FIXTURE, WIDGET_FIXTURE];

/** What a server for the parametrised suites installs: the registered kinds and Widget. */
export const TEST_KINDS: readonly KindDefinition[] = [...REGISTERED_KINDS, widgetKind];
