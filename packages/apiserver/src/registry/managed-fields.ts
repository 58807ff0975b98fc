/**
 * metadata.managedFields entries, as k8s.io/apimachinery's fieldmanager reads and writes them:
 * decoded into one field set per manager (keyed by BuildManagerIdentifier), encoded back in
 * Kubernetes' order, the manager a write is recorded under, and the fields no manager owns.
 */
import type { ObjectMeta, SchemaSemantics } from '@pwk/api';
import type { KubeObject } from '../storage/interface';
import { isPlainObject } from './field-path';
import { FieldSet } from './field-set';
import { deepEqual } from './object-compare';

export type ManagedFieldsEntry = NonNullable<ObjectMeta['managedFields']>[number];
export type Operation = 'Apply' | 'Update';

/** One manager's entry while we work on it; keyed by its identifier (BuildManagerIdentifier). */
export interface ManagedSet {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource?: string;
  time?: string;
  fields: FieldSet;
}
export type Managed = Map<string, ManagedSet>;

/** Fields no manager ever owns (fieldmanager's stripMetaManager). */
export const STRIPPED = FieldSet.of(
  [{ field: 'apiVersion' }],
  [{ field: 'kind' }],
  [{ field: 'metadata' }],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation']
    .concat(['managedFields', 'resourceVersion'])
    .map((f) => [{ field: 'metadata' }, { field: f }]),
);

/** What field management knows of the kind an object is written as (from its strategy). */
export interface ManagedKind {
  /** `group/version` of the write: recorded in Update entries, required of an applied configuration. */
  apiVersion: string;
  kind: string;
  semantics: SchemaSemantics;
  /** Whether status is written only through `/status` (the main resource then resets it); default true. */
  statusSubresource?: boolean;
}

/**
 * What each endpoint resets (the strategies' GetResetFields): never owned through it. A kind
 * without a status subresource takes status on the main resource, as a CRD does.
 */
export function resetFieldsFor(subresource: string | undefined, statusSubresource = true): FieldSet {
  if (!subresource) return statusSubresource ? FieldSet.of([{ field: 'status' }]) : FieldSet.empty();
  if (subresource === 'status') return FieldSet.of([{ field: 'spec' }]);
  return FieldSet.empty();
}

const FIELD_MANAGER_MAX_LENGTH = 128;

/** The manager a write without `fieldManager` is recorded under: the user agent's program name. */
export function defaultManagerName(userAgent: string | undefined): string {
  const program = (userAgent ?? '').split('/')[0] ?? '';
  let out = '';
  for (const ch of program) {
    if (!/[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(ch)) continue; // Go's unicode.IsPrint
    if (Buffer.byteLength(out + ch) > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
  }
  return out;
}

export function identifier(
  e: Pick<ManagedSet, 'manager' | 'operation' | 'apiVersion' | 'subresource'>,
): string {
  // The field order and omissions of the JSON Kubernetes marshals; appliers keep one entry across versions.
  return JSON.stringify({
    manager: e.manager || undefined,
    operation: e.operation,
    apiVersion: e.operation === 'Update' ? e.apiVersion || undefined : undefined,
    subresource: e.subresource || undefined,
  });
}

export const formatTime = (now: Date): string => now.toISOString().replace(/\.\d+Z$/, 'Z');

export function decodeManaged(entries: unknown): Managed {
  const managed: Managed = new Map();
  if (entries === undefined || entries === null) return managed;
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list');
  entries.forEach((raw: unknown, i) => {
    const e = (isPlainObject(raw) ? raw : {}) as ManagedFieldsEntry;
    if (e.operation !== 'Apply' && e.operation !== 'Update')
      throw new Error('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new Error('apiVersion must not be empty');
    if (!e.fieldsType) throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1')
      throw new Error(`invalid fieldsType "${e.fieldsType}" in managed fields entry ${i}`);
    const set: ManagedSet = {
      manager: e.manager ?? '',
      operation: e.operation,
      apiVersion: e.apiVersion,
      subresource: e.subresource || undefined,
      time: e.time,
      fields: FieldSet.fromFieldsV1(e.fieldsV1 ?? {}),
    };
    managed.set(identifier(set), set);
  });
  return managed;
}

export const seconds = (time: string | undefined): number => (time ? Math.floor(Date.parse(time) / 1000) : 0);

export function encodeManaged(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.size === 0) return undefined;
  const sorted = [...managed.values()].sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
  return sorted.map((s) => {
    const entry: ManagedFieldsEntry = {
      manager: s.manager,
      operation: s.operation,
      apiVersion: s.apiVersion,
    };
    if (s.time) entry.time = s.time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = s.fields.toFieldsV1();
    if (s.subresource) entry.subresource = s.subresource;
    return entry;
  });
}

export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function withoutManagedFields(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  delete copy.metadata.managedFields;
  return copy;
}

function isReset(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  return entries.length === 0 || (entries.length === 1 && deepEqual(entries[0], {}));
}

/** decodeLiveOrNew: a client may rewrite managedFields; an empty or broken list keeps the live one. */
export function managedForUpdate(
  live: KubeObject | undefined,
  next: KubeObject,
  subresource?: string,
): Managed {
  if (subresource) return decodeManaged(live?.metadata.managedFields);
  if (isReset(next.metadata.managedFields)) return new Map();
  try {
    const fromNext = decodeManaged(next.metadata.managedFields);
    if (fromNext.size > 0) return fromNext;
  } catch {
    // fall back to the live object's entries, as Kubernetes does
  }
  return decodeManaged(live?.metadata.managedFields);
}

export function setManagedFields(obj: KubeObject, managed: Managed): ManagedFieldsEntry[] | undefined {
  const entries = encodeManaged(managed);
  if (entries) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
  return entries;
}
