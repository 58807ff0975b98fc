/**
 * What is special about a kind, in the shape of k8s.io/apiserver's RESTCreateStrategy /
 * RESTUpdateStrategy: the generic store (store.ts) runs the same sequence for every kind and
 * asks the strategy only these questions.
 */
import type { FieldError } from '@pwk/api';
import type { KubeObject } from '../storage/interface';
import type { GarbageCollectionPolicy } from './deletion';

export interface KindInfo {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  resource: string;
  namespaced: boolean;
}

export interface ValidationResult {
  errors: FieldError[];
  /** Dotted paths of fields the schema does not know. */
  unknownFields: string[];
}

export interface ResourceStrategy extends KindInfo {
  /** Set for a subresource's strategy (e.g. 'status'): recorded in managedFields entries. */
  subresource?: string;
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
