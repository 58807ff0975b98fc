/**
 * metadata.managedFields and server-side apply, as k8s.io/apimachinery's fieldmanager does them:
 * `recordUpdate` attributes what a non-apply write changed to its manager (an Update entry);
 * `applyConfiguration` merges an applied configuration into the live object, removes what the
 * applier stopped applying (unless someone else owns it), and refuses to take fields another
 * manager owns unless forced (409 with the conflicting fields). Pure: no I/O, time is injected.
 */
import { API_VERSION, KIND } from '@pwk/api';
import type { ObjectMeta } from '@pwk/api';
import { StatusError } from '../errors/status-error';
import type { KubeObject } from '../storage/interface';
import {
  FieldPathError,
  FieldSet,
  childTypePath,
  compareObjects,
  decodeElement,
  deepEqual,
  formatPath,
  indexItems,
  isPlainObject,
  itemTypePath,
  listTypeAt,
} from './field-set';
import type { Comparison } from './field-set';

export type ManagedFieldsEntry = NonNullable<ObjectMeta['managedFields']>[number];
type Operation = 'Apply' | 'Update';

/** One manager's entry while we work on it; keyed by its identifier (BuildManagerIdentifier). */
interface ManagedSet {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource?: string;
  time?: string;
  fields: FieldSet;
}
type Managed = Map<string, ManagedSet>;

/** Fields no manager ever owns (fieldmanager's stripMetaManager). */
const STRIPPED = FieldSet.of(
  [{ field: 'apiVersion' }],
  [{ field: 'kind' }],
  [{ field: 'metadata' }],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation']
    .concat(['managedFields', 'resourceVersion'])
    .map((f) => [{ field: 'metadata' }, { field: f }]),
);

/** What each endpoint resets (the strategies' GetResetFields): never owned through it. */
export function resetFieldsFor(subresource: string | undefined): FieldSet {
  if (!subresource) return FieldSet.of([{ field: 'status' }]);
  if (subresource === 'status') return FieldSet.of([{ field: 'spec' }]);
  return FieldSet.empty();
}

const MAX_UPDATE_MANAGERS = 10;
const CURRENT_OPERATION = 'current-operation';
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

function identifier(e: Pick<ManagedSet, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  // The field order and omissions of the JSON Kubernetes marshals; appliers keep one entry across versions.
  return JSON.stringify({
    manager: e.manager || undefined,
    operation: e.operation,
    apiVersion: e.operation === 'Update' ? e.apiVersion || undefined : undefined,
    subresource: e.subresource || undefined,
  });
}

const formatTime = (now: Date): string => now.toISOString().replace(/\.\d+Z$/, 'Z');

function decodeManaged(entries: unknown): Managed {
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

const seconds = (time: string | undefined): number => (time ? Math.floor(Date.parse(time) / 1000) : 0);

function encodeManaged(managed: Managed): ManagedFieldsEntry[] | undefined {
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

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function withoutManagedFields(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  delete copy.metadata.managedFields;
  return copy;
}

function filterComparison(c: Comparison, reset: FieldSet): Comparison {
  return {
    added: c.added.recursiveDifference(reset),
    modified: c.modified.recursiveDifference(reset),
    removed: c.removed.recursiveDifference(reset),
  };
}

/** merge.Updater.update: others lose what changed (conflicts unless forced) and what was removed. */
function transferOwnership(opts: {
  managed: Managed;
  change: Comparison;
  workflow: string;
  force: boolean;
}): Managed {
  const changed = opts.change.modified.union(opts.change.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [id, set] of opts.managed) {
    if (id === opts.workflow) continue;
    const conflict = set.fields.intersection(changed);
    if (!conflict.isEmpty()) conflicts.set(id, conflict);
  }
  if (!opts.force && conflicts.size > 0) throw conflictError(conflicts, opts.managed);
  const out: Managed = new Map();
  for (const [id, set] of opts.managed) {
    const fields =
      id === opts.workflow
        ? set.fields
        : set.fields.difference(conflicts.get(id) ?? FieldSet.empty()).difference(opts.change.removed);
    if (!fields.isEmpty()) out.set(id, { ...set, fields });
  }
  return out;
}

function printManager(set: ManagedSet): string {
  let out = JSON.stringify(set.manager);
  if (set.subresource) out += ` with subresource ${JSON.stringify(set.subresource)}`;
  return set.operation === 'Update' ? `${out} using ${set.apiVersion}` : out;
}

/** NewConflictError: one cause per field; the message groups fields by manager, sorted. */
function conflictError(conflicts: Map<string, FieldSet>, managed: Managed): StatusError {
  const ids = [...conflicts.keys()].sort(cmp);
  const causes = ids.flatMap((id) =>
    conflicts
      .get(id)!
      .paths()
      .map((path) => ({
        reason: 'FieldManagerConflict',
        message: `conflict with ${printManager(managed.get(id)!)}`,
        field: formatPath(path),
      })),
  );
  let message: string;
  if (causes.length === 1) {
    message = `Apply failed with 1 conflict: ${causes[0]!.message}: ${causes[0]!.field}`;
  } else {
    const lines = ids.flatMap((id) => [
      `conflicts with ${printManager(managed.get(id)!)}:`,
      ...conflicts
        .get(id)!
        .paths()
        .map((p) => `- ${formatPath(p)}`),
    ]);
    message = `Apply failed with ${causes.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { details: { causes } });
}

interface TrackUpdate {
  live: unknown;
  next: unknown;
  managed: Managed;
  who: Omit<ManagedSet, 'fields' | 'time' | 'operation'>;
  now: Date;
}

/** The Update operation on the decoded entries (managedFieldsUpdater + stripMeta + capManagers). */
function trackUpdate(t: TrackUpdate): Managed {
  const reset = resetFieldsFor(t.who.subresource);
  const change = filterComparison(compareObjects(t.live, t.next), reset);
  const managed = transferOwnership({ managed: t.managed, change, workflow: CURRENT_OPERATION, force: true });
  const changed = change.modified.union(change.added).recursiveDifference(reset).difference(STRIPPED);
  if (!changed.isEmpty()) {
    const set: ManagedSet = { ...t.who, operation: 'Update', fields: changed, time: formatTime(t.now) };
    const id = identifier(set);
    const previous = managed.get(id);
    managed.set(id, { ...set, fields: previous ? changed.union(previous.fields) : changed });
  }
  return capUpdateManagers(managed);
}

/** Keeps at most ten Update entries, folding the oldest into `ancient-changes` per apiVersion. */
function capUpdateManagers(managed: Managed): Managed {
  const updaters = [...managed.entries()].filter(([, s]) => s.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return managed;
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || cmp(ia, ib));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (const [id, set] of updaters) {
    if (length <= MAX_UPDATE_MANAGERS) break;
    const first = firstOfVersion.get(set.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(set.apiVersion, id);
      continue;
    }
    const bucket = { manager: 'ancient-changes', operation: 'Update' as const, apiVersion: set.apiVersion };
    const bucketId = identifier(bucket);
    if (!managed.has(bucketId)) {
      managed.set(bucketId, { ...bucket, fields: managed.get(first)!.fields });
      managed.delete(first);
    }
    managed.set(bucketId, {
      ...bucket,
      fields: set.fields.union(managed.get(bucketId)!.fields),
      time: set.time,
    });
    managed.delete(id);
    length--;
  }
  return managed;
}

function isReset(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  return entries.length === 0 || (entries.length === 1 && deepEqual(entries[0], {}));
}

/** decodeLiveOrNew: a client may rewrite managedFields; an empty or broken list keeps the live one. */
function managedForUpdate(live: KubeObject | undefined, next: KubeObject, subresource?: string): Managed {
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

function setManagedFields(obj: KubeObject, managed: Managed): ManagedFieldsEntry[] | undefined {
  const entries = encodeManaged(managed);
  if (entries) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
  return entries;
}

export interface RecordUpdateOptions {
  /** The stored object; undefined when this write creates it. */
  live: KubeObject | undefined;
  next: KubeObject;
  /** `fieldManager`, or defaultManagerName(User-Agent); empty is recorded as `unknown`. */
  manager: string;
  now: Date;
  apiVersion?: string;
  subresource?: string;
}

/** A create/update/patch (not apply): returns `next` with its managedFields brought up to date. */
export function recordUpdate(opts: RecordUpdateOptions): KubeObject {
  const next = withoutManagedFields(opts.next);
  let managed: Managed;
  try {
    managed = managedForUpdate(opts.live, opts.next, opts.subresource);
  } catch {
    return next; // UpdateNoErrors: unreadable entries are dropped rather than failing the write
  }
  // An existing object nobody tracks (or whose tracking a client reset) stays untracked.
  if (managed.size === 0 && opts.live !== undefined) return next;
  try {
    const who = {
      manager: opts.manager || 'unknown',
      apiVersion: opts.apiVersion ?? API_VERSION,
      subresource: opts.subresource,
    };
    const live = opts.live ? withoutManagedFields(opts.live) : {};
    managed = trackUpdate({ live, next, managed, who, now: opts.now });
  } catch (err) {
    if (err instanceof FieldPathError) return next;
    throw err;
  }
  setManagedFields(next, managed);
  return next;
}

export interface ApplyOptions {
  /** The stored object; undefined when the apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration (the parsed apply-patch+yaml body). */
  applied: unknown;
  manager: string;
  force: boolean;
  now: Date;
  apiVersion?: string;
  subresource?: string;
  /** The name and namespace in the URL; the merged object must match them. */
  name?: string;
  namespace?: string;
}

export interface ApplyResult {
  object: KubeObject;
  managedFields: ManagedFieldsEntry[] | undefined;
}

function gvkString(obj: Record<string, unknown>): string {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  return `${group}/${version}, Kind=${typeof obj.kind === 'string' ? obj.kind : ''}`;
}

function validateApplied(opts: ApplyOptions): Record<string, unknown> {
  if (!opts.manager) {
    throw StatusError.invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [
      {
        reason: 'FieldValueRequired',
        message: 'Required value: is required for apply patch',
        field: 'fieldManager',
      },
    ]);
  }
  const applied = opts.applied;
  if (!isPlainObject(applied))
    throw StatusError.badRequest('error decoding YAML: the applied configuration must be an object');
  if (applied.apiVersion !== API_VERSION || applied.kind !== KIND) {
    throw StatusError.badRequest(`invalid object type: ${gvkString(applied)}`);
  }
  const metadata = applied.metadata;
  if (metadata !== undefined && metadata !== null && !isPlainObject(metadata)) {
    throw StatusError.badRequest('error decoding YAML: metadata must be an object');
  }
  if (isPlainObject(metadata) && metadata.managedFields !== undefined && metadata.managedFields !== null) {
    throw StatusError.badRequest('metadata.managedFields must be nil');
  }
  return applied;
}

/** checkName from the patch handler, run on the merged object. */
function checkName(obj: KubeObject, opts: ApplyOptions): void {
  const objName = (obj.metadata as KubeObject['metadata'] | undefined)?.name;
  if (!objName) {
    throw StatusError.badRequest(
      `the name of the object (${opts.name ?? ''} based on URL) was undeterminable: name must be provided`,
    );
  }
  if (opts.name !== undefined && objName !== opts.name) {
    throw StatusError.badRequest(
      `the name of the object (${objName}) does not match the name on the URL (${opts.name})`,
    );
  }
  const objNamespace = obj.metadata.namespace;
  if (opts.namespace && objNamespace && objNamespace !== opts.namespace) {
    throw StatusError.badRequest(
      `the namespace of the object (${objNamespace}) does not match the namespace on the URL (${opts.namespace})`,
    );
  }
}

/** Server-side apply: the merged object and its managedFields, or a 400/409/500 StatusError. */
export function applyConfiguration(opts: ApplyOptions): ApplyResult {
  const applied = validateApplied(opts);
  const apiVersion = opts.apiVersion ?? API_VERSION;
  const base: KubeObject = opts.live ? withoutManagedFields(opts.live) : ({} as KubeObject);
  try {
    let managed: Managed;
    try {
      managed = decodeManaged(opts.live?.metadata.managedFields);
    } catch (err) {
      throw new StatusError(
        500,
        'InternalError',
        `failed to decode managed fields: ${(err as Error).message}`,
      );
    }
    if (managed.size === 0 && opts.live) {
      // Fields written before anyone tracked them belong to a placeholder updater (skipNonApplied).
      const who = { manager: 'before-first-apply', apiVersion, subresource: opts.subresource };
      managed = trackUpdate({ live: {}, next: base, managed, who, now: opts.now });
    }
    const reset = resetFieldsFor(opts.subresource);
    const id = identifier({
      manager: opts.manager,
      operation: 'Apply',
      apiVersion,
      subresource: opts.subresource,
    });
    const last = managed.get(id);
    const fields = FieldSet.fromObject(applied).recursiveDifference(reset);
    managed.set(id, {
      manager: opts.manager,
      operation: 'Apply',
      apiVersion,
      subresource: opts.subresource,
      time: last?.time,
      fields,
    });

    const merged = prune(mergeValues(base, applied, '') as KubeObject, managed, last?.fields);
    const change = filterComparison(compareObjects(base, merged), reset);
    managed = transferOwnership({ managed, change, workflow: id, force: opts.force });
    const own = managed.get(id);
    if (own) {
      const stripped = own.fields.difference(STRIPPED);
      if (stripped.isEmpty()) managed.delete(id);
      else managed.set(id, { ...own, fields: stripped });
    }
    const changed = !deepEqual(base, merged);
    // A no-op apply leaves the entry's time alone, as Kubernetes does.
    if (changed && managed.has(id)) managed.get(id)!.time = formatTime(opts.now);
    const object = dropNulls(changed ? merged : structuredClone(base)) as KubeObject;
    checkName(object, opts);
    const managedFields = setManagedFields(object, managed);
    return { object, managedFields };
  } catch (err) {
    if (err instanceof FieldPathError) {
      throw new StatusError(500, 'InternalError', `failed to create typed patch object: ${err.message}`);
    }
    throw err;
  }
}

/** Typed merge (ruleKeepRHS): maps and structs union, set/keyed lists merge by item, the rest is replaced. */
function mergeValues(lhs: unknown, rhs: unknown, typePath: string): unknown {
  if (rhs === undefined) return structuredClone(lhs);
  if (isPlainObject(lhs) && isPlainObject(rhs)) {
    const out: Record<string, unknown> = structuredClone(lhs);
    for (const [key, value] of Object.entries(rhs)) {
      if (value !== undefined) out[key] = mergeValues(lhs[key], value, childTypePath(typePath, key));
    }
    return out;
  }
  if (Array.isArray(lhs) && Array.isArray(rhs) && listTypeAt(typePath).kind !== 'atomic') {
    const left = indexItems(typePath, lhs);
    const right = indexItems(typePath, rhs);
    return mergedOrder([...left.keys()], [...right.keys()]).map((pe) =>
      mergeValues(left.get(pe), right.get(pe), itemTypePath(typePath)),
    );
  }
  return structuredClone(rhs);
}

/** The item order of structured-merge-diff's list merge: the applied order, live-only items kept in place. */
function mergedOrder(lhs: string[], rhs: string[]): string[] {
  const inLeft = new Set(lhs);
  const inRight = new Set(rhs);
  const shared = rhs.filter((pe) => inLeft.has(pe));
  let nextShared = shared.shift();
  const mergedRight = new Set<string>();
  const out: string[] = [];
  let l = 0;
  let r = 0;
  while (l < lhs.length || r < rhs.length) {
    if (l < lhs.length && r < rhs.length) {
      if (lhs[l] === rhs[r]) {
        out.push(lhs[l]!);
        mergedRight.add(lhs[l]!);
        l++;
        r++;
        nextShared = shared.shift();
        continue;
      }
      if (inRight.has(lhs[l]!) && nextShared !== undefined && nextShared !== lhs[l]) {
        l++; // a shared item, but not the next one the applier ordered
        continue;
      }
    }
    if (l < lhs.length) {
      if (!inRight.has(lhs[l]!)) {
        out.push(lhs[l++]!);
        continue;
      }
      if (mergedRight.has(lhs[l]!)) {
        l++;
        continue;
      }
    }
    if (r < rhs.length) {
      const pe = rhs[r++]!;
      mergedRight.add(pe);
      out.push(pe);
      if (nextShared === pe) nextShared = shared.shift();
    }
  }
  return out;
}

/** Removes what the applier owned last time, no longer applies, and nobody else owns. */
function prune(merged: KubeObject, managed: Managed, last: FieldSet | undefined): KubeObject {
  if (!last || last.isEmpty()) return merged;
  const owned = [...managed.values()]
    .reduce((acc, s) => acc.union(s.fields), FieldSet.empty())
    .withNamedParents();
  const remove = FieldSet.fromObject(merged)
    .withNamedParents()
    .intersection(last.withNamedParents())
    .difference(owned);
  return (removeItems(merged, remove, '') ?? {}) as KubeObject;
}

/** RemoveItems: drops each member of `remove` (with what lies below); emptied containers vanish. */
function removeItems(value: unknown, remove: FieldSet, typePath: string): unknown {
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const pe = { field: key };
      if (remove.has([pe])) continue;
      const below = remove.withPrefix(pe);
      const kept = below.isEmpty() ? v : removeItems(v, below, childTypePath(typePath, key));
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (Array.isArray(value)) {
    if (listTypeAt(typePath).kind === 'atomic') return undefined;
    const out = [...indexItems(typePath, value)].flatMap(([pe, item]) => {
      const element = decodeElement(pe);
      if (remove.has([element])) return [];
      const below = remove.withPrefix(element);
      const kept = below.isEmpty() ? item : removeItems(item, below, itemTypePath(typePath));
      return kept === undefined ? [] : [kept];
    });
    return out.length > 0 ? out : undefined;
  }
  return value;
}

/** Applied nulls mean "owned, and unset": the stored object simply lacks them. */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = dropNulls(v);
  return out;
}
