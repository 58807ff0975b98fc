/**
 * Server-side apply of one configuration, as structured-merge-diff's merge.Updater.Apply does it:
 * the applied configuration is checked, merged into the live object (typed-merge.ts), what the
 * applier stopped applying is removed unless someone else owns it, and fields another manager
 * owns are taken only when forced (409 with the conflicting fields otherwise). Pure: no I/O,
 * time is injected.
 */
import { StatusError } from '../errors/status-error';
import type { KubeObject } from '../storage/interface';
import { FieldPathError, isPlainObject } from './field-path';
import { FieldSet } from './field-set';
import {
  STRIPPED,
  decodeManaged,
  formatTime,
  identifier,
  resetFieldsFor,
  setManagedFields,
  withoutManagedFields,
} from './managed-fields';
import type { Managed, ManagedFieldsEntry, ManagedKind } from './managed-fields';
import { compareObjects, deepEqual } from './object-compare';
import { dropNulls, mergeValues, prune } from './typed-merge';
import { filterComparison, trackUpdate, transferOwnership } from './update-tracking';

export interface ApplyOptions {
  /** The stored object; undefined when the apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration (the parsed apply-patch+yaml body). */
  applied: unknown;
  manager: string;
  force: boolean;
  now: Date;
  /** The kind and version applied (the configuration must name them). */
  kind: ManagedKind;
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
  if (applied.apiVersion !== opts.kind.apiVersion || applied.kind !== opts.kind.kind) {
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
  const { apiVersion, semantics } = opts.kind;
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
      managed = trackUpdate({ live: {}, next: base, managed, who, now: opts.now, kind: opts.kind });
    }
    const reset = resetFieldsFor(opts.subresource, opts.kind.statusSubresource);
    const id = identifier({
      manager: opts.manager,
      operation: 'Apply',
      apiVersion,
      subresource: opts.subresource,
    });
    const last = managed.get(id);
    const fields = FieldSet.fromObject(applied, semantics).recursiveDifference(reset);
    managed.set(id, {
      manager: opts.manager,
      operation: 'Apply',
      apiVersion,
      subresource: opts.subresource,
      time: last?.time,
      fields,
    });

    const merged = prune(mergeValues(semantics, base, applied) as KubeObject, {
      managed,
      last: last?.fields,
      semantics,
    });
    const change = filterComparison(compareObjects(base, merged, semantics), reset);
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
