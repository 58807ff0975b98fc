/**
 * What is special about a kind, in the shape of k8s.io/apiserver's RESTCreateStrategy /
 * RESTUpdateStrategy: the generic store (store.ts) runs the same sequence for every kind and
 * asks the strategy only these questions. kind-strategy.ts builds one from a kind definition.
 */
import type { FieldError, PrinterColumn, SchemaSemantics, SelectableField, Subresources } from '@pwk/api';
import type { KubeObject } from '../storage/interface';
import type { GarbageCollectionPolicy } from './deletion';
import type { ManagedKind } from './managed-fields';

/** A kind's names at one served version, and what its version declares beside its schema. */
export interface KindInfo {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  resource: string;
  namespaced: boolean;
  /** The version's printer columns (table.ts: tableConverterFor). */
  printerColumns: readonly PrinterColumn[];
  /** The version's status and scale subresources (scale.ts: scaleFor). */
  subresources: Subresources;
  /** Fields usable in `?fieldSelector=` besides metadata.name/namespace (field-selector.ts). */
  selectableFields: readonly SelectableField[];
}

export interface ValidationResult {
  errors: FieldError[];
  /** Dotted paths of fields the schema does not know. */
  unknownFields: string[];
}

export interface ResourceStrategy extends KindInfo {
  /** Set for a subresource's strategy (e.g. 'status'): recorded in managedFields entries. */
  subresource?: string;
  /** List and map semantics of the version's schema (strategic merge, server-side apply). */
  semantics: SchemaSemantics;
  /** A defaulted copy (the schema's defaulting; the input is not changed). Runs on every write before validation. */
  applyDefaults(obj: KubeObject): KubeObject;
  /** Clears what a client may not set on create (e.g. status behind a status subresource). */
  prepareForCreate(obj: KubeObject): void;
  /** Carries over what a main-resource update may not change (e.g. status). */
  prepareForUpdate(next: KubeObject, old: KubeObject): void;
  validate(obj: KubeObject): ValidationResult;
  validateUpdate(next: KubeObject, old: KubeObject): ValidationResult;
  /** The dotted paths of the fields the schema does not know, found without validating the rest. */
  unknownFields(obj: KubeObject): string[];
  /** A copy without unknown fields (what is stored whatever the fieldValidation). */
  pruneUnknownFields(obj: KubeObject): KubeObject;
  /** What a DELETE without a propagation policy does to dependents; unset = Background (as for CRDs). */
  garbageCollectionPolicy?: GarbageCollectionPolicy;
  /** Whether the change from old to next bumps metadata.generation. */
  generationChanged(next: KubeObject, old: KubeObject): boolean;
}

/** `group/version` of a strategy's kind. */
export const apiVersionOf = (kind: Pick<KindInfo, 'group' | 'version'>): string =>
  kind.group ? `${kind.group}/${kind.version}` : kind.version;

/** What field management needs of a strategy's kind (managed-fields.ts). */
export function managedKindOf(strategy: ResourceStrategy): ManagedKind {
  return {
    apiVersion: apiVersionOf(strategy),
    kind: strategy.kind,
    semantics: strategy.semantics,
    statusSubresource: strategy.subresources.status !== undefined,
  };
}
