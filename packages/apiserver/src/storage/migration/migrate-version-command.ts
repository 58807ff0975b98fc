/**
 * `pwk-storage migrate-version --from <backend>`: says which versions each kind's objects are
 * stored in, rewrites those in an older version at the storage version, and says it again.
 * Progress goes to stderr, results to stdout; a dry run counts and writes nothing.
 */
import type { KindDefinition } from '@pwk/api';
import type { Storage } from '../interface';
import { resourceName } from './copy-objects';
import { rewriteAtStorageVersion } from './rewrite-storage-version';
import type { RewriteProgress } from './rewrite-storage-version';
import { countStoredVersions } from './stored-versions';

export interface MigrateVersionIO {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Least time between two progress lines; the last one of a resource is always printed. */
  progressEveryMs: number;
}

/** `v1=3, v1beta1=2` — versions by name, in the order the kind lists them. */
async function storedVersionsLine(storage: Storage, kind: KindDefinition, pageSize: number): Promise<string> {
  const counts = await countStoredVersions(storage, { group: kind.group, resource: kind.plural }, pageSize);
  if (counts.size === 0) return 'no objects';
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([apiVersion, n]) => `${apiVersion.slice(kind.group.length + 1) || apiVersion}=${n}`)
    .join(', ');
}

function progressPrinter(io: MigrateVersionIO): (progress: RewriteProgress) => void {
  let last = 0;
  return ({ resource, seen, rewritten, total }) => {
    const now = Date.now();
    if (seen < total && now - last < io.progressEveryMs) return;
    last = now;
    io.err(`${resource}: looked at ${seen}/${total}, rewrote ${rewritten}`);
  };
}

export async function migrateVersion(
  storage: Storage,
  kinds: readonly KindDefinition[],
  options: { dryRun: boolean; pageSize: number },
  io: MigrateVersionIO,
): Promise<number> {
  for (const kind of kinds) {
    const name = resourceName({ group: kind.group, resource: kind.plural });
    io.out(`${name}: stored versions ${await storedVersionsLine(storage, kind, options.pageSize)}`);
    const [result] = await rewriteAtStorageVersion({
      storage,
      kinds: [kind],
      dryRun: options.dryRun,
      pageSize: options.pageSize,
      onProgress: progressPrinter(io),
    });
    const { objects, rewritten, storageVersion } = result!;
    if (options.dryRun) {
      io.out(
        `dry run: would rewrite ${rewritten} of ${objects} ${name} at ${storageVersion}; nothing was written`,
      );
      continue;
    }
    io.out(`rewrote ${rewritten} of ${objects} ${name} at ${storageVersion}`);
    io.out(`${name}: stored versions ${await storedVersionsLine(storage, kind, options.pageSize)}`);
  }
  return 0;
}
