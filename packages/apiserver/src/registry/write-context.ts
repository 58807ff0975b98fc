/**
 * What the registry store's write paths (object-creation.ts, object-update.ts,
 * object-deletion.ts) share: the storage, the kind's strategy, the clock and admission.
 */
import { InvalidKeyError, NotFoundError } from '../storage/errors';
import type { ObjectKey, Storage } from '../storage/interface';
import { defaultManagerName } from './managed-fields';
import type { ResourceStrategy } from './strategy';
import type { WriteAdmission } from './write-admission';
import type { WriteOptions } from './write-options';

export interface WriteContext {
  storage: Storage;
  strategy: ResourceStrategy;
  now: () => Date;
  /** Admission plugins run on writes; none standalone. */
  admission?: WriteAdmission;
}

export function keyOf(ctx: WriteContext, namespace: string, name: string): ObjectKey {
  return { group: ctx.strategy.group, resource: ctx.strategy.resource, namespace, name };
}

/** The resource a 404 or 409 names. */
export function refOf(ctx: WriteContext): { group: string; resource: string } {
  return { group: ctx.strategy.group, resource: ctx.strategy.resource };
}

/** A name that is not a valid key names no object: 404, as a Kubernetes server answers. */
export function isMissing(err: unknown): boolean {
  return err instanceof NotFoundError || err instanceof InvalidKeyError;
}

/** `?fieldManager=`, else the User-Agent's program name, as Kubernetes records a write. */
export function managerOf(options: WriteOptions): string {
  return options.fieldManager ?? defaultManagerName(options.userAgent);
}
