/**
 * A kind, described once: its names, scope, and served versions, each with one Zod schema from
 * which everything else about that version is derived (defaulting, validation, unknown-field
 * pruning, list/map semantics, OpenAPI). This is the shape of a CustomResourceDefinition's spec
 * (apiextensions.k8s.io/v1), so a kind here could be written as a CRD and serve the same API;
 * the API server installs a list of these and knows nothing else about any kind.
 */
import type { z } from 'zod';
import type { FieldError } from '../metav1';
import type { OpenAPISchemaOptions } from './openapi-schemas';

/** An object of any kind as JSON: what the API server stores and serves. */
export interface KindObject {
  apiVersion?: string;
  kind?: string;
  metadata: Record<string, unknown>;
  [field: string]: unknown;
}

/** A CRD's `additionalPrinterColumns` entry. `jsonPath` is a simple path, e.g. `.spec.replicas`. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** A CRD's `subresources.scale`: where the Scale's replicas and selector live in the object. */
export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface Subresources {
  /** Present: status is written only through `<resource>/status`. */
  status?: Record<string, never>;
  scale?: ScaleSubresource;
}

/** A CRD's `selectableFields` entry: a field usable in `?fieldSelector=` besides metadata.name/namespace. */
export interface SelectableField {
  jsonPath: string;
}

/** How a list or map at one position of the schema merges: `x-kubernetes-list-type` and friends. */
export type ListType = { kind: 'atomic' } | { kind: 'set' } | { kind: 'keyed'; keys: readonly string[] };

/**
 * The structural facts of one version's schema that patching and server-side apply need, read
 * from the schema's `.meta()` (`x-kubernetes-list-type`, `x-kubernetes-list-map-keys`,
 * `x-kubernetes-map-type`) — never from a table of their own.
 *
 * Type paths name schema positions: field names joined by '.', `[]` for list items, `*` for map
 * values (e.g. `status.conditions[].type`, `metadata.labels.*`).
 */
export interface SchemaSemantics {
  /** How the list at `typePath` merges; `atomic` when the schema says nothing or it is not a list. */
  listTypeAt(typePath: string): ListType;
  /** Whether `typePath` is a map (an object whose keys are data, e.g. labels), not a struct. */
  isMap(typePath: string): boolean;
  /**
   * How the map or struct at `typePath` merges (`x-kubernetes-map-type`): `atomic` is owned and
   * replaced whole (kube's OwnerReference); `granular`, the default, field by field. Optional so
   * that hand-written semantics (tests, the Scale view) need not state it: absent means granular.
   */
  mapTypeAt?(typePath: string): 'granular' | 'atomic';
}

export interface ValidationResult {
  /** Empty when the object is valid. */
  errors: FieldError[];
  /** Dotted paths of fields the schema does not know, e.g. `spec.colour`. */
  unknownFields: string[];
}

/** What a kind version is given by its author. */
export interface KindVersionSpec {
  /** e.g. `v1`, `v1beta1`. */
  name: string;
  served: boolean;
  /** Exactly one version of a kind is the storage version. */
  storage: boolean;
  deprecated?: boolean;
  /** The `Warning` header text sent on every request to a deprecated version (kube's default text when unset). */
  deprecationWarning?: string;
  /** The whole object: apiVersion, kind, metadata, spec, status. */
  schema: z.ZodObject;
  /**
   * Columns after NAME, in order (kube adds NAME first; an AGE column of creationTimestamp is
   * served only when a version lists no columns at all, as apiextensions' tableconvertor does).
   */
  printerColumns?: readonly PrinterColumn[];
  subresources?: Subresources;
  selectableFields?: readonly SelectableField[];
}

/**
 * Converts between versions through a hub (the pattern of Kubernetes' internal version and
 * controller-runtime's Hub/Convertible): every other version converts to and from the hub.
 * Conversion must be lossless both ways (fields one version lacks travel in an annotation).
 */
export interface HubConversion {
  hub: string;
  spokes: Record<string, { toHub(obj: KindObject): KindObject; fromHub(obj: KindObject): KindObject }>;
}

export interface KindSpec {
  group: string;
  kind: string;
  /** Defaults to `${kind}List`. */
  listKind?: string;
  plural: string;
  singular: string;
  shortNames?: readonly string[];
  categories?: readonly string[];
  scope: 'Namespaced' | 'Cluster';
  versions: readonly KindVersionSpec[];
  /** Absent: CRD's `None` strategy — versions share one schema and only apiVersion changes. */
  conversion?: HubConversion;
}

/** One version of a defined kind, with everything derived from its schema. */
export interface KindVersion {
  readonly name: string;
  /** `group/version`. */
  readonly apiVersion: string;
  readonly served: boolean;
  readonly storage: boolean;
  readonly deprecated: boolean;
  readonly deprecationWarning: string | undefined;
  readonly schema: z.ZodObject;
  /** The `<Kind>List` schema: apiVersion, kind, list metadata, items of `schema`. */
  readonly listSchema: z.ZodObject;
  readonly printerColumns: readonly PrinterColumn[];
  readonly subresources: Subresources;
  readonly selectableFields: readonly SelectableField[];
  readonly semantics: SchemaSemantics;
  /** A defaulted copy (the schema's defaults; nulls dropped); the input is not changed. */
  applyDefaults<T>(obj: T): T;
  /** Validates an object as it would be stored (after defaulting). Never throws. */
  validate(obj: unknown): ValidationResult;
  /** validate plus the update rules: metadata that never changes once set. */
  validateUpdate(next: unknown, old: unknown): ValidationResult;
  /** The dotted paths of obj's fields the schema does not know, without validating the rest. */
  unknownFields(obj: unknown): string[];
  /** A copy without the fields the schema does not know. */
  pruneUnknownFields<T>(obj: T): T;
  /** This version's OpenAPI components (the kind, its list and its named parts), keyed by reverse-DNS name. */
  openAPISchemas(opts: OpenAPISchemaOptions): Record<string, Record<string, unknown>>;
  /** The reverse-DNS OpenAPI names of the kind and its list, e.g. `io.educative.pwk.bar.v1.Foo`. */
  readonly openAPINames: { readonly kind: string; readonly list: string };
}

/** A kind as the API server installs it. */
export interface KindDefinition {
  readonly group: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly scope: 'Namespaced' | 'Cluster';
  readonly namespaced: boolean;
  /** All versions, in the order given (kube orders discovery by its own version priority). */
  readonly versions: readonly KindVersion[];
  readonly storageVersion: KindVersion;
  /** The served version of that name, or undefined. */
  version(name: string): KindVersion | undefined;
  /**
   * obj (whose apiVersion names one of this kind's versions) in version `to`; the input is not
   * changed. Same version: returned as is. Throws a KindConversionError when obj's apiVersion
   * or `to` is not a version of the kind.
   */
  convert(obj: KindObject, to: string): KindObject;
}
