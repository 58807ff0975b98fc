/**
 * DELETE, as the generic registry runs it for a kind without graceful deletion
 * (registry/generic/registry/store.go: Delete, updateForGracefulDeletionAndFinalizers):
 * preconditions first; then, when the object has finalizers or the options give the garbage
 * collector work (Orphan, Foreground), it is only marked (its GC finalizers set,
 * deletionTimestamp) and the finalizers' owners remove it later; otherwise it is removed at once.
 */
import { attachWarnings } from '../errors/warnings';
import { StatusError } from '../errors/status-error';
import { InvalidKeyError, NotFoundError } from '../storage/errors';
import type { KubeObject, ObjectKey, Storage } from '../storage/interface';
import { newAdmissionRecord } from './admission-request';
import { garbageCollectionFinalizers, markAsDeleting } from './deletion';
import type { DeletionOptions } from './deletion';
import { finalizersOf } from './finalizers';
import { checkDeletePreconditions } from './preconditions';
import type { ResourceStrategy } from './strategy';
import { rfc3339Seconds } from './timestamps';
import type { WriteAdmission } from './write-admission';

export interface DeleteResult {
  /** The object still exists (finalizers pending): answer with it rather than a Status. */
  pending: boolean;
  object: KubeObject;
  /** Admission's warnings for the client. */
  warnings: string[];
}

/** What a deletion needs of its registry store. */
export interface DeletionContext {
  storage: Storage;
  strategy: ResourceStrategy;
  key: ObjectKey;
  now(): Date;
  /** Whether a garbage collector serves this API (only then are its finalizers set). */
  garbageCollection: boolean;
  admission?: WriteAdmission;
}

/** Thrown inside a deletion's update when no finalizer is left: remove the object instead. */
const DELETE_NOW = Symbol('delete now');

export async function deleteObject(ctx: DeletionContext, options: DeletionOptions): Promise<DeleteResult> {
  const { key, strategy } = ctx;
  let record = newAdmissionRecord(options.auditAnnotations);
  // Each admission of this delete (a retried update, the removal) starts a fresh record.
  const admitDelete = async (stored: KubeObject) => {
    record = newAdmissionRecord(options.auditAnnotations);
    await ctx.admission?.admitDelete(stored, options, record);
  };
  try {
    const current = await ctx.storage.get(key);
    checkDeletePreconditions(strategy, current, options.preconditions);
    if (finalizersOf(current).length > 0 || finalizersOnDelete(ctx, current, options)) {
      // DELETE_NOW wrote nothing, so the preconditions still hold for the removal.
      const marked = await markForDeletion(ctx, { current, options, admitDelete });
      if (marked !== DELETE_NOW) return { pending: true, object: marked, warnings: record.warnings };
    }
    if (options.dryRun) {
      await admitDelete(current);
      return { pending: false, object: current, warnings: record.warnings };
    }
    const deleted = await ctx.storage.delete(key, {
      preconditions: options.preconditions,
      validateDeletion: ctx.admission ? admitDelete : undefined,
    });
    return { pending: false, object: deleted, warnings: record.warnings };
  } catch (err) {
    if (err instanceof NotFoundError || err instanceof InvalidKeyError) {
      throw StatusError.notFound({ group: strategy.group, resource: strategy.resource }, key.name);
    }
    throw attachWarnings(err, record.warnings);
  }
}

/** The finalizers the garbage collector needs for these options, when they differ from the object's. */
function finalizersOnDelete(
  ctx: DeletionContext,
  obj: KubeObject,
  options: DeletionOptions,
): string[] | undefined {
  if (!ctx.garbageCollection) return undefined;
  return garbageCollectionFinalizers(obj, options, ctx.strategy.garbageCollectionPolicy);
}

/**
 * Sets the GC finalizers and deletionTimestamp in one guaranteed update. DELETE_NOW when no
 * finalizer is left (say an orphan finalizer removed by a Background delete): the object is
 * then removed at once.
 */
async function markForDeletion(
  ctx: DeletionContext,
  opts: {
    current: KubeObject;
    options: DeletionOptions;
    admitDelete: (stored: KubeObject) => Promise<void>;
  },
): Promise<KubeObject | typeof DELETE_NOW> {
  const { current, options } = opts;
  const mark = async (cur: KubeObject): Promise<KubeObject> => {
    checkDeletePreconditions(ctx.strategy, cur, options.preconditions);
    await opts.admitDelete(cur);
    const finalizers = finalizersOnDelete(ctx, cur, options);
    const next = finalizers ? { ...cur, metadata: { ...cur.metadata, finalizers } } : cur;
    if (finalizersOf(next).length === 0) throw DELETE_NOW;
    return markAsDeleting(next, rfc3339Seconds(ctx.now()));
  };
  try {
    if (options.dryRun) return await mark(structuredClone(current));
    return await ctx.storage.guaranteedUpdate(ctx.key, mark, { preconditions: options.preconditions });
  } catch (err) {
    if (err === DELETE_NOW) return DELETE_NOW;
    throw err;
  }
}
