/**
 * UPDATE, as the generic registry runs it for PUT, PATCH, apply and subresource writes
 * (rest.BeforeUpdate inside storage.GuaranteedUpdate): the desired object is built from the
 * stored one, server-owned metadata carried over, managedFields recorded, the strategy's update
 * rules, no new finalizers on an object being deleted, admission around defaults and validation,
 * the generation bumped when the strategy says so — retried on conflict with a fresh admission
 * record each time. The last finalizer removed from an object being deleted removes the object.
 */
import { StatusError } from '../errors/status-error';
import { attachWarnings } from '../errors/warnings';
import type { KubeObject, Preconditions } from '../storage/interface';
import { newAdmissionRecord } from './admission-request';
import type { AdmissionView } from './admission-request';
import { defaultAndValidate } from './defaulting-and-validation';
import { decodeBody } from './field-validation';
import { checkNoNewFinalizers, hasFinalizers } from './finalizers';
import { checkPreconditions } from './preconditions';
import { managedKindOf } from './strategy';
import { carryOverSystemFields } from './system-fields';
import { recordUpdate } from './update-tracking';
import { isMissing, keyOf, managerOf, refOf } from './write-context';
import type { WriteContext } from './write-context';
import type { FieldTracking, WriteOptions, WriteResult } from './write-options';

/** What an update asks: `next(current)` builds the desired object. */
export interface UpdateRequest {
  next: (current: KubeObject) => KubeObject;
  options: WriteOptions;
  preconditions?: Preconditions;
  tracking?: FieldTracking;
  /** How admission sees this write, when it is a subresource of another kind (widgets/scale). */
  view?: AdmissionView;
}

export async function updateObject(
  ctx: WriteContext,
  target: { namespace: string; name: string },
  update: UpdateRequest,
): Promise<WriteResult> {
  const { next, ...opts } = update;
  const key = keyOf(ctx, target.namespace, target.name);
  let warnings: string[] = [];
  let admittedObject: KubeObject | undefined;
  // One per attempt: a retried update is admitted again, and only its last attempt's warnings count.
  let record = newAdmissionRecord(opts.options.auditAnnotations);
  const tryUpdate = async (current: KubeObject): Promise<KubeObject> => {
    record = newAdmissionRecord(opts.options.auditAnnotations);
    const decoded =
      opts.tracking === 'keep'
        ? { object: next(structuredClone(current)), warnings: [] }
        : decodeBody(ctx.strategy, next(structuredClone(current)), opts.options);
    let obj = decoded.object;
    const meta = (obj.metadata ??= {});
    carryOverSystemFields(meta, current, target);
    if (opts.tracking !== 'keep') {
      obj = recordUpdate({
        live: current,
        next: obj,
        manager: managerOf(opts.options),
        now: ctx.now(),
        kind: managedKindOf(ctx.strategy),
        subresource: ctx.strategy.subresource,
      });
    }
    ctx.strategy.prepareForUpdate(obj, current);
    checkNoNewFinalizers(ctx.strategy, obj, current);
    const request = {
      operation: 'UPDATE' as const,
      ...target,
      oldObject: current,
      view: opts.view,
      record,
    };
    if (ctx.admission) obj = await ctx.admission.admit({ ...request, object: obj }, opts.options);
    const admitted = defaultAndValidate(ctx.strategy, obj, current);
    if (ctx.admission) await ctx.admission.validate({ ...request, object: admitted }, opts.options);
    const generation = Number(current.metadata.generation ?? 1);
    admitted.metadata.generation = ctx.strategy.generationChanged(admitted, current)
      ? generation + 1
      : generation;
    warnings = [...decoded.warnings, ...record.warnings];
    admittedObject = admitted;
    return admitted;
  };
  try {
    if (opts.options.dryRun) {
      const current = await ctx.storage.get(key);
      checkPreconditions(refOf(ctx), current, opts.preconditions);
      return { object: await tryUpdate(current), warnings };
    }
    const stored = await ctx.storage.guaranteedUpdate(key, tryUpdate, {
      preconditions: opts.preconditions,
    });
    // The last finalizer removed from an object being deleted: it is gone now.
    if (stored.metadata.deletionTimestamp && !hasFinalizers(stored)) {
      const deleted = await ctx.storage.delete(key, { preconditions: { uid: stored.metadata.uid } });
      return { object: deleted, warnings };
    }
    return { object: stored ?? admittedObject, warnings };
  } catch (err) {
    if (isMissing(err)) throw StatusError.notFound(refOf(ctx), target.name);
    throw attachWarnings(err, record.warnings);
  }
}
