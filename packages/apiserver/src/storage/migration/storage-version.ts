/**
 * Which versions a kind's objects are stored at, and rewriting them at the kind's storage
 * version — what the kube storage version migrator does: every object not yet at the storage
 * version is read, converted and written back in one guaranteed update (an object that changed
 * meanwhile is converted again; one already at the storage version is not written). Each object
 * is rewritten on its own, so a run may be interrupted and run again: it picks up what is left.
 * A dry run counts what would be rewritten and writes nothing.
 */
import type { KindDefinition, KindObject } from '@pwk/api';
import { NotFoundError } from '../errors';
import type { KubeObject, Storage } from '../interface';
import { keyOfObject, pagesOf } from './copy-objects';
import type { ResourceRef } from './copy-objects';

export interface StoredVersions {
  /** `plural.group`. */
  resource: string;
  /** Objects per stored apiVersion, most first. */
  versions: Array<{ apiVersion: string; objects: number }>;
}

export interface RewriteProgress {
  resource: string;
  checked: number;
  total: number;
}

export interface RewrittenResource {
  resource: string;
  /** Objects found at another version and rewritten (in a dry run: that would be). */
  rewritten: number;
  /** Objects already at the storage version. */
  current: number;
}

const refOf = (kind: KindDefinition): ResourceRef => ({ group: kind.group, resource: kind.plural });
const nameOf = (kind: KindDefinition): string => `${kind.plural}.${kind.group}`;

/** The stored apiVersions of each kind's objects, counted page by page. */
export async function storedVersions(
  storage: Storage,
  kinds: readonly KindDefinition[],
  pageSize = 500,
): Promise<StoredVersions[]> {
  const out: StoredVersions[] = [];
  for (const kind of kinds) {
    const counts = new Map<string, number>();
    for await (const page of pagesOf(storage, refOf(kind), pageSize)) {
      for (const obj of page.items) {
        const apiVersion = String(obj.apiVersion ?? '');
        counts.set(apiVersion, (counts.get(apiVersion) ?? 0) + 1);
      }
    }
    const versions = [...counts].map(([apiVersion, objects]) => ({ apiVersion, objects }));
    versions.sort((a, b) => b.objects - a.objects || (a.apiVersion < b.apiVersion ? -1 : 1));
    out.push({ resource: nameOf(kind), versions });
  }
  return out;
}

/** Rewrites every object of each kind that is not at its storage version. */
export async function rewriteAtStorageVersion(options: {
  storage: Storage;
  kinds: readonly KindDefinition[];
  dryRun?: boolean;
  pageSize?: number;
  onProgress?: (progress: RewriteProgress) => void;
}): Promise<RewrittenResource[]> {
  const out: RewrittenResource[] = [];
  for (const kind of options.kinds) {
    const target = kind.storageVersion;
    const toStorage = (obj: KubeObject): KubeObject =>
      obj.apiVersion === target.apiVersion
        ? obj
        : (kind.convert(obj as KindObject, target.name) as KubeObject);
    let rewritten = 0;
    let current = 0;
    for await (const page of pagesOf(options.storage, refOf(kind), options.pageSize ?? 500)) {
      for (const obj of page.items) {
        if (obj.apiVersion === target.apiVersion) {
          current++;
          continue;
        }
        rewritten++;
        if (options.dryRun) continue;
        try {
          await options.storage.guaranteedUpdate(keyOfObject(refOf(kind), obj), toStorage);
        } catch (err) {
          // Deleted since the page was read: nothing left to rewrite.
          if (!(err instanceof NotFoundError)) throw err;
        }
      }
      const checked = rewritten + current;
      options.onProgress?.({ resource: nameOf(kind), checked, total: Math.max(page.total, checked) });
    }
    out.push({ resource: nameOf(kind), rewritten, current });
  }
  return out;
}
