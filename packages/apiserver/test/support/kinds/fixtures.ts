/**
 * The (kind, version)s the parametrised suites run against (`describe.each(KIND_FIXTURES)`): the
 * server's registered Foo at each served version (v1, stored; v1beta1, deprecated) and the
 * test-only Widget, each with its paths, a valid object to send, the version's defaults and the
 * Warning its requests get. Paths and names derive from the kind definition, so a suite written
 * against a fixture runs unchanged for either scope and any served version.
 */
import type { KindDefinition } from '@pwk/api';
import { REGISTERED_KINDS } from '../../../src/apis/registered-kinds';
import { widgetKind } from './widget-kind';

type Json = Record<string, unknown>;

export interface KindFixture {
  /** For test titles, e.g. `Widget v1alpha1 (Cluster)`. */
  title: string;
  kind: KindDefinition;
  /** Whether `version` is the kind's storage version. */
  storage: boolean;
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
  /** A valid, complete spec (read back as sent) that carries the number n in one field. */
  spec(n: number): Json;
  /**
   * The spec fields this version defaults besides the count field (Foo v1: `paused: false`),
   * which a spec read back at this version carries when it was sent without them.
   */
  specDefaults: Json;
  /** The `Warning` header every request to this version gets (a deprecated version), or undefined. */
  warning: string | undefined;
  /**
   * The annotations a read at this version adds to an object written with `spec(n)` (Foo v1beta1
   * carries v1's defaulted `spec.paused` in an annotation, so that conversion is lossless).
   */
  readAnnotations: Record<string, string>;
  /** The `Warning` header of an answer that adds `own` warnings (299 texts) to the version's. */
  warningWith(...own: string[]): string | undefined;
  /** The number `spec(n)` put in an object's spec. */
  countOf(obj: unknown): number | undefined;
  /** A spec the schema refuses, and the field the refusal names. */
  invalid: { spec: Json; field: string };
  /** The spec's integer field (optional, defaulted to 1) and its string field (optional). */
  fields: { count: string; text: string };
}

interface Samples {
  /** The sample spec without the version's defaults (`specDefaults`). */
  spec(n: number): Json;
  specDefaults?: Json;
  warning?: string;
  readAnnotations?: Record<string, string>;
  countField: string;
  textField: string;
  invalid: { spec: Json; field: string };
}

function fixture(kind: KindDefinition, versionName: string, samples: Samples): KindFixture {
  const version = kind.version(versionName);
  if (!version?.served) throw new Error(`${kind.kind} serves no version ${versionName}`);
  const specDefaults = samples.specDefaults ?? {};
  const spec = (n: number): Json => ({ ...samples.spec(n), ...specDefaults });
  const base = `/apis/${kind.group}/${version.name}`;
  const collection = (namespace = 'default') =>
    kind.namespaced ? `${base}/namespaces/${namespace}/${kind.plural}` : `${base}/${kind.plural}`;
  const subresources = [
    ...(version.subresources.status ? ['status'] : []),
    ...(version.subresources.scale ? ['scale'] : []),
  ];
  return {
    title: `${kind.kind} ${version.name} (${kind.scope})`,
    kind,
    storage: version.storage,
    group: kind.group,
    version: version.name,
    apiVersion: version.apiVersion,
    plural: kind.plural,
    namespaced: kind.namespaced,
    subresources,
    collection,
    item: (name, namespace) => `${collection(namespace)}/${name}`,
    body: (name, body = spec(2), metadata = {}) => ({
      apiVersion: version.apiVersion,
      kind: kind.kind,
      metadata: { name, ...metadata },
      spec: body,
    }),
    spec,
    specDefaults,
    warning: samples.warning,
    readAnnotations: samples.readAnnotations ?? {},
    warningWith: (...own) => [...(samples.warning ? [samples.warning] : []), ...own].join(', ') || undefined,
    countOf: (obj) => (obj as { spec?: Record<string, number> }).spec?.[samples.countField],
    invalid: samples.invalid,
    fields: { count: samples.countField, text: samples.textField },
  };
}

const [fooKind] = REGISTERED_KINDS;

const FOO_SAMPLES: Samples = {
  spec: (replicas) => ({ replicas, location: 'Berlin' }),
  countField: 'replicas',
  textField: 'location',
  invalid: { spec: { replicas: -1 }, field: 'spec.replicas' },
};

/** Foo at its storage version, v1 (`spec.paused` defaults to false). */
export const FOO_FIXTURE = fixture(fooKind!, 'v1', { ...FOO_SAMPLES, specDefaults: { paused: false } });

/** Foo at v1beta1: served, deprecated (no `spec.paused`; every answer carries the Warning). */
export const FOO_V1BETA1_FIXTURE = fixture(fooKind!, 'v1beta1', {
  ...FOO_SAMPLES,
  warning: '299 - "bar.pwk.educative.io/v1beta1 Foo is deprecated; use bar.pwk.educative.io/v1 Foo"',
  readAnnotations: { 'bar.pwk.educative.io/v1-spec-paused': 'false' },
});

export const WIDGET_FIXTURE = fixture(widgetKind, widgetKind.storageVersion.name, {
  spec: (size) => ({ colour: 'red', size }),
  countField: 'size',
  textField: 'colour',
  invalid: { spec: { size: 0 }, field: 'spec.size' },
});

/** Foo at each served version (for suites of what only Foo's schema has). */
export const FOO_FIXTURES: readonly KindFixture[] = [FOO_FIXTURE, FOO_V1BETA1_FIXTURE];

/** Every served (kind, version). */
export const KIND_FIXTURES: readonly KindFixture[] = [FOO_FIXTURE, FOO_V1BETA1_FIXTURE, WIDGET_FIXTURE];

/** Whether the fixture is one of Foo's versions (for what only Foo's schema has). */
export const isFoo = (k: KindFixture): boolean => k.kind === FOO_FIXTURE.kind;

/** What a server for the parametrised suites installs: the registered kinds and Widget. */
export const TEST_KINDS: readonly KindDefinition[] = [...REGISTERED_KINDS, widgetKind];
