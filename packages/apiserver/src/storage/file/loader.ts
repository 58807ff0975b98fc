/**
 * Start-up: reads every stored object into memory. Leftovers of a crash are handled, never
 * served: temp files are removed; a file that cannot be parsed or does not match its place
 * (name, namespace, resourceVersion) is moved to `quarantine/` and logged.
 */
import type { Dirent } from 'node:fs';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isDNS1123Label, isDNS1123Subdomain } from '@pwk/api';
import type { StorageLogger } from '../logger';
import { collectionId, objectId } from '../keys';
import type { StoredEntry } from './event-window';
import { LOCK_FILE, QUARANTINE_DIR, REVISION_FILE, TEMP_PREFIX, fileNameFor } from './paths';

export interface LoadResult {
  /** `group/resource` → id → entry. */
  collections: Map<string, Map<string, StoredEntry>>;
  highestRevision: number;
  quarantined: number;
  tempFilesRemoved: number;
}

/** One directory of files to load, all of the same collection and namespace. */
interface FileDir {
  group: string;
  resource: string;
  namespace: string;
  dir: string;
  /** The names of the files in it. */
  files: string[];
}

interface FileTask {
  group: string;
  resource: string;
  namespace: string;
  fileName: string;
  fullPath: string;
}

/**
 * Objects are small files: a synchronous read costs far less than the thread-pool round trip of
 * an async one (measured: 100k objects load in ~1.8 s instead of ~7 s with 64 async reads in
 * flight). Reads run in batches between which the event loop is free.
 */
const READ_BATCH = 500;
const RESERVED_TOP_LEVEL = new Set([QUARANTINE_DIR, LOCK_FILE, REVISION_FILE]);

async function dirents(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * The data dir, one directory of files at a time. Directories are read as they are loaded,
 * never all up front: a list of every file of a large store would be tens of MB that only
 * raise the heap's high-water mark (and with it the process's RSS for good).
 */
async function* fileDirs(dataDir: string, logger: StorageLogger): AsyncGenerator<FileDir> {
  const skip = (where: string) => logger.warn('file store: ignoring an unexpected entry', { path: where });
  const top = await dirents(dataDir);
  // A revision reservation or lock takeover cut short by a crash.
  const temps = top.filter((g) => g.isFile() && g.name.startsWith(TEMP_PREFIX)).map((g) => g.name);
  if (temps.length > 0) yield { group: '', resource: '', namespace: '', dir: dataDir, files: temps };
  for (const g of top) {
    if (g.isFile() && g.name.startsWith(TEMP_PREFIX)) continue;
    if (RESERVED_TOP_LEVEL.has(g.name) || g.name.startsWith('.')) continue;
    const groupDir = path.join(dataDir, g.name);
    if (!g.isDirectory() || isDNS1123Subdomain(g.name).length) {
      skip(groupDir);
      continue;
    }
    for (const r of await dirents(groupDir)) {
      const resourceDir = path.join(groupDir, r.name);
      if (!r.isDirectory() || isDNS1123Label(r.name).length) {
        skip(resourceDir);
        continue;
      }
      const clusterScoped: string[] = [];
      const namespaces: string[] = [];
      for (const entry of await dirents(resourceDir)) {
        if (entry.isFile()) clusterScoped.push(entry.name);
        else if (entry.isDirectory() && !isDNS1123Label(entry.name).length) namespaces.push(entry.name);
        else skip(path.join(resourceDir, entry.name));
      }
      const base = { group: g.name, resource: r.name };
      if (clusterScoped.length > 0) yield { ...base, namespace: '', dir: resourceDir, files: clusterScoped };
      for (const namespace of namespaces) {
        const nsDir = path.join(resourceDir, namespace);
        const files: string[] = [];
        for (const f of await dirents(nsDir)) {
          if (f.isFile()) files.push(f.name);
          else skip(path.join(nsDir, f.name));
        }
        yield { ...base, namespace, dir: nsDir, files };
      }
    }
  }
}

/** Why the file cannot be served, or the entry it holds. */
function parseEntry(task: FileTask, json: string): StoredEntry | string {
  let obj: unknown;
  try {
    obj = JSON.parse(json);
  } catch {
    return 'not valid JSON (torn or foreign file)';
  }
  const meta = (obj as { metadata?: Record<string, unknown> } | null)?.metadata;
  if (!meta || typeof meta !== 'object') return 'no metadata';
  const { name, namespace = '', resourceVersion } = meta;
  if (typeof name !== 'string' || isDNS1123Subdomain(name).length)
    return 'metadata.name is missing or invalid';
  if (fileNameFor(name) !== task.fileName) return `metadata.name "${name}" does not match the file name`;
  if (namespace !== task.namespace)
    return `metadata.namespace "${String(namespace)}" does not match the directory`;
  const rev =
    typeof resourceVersion === 'string' && /^[1-9][0-9]*$/.test(resourceVersion)
      ? Number(resourceVersion)
      : NaN;
  if (!Number.isSafeInteger(rev)) return 'metadata.resourceVersion is missing or invalid';
  // Entries hold canonical JSON (what JSON.stringify gives), which is what the store writes; keep
  // the file's own string when it is that — a flat copy of the bytes read, where the encoder's
  // output is a string built from pieces that costs more memory for as long as it is held.
  const canonical = JSON.stringify(obj);
  return {
    namespace: task.namespace,
    name,
    id: objectId(task.namespace, name),
    rev,
    json: canonical === json ? json : canonical,
  };
}

async function quarantine(dataDir: string, task: FileTask, stamp: string): Promise<void> {
  const rel = path.relative(dataDir, task.fullPath);
  const target = path.join(dataDir, QUARANTINE_DIR, `${rel}.${stamp}`);
  await mkdir(path.dirname(target), { recursive: true });
  await rename(task.fullPath, target);
}

export async function loadDataDir(
  dataDir: string,
  opts: { logger: StorageLogger; now: () => Date },
): Promise<LoadResult> {
  const result: LoadResult = {
    collections: new Map(),
    highestRevision: 0,
    quarantined: 0,
    tempFilesRemoved: 0,
  };
  const stamp = opts.now().toISOString().replace(/[:.]/g, '-');

  /** Loads one file; returns a promise only when there is disk work beyond the read. */
  const handle = (task: FileTask): Promise<void> | undefined => {
    if (task.fileName.startsWith(TEMP_PREFIX)) {
      result.tempFilesRemoved++;
      return unlink(task.fullPath).catch(() => {});
    }
    if (!task.fileName.endsWith('.json')) {
      opts.logger.warn('file store: ignoring a file that is not an object', { path: task.fullPath });
      return undefined;
    }
    const parsed = parseEntry(task, readFileSync(task.fullPath, 'utf8'));
    if (typeof parsed === 'string') {
      return quarantine(dataDir, task, stamp).then(() => {
        result.quarantined++;
        opts.logger.warn('file store: quarantined an unreadable object file', {
          path: task.fullPath,
          reason: parsed,
        });
      });
    }
    const id = collectionId(task);
    let collection = result.collections.get(id);
    if (!collection) {
      collection = new Map();
      result.collections.set(id, collection);
    }
    collection.set(parsed.id, parsed);
    if (parsed.rev > result.highestRevision) result.highestRevision = parsed.rev;
    return undefined;
  };

  let handled = 0;
  for await (const dir of fileDirs(dataDir, opts.logger)) {
    const { group, resource, namespace } = dir;
    for (const fileName of dir.files) {
      const pending = handle({
        group,
        resource,
        namespace,
        fileName,
        fullPath: path.join(dir.dir, fileName),
      });
      if (pending) await pending;
      // Yield now and then so health probes are answered while a large store loads.
      if (++handled % READ_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return result;
}
