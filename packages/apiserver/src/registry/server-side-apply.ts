/**
 * Server-side apply as a write of the registry store (the patch handler's applyPatcher): the
 * applied configuration's unknown fields are refused, warned about or dropped before anyone can
 * own them; then it is merged into the live object under `fieldManager`'s ownership (conflicts
 * with other managers → 409 unless forced), creating the object when it does not exist.
 */
import { StatusError } from '../errors/status-error';
import type { KubeObject, Preconditions } from '../storage/interface';
import { unknownFieldWarnings } from './field-validation';
import { applyConfiguration } from './apply-configuration';
import { isPlainObject } from './field-path';
import { managedKindOf } from './strategy';
import type { ResourceStrategy } from './strategy';
import type { FieldTracking, WriteOptions, WriteResult } from './write-options';

/** The store's writes an apply is made of. */
export interface ApplyTarget {
  readonly strategy: ResourceStrategy;
  exists(namespace: string, name: string): Promise<boolean>;
  create(
    namespace: string,
    body: KubeObject,
    options: WriteOptions,
    tracking: FieldTracking,
  ): Promise<WriteResult>;
  updateWith(
    target: { namespace: string; name: string },
    next: (current: KubeObject) => KubeObject,
    opts: { options: WriteOptions; preconditions?: Preconditions; tracking: FieldTracking },
  ): Promise<WriteResult>;
}

/** Returns whether the object was created (201) or updated (200). */
export async function applyObject(
  store: ApplyTarget,
  request: {
    target: { namespace: string; name: string };
    applied: unknown;
    options: WriteOptions;
    force: boolean;
    now: () => Date;
  },
): Promise<WriteResult & { created: boolean }> {
  const { target, applied, options, force } = request;
  const { strategy } = store;
  const unknownFields = isPlainObject(applied) ? strategy.unknownFields(applied as KubeObject) : [];
  const warnings = unknownFieldWarnings(unknownFields, options);
  const known = unknownFields.length > 0 ? strategy.pruneUnknownFields(applied as KubeObject) : applied;
  const configure = (live: KubeObject | undefined) =>
    applyConfiguration({
      live,
      applied: known,
      manager: options.fieldManager ?? '',
      force,
      now: request.now(),
      kind: managedKindOf(strategy),
      subresource: strategy.subresource,
      name: target.name,
      namespace: target.namespace,
    }).object;
  if (!(await store.exists(target.namespace, target.name))) {
    // A subresource never creates its object (its REST update does not allow create): 404.
    if (strategy.subresource) {
      throw StatusError.notFound({ group: strategy.group, resource: strategy.resource }, target.name);
    }
    const created = await store.create(target.namespace, configure(undefined), options, 'keep');
    return { ...created, warnings: [...warnings, ...created.warnings], created: true };
  }
  const rv = (applied as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
  const updated = await store.updateWith(target, (current) => configure(current), {
    options,
    preconditions: typeof rv === 'string' && rv ? { resourceVersion: rv } : undefined,
    tracking: 'keep',
  });
  return { ...updated, warnings: [...warnings, ...updated.warnings], created: false };
}
