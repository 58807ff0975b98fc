/**
 * At start-up, which versions each installed kind's objects are stored at: one log line per kind
 * and the `pwk_storage_stored_objects{resource,version}` gauge — the fact a CRD keeps in
 * `status.storedVersions`. Objects at an older version than the storage version are served
 * converted until `pwk-storage migrate-version` rewrites them; the log line says so. Counted in
 * the background, page by page, after the server serves: it never delays start-up.
 */
import type { KindDefinition } from '@pwk/api';
import type { Logger } from '../logging/logger';
import type { StorageMetrics } from '../observability/metrics/storage-metrics';
import type { Storage } from '../storage/interface';
import { countStoredVersions } from '../storage/migration/stored-versions';

export interface StoredVersionsReportOptions {
  storage: Storage;
  kinds: readonly KindDefinition[];
  logger: Logger;
  metrics: StorageMetrics;
  /** True once the server is shutting down: a count cut short by it is not an error. */
  stopping: () => boolean;
}

/** `group/version` → `version` for the kind's own versions; anything else as stored. */
function versionName(kind: KindDefinition, apiVersion: string): string {
  return kind.versions.find((v) => v.apiVersion === apiVersion)?.name ?? apiVersion;
}

export async function reportStoredVersions(options: StoredVersionsReportOptions): Promise<void> {
  for (const kind of options.kinds) {
    const resource = `${kind.plural}.${kind.group}`;
    try {
      // A kind with one version has every object at it: the store's own count says how many,
      // without a LIST of everything at start-up.
      const counts =
        kind.versions.length === 1
          ? new Map([[kind.storageVersion.apiVersion, options.storage.stats?.().objects.get(resource) ?? 0]])
          : await countStoredVersions(options.storage, { group: kind.group, resource: kind.plural });
      const byVersion = new Map([...counts].map(([apiVersion, n]) => [versionName(kind, apiVersion), n]));
      options.metrics.storedVersions(resource, byVersion);
      const older = [...byVersion.keys()].filter((v) => v !== kind.storageVersion.name);
      options.logger.info('stored versions', {
        resource,
        storageVersion: kind.storageVersion.name,
        objects: Object.fromEntries(byVersion),
        ...(older.length > 0
          ? {
              hint: `objects at ${older.join(', ')} are served converted; pwk-storage migrate-version rewrites them`,
            }
          : {}),
      });
    } catch (err) {
      if (options.stopping()) return;
      options.logger.warn('stored versions not counted', {
        resource,
        error: String((err as Error)?.message ?? err),
      });
    }
  }
}
