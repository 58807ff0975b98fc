/**
 * `pwk-storage migrate-version`: rewrites every object stored in an older version of its kind at
 * the kind's storage version — what kube's storage version migrator does with a no-op update per
 * object, done here against the store directly (the apiserver may run beside it: every rewrite
 * is a guaranteed update, so a concurrent write is never lost, and the rewritten object is what
 * a read in the storage version returns: converted, then defaulted).
 *
 * Safe to interrupt and to run again: each object is rewritten on its own, and an object already
 * at the storage version is left as it is (not written, its resourceVersion kept). A list whose
 * continue token expired under concurrent writes (or under its own, in a small event window)
 * starts over, as long as the expired pass made progress; rewritten objects are then skipped.
 */
import type { KindDefinition } from '@pwk/api';
import { ExpiredError, NotFoundError } from '../errors';
import type { KubeObject, Storage } from '../interface';
import { keyOfObject, resourceName } from './copy-objects';
import type { ResourceRef } from './copy-objects';

export interface RewriteProgress {
  resource: string;
  /** Objects looked at so far in this pass. */
  seen: number;
  rewritten: number;
  total: number;
}

export interface RewriteOptions {
  storage: Storage;
  kinds: readonly KindDefinition[];
  /** Count what would be rewritten; write nothing. */
  dryRun?: boolean;
  /** Objects per page (default 500). */
  pageSize?: number;
  onProgress?: (progress: RewriteProgress) => void | Promise<void>;
}

export interface RewrittenResource {
  resource: string;
  storageVersion: string;
  objects: number;
  /** Objects found in another version and rewritten (or, in a dry run, to be rewritten). */
  rewritten: number;
}

/** `obj` as its kind's storage version holds it: converted and defaulted; `obj` itself if it already is. */
function atStorageVersion(kind: KindDefinition, obj: KubeObject): KubeObject {
  const storage = kind.storageVersion;
  if (obj.apiVersion === storage.apiVersion) return obj;
  return storage.applyDefaults(kind.convert(obj, storage.name) as KubeObject);
}

async function rewriteKind(kind: KindDefinition, options: RewriteOptions): Promise<RewrittenResource> {
  const ref: ResourceRef = { group: kind.group, resource: kind.plural };
  const name = resourceName(ref);
  const storageApiVersion = kind.storageVersion.apiVersion;
  const pageSize = options.pageSize ?? 500;
  let rewritten = 0;
  for (;;) {
    let seen = 0;
    let rewrittenThisPass = 0;
    // A dry run changes nothing, so a restarted pass counts everything again.
    if (options.dryRun) rewritten = 0;
    let token: string | undefined;
    try {
      do {
        const page = await options.storage.list({ ...ref, limit: pageSize, continue: token });
        const total = seen + page.items.length + (page.remainingItemCount ?? 0);
        for (const obj of page.items) {
          seen++;
          if (obj.apiVersion === storageApiVersion) continue;
          rewritten++;
          rewrittenThisPass++;
          if (options.dryRun) continue;
          try {
            await options.storage.guaranteedUpdate(keyOfObject(ref, obj), (current) =>
              atStorageVersion(kind, current),
            );
          } catch (err) {
            // Deleted since the page was read: nothing left to rewrite.
            if (!(err instanceof NotFoundError)) throw err;
          }
        }
        await options.onProgress?.({ resource: name, seen, rewritten, total });
        token = page.continue;
      } while (token);
      return { resource: name, storageVersion: kind.storageVersion.name, objects: seen, rewritten };
    } catch (err) {
      if (!(err instanceof ExpiredError) || rewrittenThisPass === 0 || options.dryRun) throw err;
    }
  }
}

/** Rewrites every kind's objects at its storage version, kind by kind, in the order given. */
export async function rewriteAtStorageVersion(options: RewriteOptions): Promise<RewrittenResource[]> {
  const results: RewrittenResource[] = [];
  for (const kind of options.kinds) results.push(await rewriteKind(kind, options));
  return results;
}
