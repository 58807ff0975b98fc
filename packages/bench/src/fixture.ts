/**
 * A data dir holding N Foos, written straight to disk in the file store's layout
 * (`<group>/foos/<namespace>/<name>.json`, one compact JSON object per file with its
 * resourceVersion) and shaped like what the apiserver stores after a create (uid, timestamps,
 * managedFields). It only seeds the start-up measurement, so it is not fsynced: creating 100k
 * Foos through the API would take minutes and measure nothing new.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GROUP, namespaceOf, SHARDS, VERSION } from './protocol';

export function storedFoo(i: number): Record<string, unknown> {
  const created = '2025-01-01T00:00:00Z';
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'Foo',
    metadata: {
      name: `stored-${i}`,
      namespace: namespaceOf(i),
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      resourceVersion: String(i + 1),
      generation: 1,
      creationTimestamp: created,
      labels: { app: 'bench', shard: String(i % SHARDS) },
      managedFields: [
        {
          manager: 'bench',
          operation: 'Update',
          apiVersion: `${GROUP}/${VERSION}`,
          time: created,
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': { 'f:labels': { '.': {}, 'f:app': {}, 'f:shard': {} } },
            'f:spec': { '.': {}, 'f:location': {}, 'f:replicas': {} },
          },
        },
      ],
    },
    // Stored at v1, defaulted there (paused: false) as the apiserver stores a create.
    spec: { replicas: 1, location: 'Los Angeles', paused: false },
  };
}

/** Writes `objects` Foos under dataDir (which must be new or empty). */
export function writeFixture(dataDir: string, objects: number): void {
  const made = new Set<string>();
  for (let i = 0; i < objects; i++) {
    const dir = path.join(dataDir, GROUP, 'foos', namespaceOf(i));
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(path.join(dir, `stored-${i}.json`), JSON.stringify(storedFoo(i)));
  }
}
