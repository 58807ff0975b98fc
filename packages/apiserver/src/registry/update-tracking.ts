/**
 * Update tracking, as fieldmanager's managedFieldsUpdater does it: what a non-apply write
 * changed goes to its manager (an Update entry), others lose what changed and what was removed,
 * a conflict with another manager is a 409 (unless forced), and at most ten Update entries are
 * kept. Pure: no I/O, time is injected.
 */
import { StatusError } from '../errors/status-error';
import type { KubeObject } from '../storage/interface';
import { formatPath } from './field-path';
import { FieldPathError } from './field-path';
import { FieldSet } from './field-set';
import {
  STRIPPED,
  cmp,
  formatTime,
  identifier,
  managedForUpdate,
  resetFieldsFor,
  seconds,
  setManagedFields,
  withoutManagedFields,
} from './managed-fields';
import type { ManagedKind, Managed, ManagedSet } from './managed-fields';
import { compareObjects } from './object-compare';
import type { Comparison } from './object-compare';

const MAX_UPDATE_MANAGERS = 10;
const CURRENT_OPERATION = 'current-operation';

export function filterComparison(c: Comparison, reset: FieldSet): Comparison {
  return {
    added: c.added.recursiveDifference(reset),
    modified: c.modified.recursiveDifference(reset),
    removed: c.removed.recursiveDifference(reset),
  };
}

/** merge.Updater.update: others lose what changed (conflicts unless forced) and what was removed. */
export function transferOwnership(opts: {
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

export interface TrackUpdate {
  live: unknown;
  next: unknown;
  managed: Managed;
  who: Omit<ManagedSet, 'fields' | 'time' | 'operation'>;
  now: Date;
  kind: ManagedKind;
}

/** The Update operation on the decoded entries (managedFieldsUpdater + stripMeta + capManagers). */
export function trackUpdate(t: TrackUpdate): Managed {
  const reset = resetFieldsFor(t.who.subresource, t.kind.statusSubresource);
  const change = filterComparison(compareObjects(t.live, t.next, t.kind.semantics), reset);
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

export interface RecordUpdateOptions {
  /** The stored object; undefined when this write creates it. */
  live: KubeObject | undefined;
  next: KubeObject;
  /** `fieldManager`, or defaultManagerName(User-Agent); empty is recorded as `unknown`. */
  manager: string;
  now: Date;
  /** The kind and version the write is made in. */
  kind: ManagedKind;
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
      apiVersion: opts.kind.apiVersion,
      subresource: opts.subresource,
    };
    const live = opts.live ? withoutManagedFields(opts.live) : {};
    managed = trackUpdate({ live, next, managed, who, now: opts.now, kind: opts.kind });
  } catch (err) {
    if (err instanceof FieldPathError) return next;
    throw err;
  }
  setManagedFields(next, managed);
  return next;
}
