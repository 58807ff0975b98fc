/**
 * The start-up scan of the data dir: every stored object is read and checked, leftovers of a
 * crash are handled, never served: temp files are removed; a file that cannot be parsed, does
 * not match its place (name, namespace, resourceVersion) or fails its kind's schema (the check
 * server assembly hands in, object-check.ts) is moved to `quarantine/` and logged.
 *
 * The scan reports what it found as plain messages (load-messages.ts), so that it can run in a
 * worker thread: all the garbage it makes (directory listings, parsed objects) then lives and
 * dies in the worker's heap instead of growing the server's for good (see loader.ts).
 */
import type { Dirent } from 'node:fs';
import { readdirSync } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isDNS1123Label, isDNS1123Subdomain } from '@pwk/api';
import { collectionId, objectId } from '../keys';
import type { LoadMessage } from './load-messages';
import type { StoredObjectCheck } from './object-check';
import { LOCK_FILE, QUARANTINE_DIR, REVISION_FILE, TEMP_PREFIX, fileNameFor } from './paths';
import { readObjectText } from './read-object-text';

export interface ScanOptions {
  dataDir: string;
  /** Suffix of quarantined files' names (when the scan started). */
  stamp: string;
  emit: (message: LoadMessage) => void;
  /** Refuses objects that fail their kind's schema (none are refused without it). */
  check?: StoredObjectCheck;
  /** This scan's share of the files, when several scan the data dir at once (default: all). */
  shard?: Shard;
  /**
   * Files not to read: the write-ahead log holds a state of these objects at least as new (see
   * docs/file-store-wal.md), and such a file may be torn, never synced.
   */
  skip?: ReadonlySet<string>;
  /** Called every few hundred files: in-process, it lets the event loop run. */
  pause?: () => Promise<void>;
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

/**
 * Scan k of n takes the files whose name hashes to k (stable: a file moved or removed by another
 * scan cannot change which scan owns the rest, as a position in a listing would). Only scan 0
 * removes top-level temp files and reports unexpected entries above the object directories.
 */
export interface Shard {
  index: number;
  count: number;
}

/** FNV-1a: cheap, and spreads similar names (`foo-1`, `foo-2`) evenly. */
function shardOf(name: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % count;
}

interface FileTask {
  /** `group/resource`. */
  collection: string;
  namespace: string;
  fileName: string;
  fullPath: string;
}

/**
 * Objects are small files: a synchronous read costs far less than the thread-pool round trip of
 * an async one (measured: 100k objects load in ~1.8 s instead of ~7 s with 64 async reads in
 * flight). Run in-process, the scan pauses after this many files so the event loop can run.
 */
const PAUSE_EVERY = 500;
/**
 * Texts are sent in batches of at least this many characters: a batch is one string in the
 * server, and V8 allocates strings over 128 KB outside its young generation. Larger batches
 * only cost more (measured: 4 MB batches left ~10 MB more RSS at /readyz than 256 KB ones), and
 * a batch stays in memory while enough of its objects are served (loaded-texts.ts).
 */
const BATCH_CHARS = 1 << 18;
const RESERVED_TOP_LEVEL = new Set([QUARANTINE_DIR, LOCK_FILE, REVISION_FILE]);
/** A character that does not fit in one byte: a string holding one takes two bytes per character. */
const WIDE_CHAR = /[\u0100-\uffff]/;

/**
 * Synchronous for the same reason as reads, and because an asynchronous listing is made on a
 * libuv pool thread, whose malloc arena keeps the memory of a large listing for good (measured:
 * ~5 MB more RSS at /readyz with 100k objects).
 */
function dirents(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * The data dir, one directory of files at a time. Directories are read as they are loaded,
 * never all up front: a list of every file of a large store would be tens of MB at once.
 */
function* fileDirs(dataDir: string, shard: Shard, report: (where: string) => void): Generator<FileDir> {
  const first = shard.index === 0;
  const warn = (where: string) => first && report(where);
  const mine = (name: string) => shard.count === 1 || shardOf(name, shard.count) === shard.index;
  const top = dirents(dataDir);
  // A revision reservation or lock takeover cut short by a crash.
  const temps = top.filter((g) => g.isFile() && g.name.startsWith(TEMP_PREFIX)).map((g) => g.name);
  if (temps.length > 0 && first) yield { group: '', resource: '', namespace: '', dir: dataDir, files: temps };
  for (const g of top) {
    if (g.isFile() && g.name.startsWith(TEMP_PREFIX)) continue;
    if (RESERVED_TOP_LEVEL.has(g.name) || g.name.startsWith('.')) continue;
    const groupDir = path.join(dataDir, g.name);
    if (!g.isDirectory() || isDNS1123Subdomain(g.name).length) {
      warn(groupDir);
      continue;
    }
    for (const r of dirents(groupDir)) {
      const resourceDir = path.join(groupDir, r.name);
      if (!r.isDirectory() || isDNS1123Label(r.name).length) {
        warn(resourceDir);
        continue;
      }
      const clusterScoped: string[] = [];
      const namespaces: string[] = [];
      for (const entry of dirents(resourceDir)) {
        if (entry.isFile()) {
          if (mine(entry.name)) clusterScoped.push(entry.name);
        } else if (entry.isDirectory() && !isDNS1123Label(entry.name).length) namespaces.push(entry.name);
        else warn(path.join(resourceDir, entry.name));
      }
      const base = { group: g.name, resource: r.name };
      if (clusterScoped.length > 0) yield { ...base, namespace: '', dir: resourceDir, files: clusterScoped };
      for (const namespace of namespaces) {
        const nsDir = path.join(resourceDir, namespace);
        const files: string[] = [];
        for (const f of dirents(nsDir)) {
          if (!mine(f.name)) continue;
          if (f.isFile()) files.push(f.name);
          else report(path.join(nsDir, f.name));
        }
        yield { ...base, namespace, dir: nsDir, files };
      }
    }
  }
}

interface ParsedFile {
  name: string;
  rev: number;
  /** Canonical JSON: what JSON.stringify gives, exactly what a GET returns. */
  json: string;
}

/** Why the file cannot be served, or what it holds. */
function parseFile(task: FileTask, json: string, check: StoredObjectCheck | undefined): ParsedFile | string {
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
  const problem = check?.(task.collection, obj);
  if (problem !== undefined) return `does not match its schema: ${problem}`;
  // The store writes canonical JSON; keep the file's own string when it is that — a flat copy of
  // the bytes read, where the encoder's output is a string built from pieces.
  const canonical = JSON.stringify(obj);
  return { name, rev, json: canonical === json ? json : canonical };
}

async function quarantine(dataDir: string, task: FileTask, stamp: string): Promise<void> {
  const rel = path.relative(dataDir, task.fullPath);
  const target = path.join(dataDir, QUARANTINE_DIR, `${rel}.${stamp}`);
  await mkdir(path.dirname(target), { recursive: true });
  await rename(task.fullPath, target);
}

/** Packs the texts of one collection into batches (see BATCH_CHARS). */
class Batcher {
  private collection = '';
  private parts: string[] = [];
  private ids: string[] = [];
  private ends: number[] = [];
  private length = 0;

  constructor(private readonly emit: (message: LoadMessage) => void) {}

  add(collection: string, id: string, json: string): void {
    // One wide character would make the whole batch string two bytes per character.
    if (WIDE_CHAR.test(json)) {
      this.emit({ kind: 'object', collection, id, json });
      return;
    }
    if (collection !== this.collection) this.flush();
    this.collection = collection;
    this.parts.push(json);
    this.ids.push(id);
    this.length += json.length;
    this.ends.push(this.length);
    if (this.length >= BATCH_CHARS) this.flush();
  }

  flush(): void {
    if (this.ids.length > 0) {
      this.emit({
        kind: 'batch',
        collection: this.collection,
        text: this.parts.join(''),
        ids: this.ids,
        ends: Int32Array.from(this.ends),
      });
    }
    this.parts = [];
    this.ids = [];
    this.ends = [];
    this.length = 0;
  }
}

/** Scans the data dir, reporting every servable object, warning and count through `emit`. */
export async function scanDataDir(options: ScanOptions): Promise<void> {
  const { dataDir, stamp, emit } = options;
  const warn = (message: string, fields: Record<string, unknown>) => emit({ kind: 'warn', message, fields });
  const batcher = new Batcher(emit);
  let highestRevision = 0;
  let quarantined = 0;
  let tempFilesRemoved = 0;

  /** Loads one file; returns a promise only when there is disk work beyond the read. */
  const handle = (task: FileTask): Promise<void> | undefined => {
    if (task.fileName.startsWith(TEMP_PREFIX)) {
      tempFilesRemoved++;
      return unlink(task.fullPath).catch(() => {});
    }
    if (options.skip?.has(task.fullPath)) return undefined;
    if (!task.fileName.endsWith('.json')) {
      warn('file store: ignoring a file that is not an object', { path: task.fullPath });
      return undefined;
    }
    const parsed = parseFile(task, readObjectText(task.fullPath), options.check);
    if (typeof parsed === 'string') {
      return quarantine(dataDir, task, stamp).then(() => {
        quarantined++;
        warn('file store: quarantined an object file it cannot serve', {
          path: task.fullPath,
          reason: parsed,
        });
      });
    }
    batcher.add(task.collection, objectId(task.namespace, parsed.name), parsed.json);
    if (parsed.rev > highestRevision) highestRevision = parsed.rev;
    return undefined;
  };

  let handled = 0;
  const unexpected = (where: string) => warn('file store: ignoring an unexpected entry', { path: where });
  for (const dir of fileDirs(dataDir, options.shard ?? { index: 0, count: 1 }, unexpected)) {
    const collection = collectionId(dir);
    for (const fileName of dir.files) {
      const pending = handle({
        collection,
        namespace: dir.namespace,
        fileName,
        fullPath: path.join(dir.dir, fileName),
      });
      if (pending) await pending;
      if (options.pause && ++handled % PAUSE_EVERY === 0) await options.pause();
    }
  }
  batcher.flush();
  emit({ kind: 'done', highestRevision, quarantined, tempFilesRemoved });
}
