/**
 * What a DELETE does to an object before (or instead of) removing it, as k8s.io/apiserver's
 * generic registry decides it (registry/generic/registry/store.go: Delete,
 * deletionFinalizersForGarbageCollection, shouldOrphanDependents, shouldDeleteDependents,
 * markAsDeleting; rest/delete.go: BeforeDelete). The garbage collector then does the rest:
 * `orphan` → it strips the ownerReferences from the dependents and removes the finalizer;
 * `foregroundDeletion` → it deletes the blocking dependents first, then removes the finalizer.
 */
import type { AdmissionUser, AuditAnnotation } from '../admission/attributes';
import type { KubeObject, Preconditions } from '../storage/interface';
import { finalizersOf } from './finalizers';

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

/** metav1.DeleteOptions, as far as they mean anything to a kind without graceful deletion. */
export interface DeletionOptions {
  preconditions?: Preconditions;
  dryRun: boolean;
  /** Who asks, for admission. */
  user?: AdmissionUser;
  /** Where admission's audit annotations go (the request's audit event), when it is audited. */
  auditAnnotations?: Record<string, AuditAnnotation>;
  propagationPolicy?: PropagationPolicy;
  /** Deprecated (`true` = Orphan, `false` = Background); never beside propagationPolicy. */
  orphanDependents?: boolean;
  /**
   * Accepted and validated; a kind without graceful deletion (every CRD, every kind here) deletes at once
   * whatever it says, as k8s does for a strategy that is not a RESTGracefulDeleteStrategy.
   */
  gracePeriodSeconds?: number;
}

/**
 * A kind's default when DeleteOptions name no policy (rest.GarbageCollectionDeleteStrategy):
 * none means Background, as for every CRD; 'Unsupported' never sets the GC's finalizers.
 */
export type GarbageCollectionPolicy = 'OrphanDependents' | 'DeleteDependents' | 'Unsupported';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

function shouldOrphan(
  finalizers: readonly string[],
  options: DeletionOptions,
  policy?: GarbageCollectionPolicy,
) {
  if (policy === 'Unsupported') return false;
  // An explicit option at deletion time overrides the object's finalizers and the kind's default.
  if (options.orphanDependents !== undefined) return options.orphanDependents;
  if (options.propagationPolicy !== undefined) return options.propagationPolicy === 'Orphan';
  for (const f of finalizers) {
    if (f === ORPHAN_FINALIZER) return true;
    if (f === FOREGROUND_FINALIZER) return false;
  }
  return policy === 'OrphanDependents';
}

function shouldDeleteDependents(
  finalizers: readonly string[],
  options: DeletionOptions,
  policy?: GarbageCollectionPolicy,
) {
  if (policy === 'Unsupported') return false;
  if (options.orphanDependents !== undefined) return false;
  if (options.propagationPolicy !== undefined) return options.propagationPolicy === 'Foreground';
  for (const f of finalizers) {
    if (f === FOREGROUND_FINALIZER) return true;
    if (f === ORPHAN_FINALIZER) return false;
  }
  return false;
}

/**
 * The object's finalizers with the garbage collector's two set as the options ask, or undefined
 * when that changes nothing (compared as sets, as k8s does).
 */
export function garbageCollectionFinalizers(
  obj: KubeObject,
  options: DeletionOptions,
  policy?: GarbageCollectionPolicy,
): string[] | undefined {
  const current = finalizersOf(obj);
  const next = current.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
  if (shouldOrphan(current, options, policy)) next.push(ORPHAN_FINALIZER);
  if (shouldDeleteDependents(current, options, policy)) next.push(FOREGROUND_FINALIZER);
  const before = new Set(current);
  const after = new Set(next);
  const same = before.size === after.size && [...after].every((f) => before.has(f));
  return same ? undefined : next;
}

/**
 * The object marked as being deleted: deletionTimestamp now (unless an earlier one is set),
 * deletionGracePeriodSeconds 0, and a new generation the first time (markAsDeleting).
 */
export function markAsDeleting(obj: KubeObject, now: string): KubeObject {
  const metadata = { ...obj.metadata };
  const generation = Number(metadata.generation ?? 0);
  if (metadata.deletionTimestamp === undefined && generation > 0) metadata.generation = generation + 1;
  const existing =
    typeof metadata.deletionTimestamp === 'string' ? Date.parse(metadata.deletionTimestamp) : NaN;
  if (Number.isNaN(existing) || existing > Date.parse(now)) metadata.deletionTimestamp = now;
  metadata.deletionGracePeriodSeconds = 0;
  return { ...obj, metadata };
}
