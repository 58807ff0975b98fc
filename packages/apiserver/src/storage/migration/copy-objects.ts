/**
 * Copies every object of the given resources from one store to another, as they were at one
 * revision of the source (a paged list pins it). Objects keep everything — name, uid, labels,
 * annotations, finalizers, creationTimestamp, managedFields — except resourceVersion, which the
 * target issues. The target must not hold any of those resources yet: a migration never merges.
 * A dry run reads and checks everything a real run would, and writes nothing.
 */
import type { KubeObject, ObjectKey, Storage } from '../interface';

export interface ResourceRef {
  group: string;
  resource: string;
}

export interface CopyProgress {
  resource: string;
  copied: number;
  total: number;
}

export interface CopyOptions {
  source: Storage;
  target: Storage;
  resources: ResourceRef[];
  dryRun?: boolean;
  /** Objects per source page (default 500). */
  pageSize?: number;
  /** Creates in flight at once (default 32). */
  concurrency?: number;
  onProgress?: (progress: CopyProgress) => void;
}

export interface CopiedResource {
  resource: string;
  objects: number;
  /** The source revision the copy reflects. */
  sourceRevision: number;
}

export class MigrationError extends Error {}

export const resourceName = (ref: ResourceRef): string => `${ref.resource}.${ref.group}`;

/** The object as the target must receive it: everything but the source's resourceVersion. */
export function withoutResourceVersion(obj: KubeObject): KubeObject {
  const { resourceVersion: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

export function keyOfObject(ref: ResourceRef, obj: KubeObject): ObjectKey {
  return { ...ref, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' };
}

/** Every object of one resource, page by page, all pages at the first page's revision. */
export async function* pagesOf(
  store: Storage,
  ref: ResourceRef,
  pageSize: number,
): AsyncGenerator<{ items: KubeObject[]; revision: number; total: number }> {
  let token: string | undefined;
  let total: number | undefined;
  do {
    const page = await store.list({ ...ref, limit: pageSize, continue: token });
    total ??= page.items.length + (page.remainingItemCount ?? 0);
    yield { items: page.items, revision: page.revision, total };
    token = page.continue;
  } while (token);
}

async function assertEmpty(target: Storage, ref: ResourceRef): Promise<void> {
  const existing = await target.list({ ...ref, limit: 1 });
  if (existing.items.length > 0) {
    const count = 1 + (existing.remainingItemCount ?? 0);
    throw new MigrationError(
      `the target already holds ${count} ${resourceName(ref)}; migrate into an empty store (nothing was copied)`,
    );
  }
}

/** Runs `work` over items with at most `limit` in flight; the first failure stops it. */
async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function copyObjects(options: CopyOptions): Promise<CopiedResource[]> {
  const pageSize = options.pageSize ?? 500;
  const concurrency = options.concurrency ?? 32;
  for (const ref of options.resources) await assertEmpty(options.target, ref);
  const copied: CopiedResource[] = [];
  for (const ref of options.resources) {
    const name = resourceName(ref);
    let count = 0;
    let sourceRevision = 0;
    for await (const page of pagesOf(options.source, ref, pageSize)) {
      sourceRevision = page.revision;
      if (!options.dryRun) {
        await forEachLimited(page.items, concurrency, async (obj) => {
          await options.target.create(keyOfObject(ref, obj), withoutResourceVersion(obj));
        });
      }
      count += page.items.length;
      options.onProgress?.({ resource: name, copied: count, total: Math.max(page.total, count) });
    }
    copied.push({ resource: name, objects: count, sourceRevision });
  }
  return copied;
}
