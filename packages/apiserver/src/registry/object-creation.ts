/**
 * CREATE after the request's checks, as the generic registry runs it (rest.BeforeCreate, then
 * storage.Create): mutating admission on the object as sent, server-owned metadata filled in,
 * managedFields recorded, the strategy's create rules, defaults and validation, validating
 * admission on exactly what is stored; a dry run stops before storage but still finds a taken name.
 */
import { StatusError } from '../errors/status-error';
import type { KubeObject, ObjectKey } from '../storage/interface';
import type { AdmissionRecord } from './admission-request';
import { defaultAndValidate } from './defaulting-and-validation';
import { pruneSilently } from './field-validation';
import { managedKindOf } from './strategy';
import { fillCreateSystemFields, setNamespace } from './system-fields';
import { recordUpdate } from './update-tracking';
import { isMissing, keyOf, managerOf, refOf } from './write-context';
import type { WriteContext } from './write-context';
import type { FieldTracking, WriteOptions, WriteResult } from './write-options';

async function exists(ctx: WriteContext, key: ObjectKey): Promise<boolean> {
  try {
    await ctx.storage.get(key);
    return true;
  } catch (err) {
    if (isMissing(err)) return false;
    throw err;
  }
}

export async function createObject(
  ctx: WriteContext,
  opts: {
    namespace: string;
    obj: KubeObject;
    options: WriteOptions;
    tracking: FieldTracking;
    record: AdmissionRecord;
    decodeWarnings: string[];
  },
): Promise<WriteResult> {
  const { namespace, options, tracking, record } = opts;
  let obj = opts.obj;
  let meta = obj.metadata;
  // Mutating admission sees the object as sent, before the registry fills in names and system fields.
  if (ctx.admission) {
    const request = {
      operation: 'CREATE' as const,
      namespace,
      name: String(meta.name ?? ''),
      object: obj,
      record,
    };
    // What a webhook added that the schema does not know is pruned before anything records it.
    obj = pruneSilently(ctx.strategy, await ctx.admission.admit(request, options));
    meta = obj.metadata ??= {};
    setNamespace(meta, namespace);
  }
  // Server-owned fields (rest.FillObjectMetaSystemFields); client values are ignored.
  fillCreateSystemFields(meta, ctx.now());
  const tracked =
    tracking === 'record'
      ? recordUpdate({
          live: undefined,
          next: obj,
          manager: managerOf(options),
          now: ctx.now(),
          kind: managedKindOf(ctx.strategy),
        })
      : obj;
  ctx.strategy.prepareForCreate(tracked);
  const admitted = defaultAndValidate(ctx.strategy, tracked);
  const name = String(admitted.metadata.name);
  // Validating admission (quota last) on exactly what is about to be stored, never after.
  if (ctx.admission) {
    await ctx.admission.validate({ operation: 'CREATE', namespace, name, object: admitted, record }, options);
  }
  const warnings = [...opts.decodeWarnings, ...record.warnings];
  if (options.dryRun) {
    // A dry run goes as far as storage would: a taken name is still a conflict.
    if (await exists(ctx, keyOf(ctx, namespace, name))) throw StatusError.alreadyExists(refOf(ctx), name);
    return { object: admitted, warnings };
  }
  try {
    const stored = await ctx.storage.create(keyOf(ctx, namespace, name), admitted);
    return { object: stored, warnings };
  } catch (err) {
    if ((err as { code?: string }).code === 'AlreadyExists')
      throw StatusError.alreadyExists(refOf(ctx), name);
    throw err;
  }
}
