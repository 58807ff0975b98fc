/**
 * The default backend: every object is a JSON file under the data dir, every read is served
 * from an in-memory index of those files' bytes, and every write is durable before it is
 * acknowledged: with `sync: 'per-object'` each file on its own (durable-fs.ts), with
 * `sync: 'log'` through a write-ahead log with group commit, the files written behind it
 * (wal/, docs/file-store-wal.md). One global revision orders all changes (revision-counter.ts,
 * commit-pipeline.ts); recent changes are kept in an event window for watches and paged lists.
 * A write the disk refuses (full, read-only, failing) is not applied at all, is answered with
 * what failed, and makes the store not ready until it can write again (write-guard.ts).
 */
import { mkdir } from 'node:fs/promises';
import { assertMatchesKey, checkPreconditions, unchanged } from '../write-checks';
import { InvalidObjectError, NotFoundError, AlreadyExistsError, StorageUnavailableError } from '../errors';
import type {
  CollectionKey,
  DeleteOptions,
  KubeObject,
  ListOptions,
  ListResult,
  ObjectKey,
  Storage,
  StorageStats,
  TryUpdate,
  UpdateOptions,
  Watch,
  WatchOptions,
} from '../interface';
import { assertValidCollectionKey, assertValidObjectKey, collectionId, objectId } from '../keys';
import type { StorageLogger } from '../logger';
import { silentLogger } from '../logger';
import { CommitPipeline } from './commit-pipeline';
import { acquireDataDirLock } from './data-dir-lock';
import type { DataDirLock, LockOptions } from './data-dir-lock';
import { DirectorySyncer } from './durable-fs';
import type { DiskObserver, DiskOps } from './durable-fs';
import { EventWindow } from './event-window';
import type { LoggedChange, StoredEntry } from './event-window';
import { FileIndex } from './file-index';
import { listCollection } from './list';
import { loadDataDir } from './loader';
import type { StoredObjectCheckRef } from './object-check';
import { PROBE_FILE, fileNameFor, objectDir, objectPath } from './paths';
import { RevisionCounter } from './revision-counter';
import { WatchHub } from './watch-hub';
import { WriteGuard } from './write-guard';
import type { LogOps } from './wal/log-writer';
import { WriteAheadLog, keyOfRecord, replayLog } from './wal/write-ahead-log';
import type { ReplayedLog } from './wal/write-ahead-log';
import { MATERIALISED_FILE, walDir } from './wal/segments';

import { DEFAULT_FILE_STORE_SYNC } from './sync-mode';
import type { FileStoreSync } from './sync-mode';

export type { FileStoreSync };

export interface FileStorageOptions {
  dataDir: string;
  logger?: StorageLogger;
  now?: () => Date;
  /** Changes retained for watch replay and paged lists (default 10,000). */
  eventWindow?: number;
  /** Events a watcher may leave unread before it is closed as too slow (default 10,000). */
  watchBuffer?: number;
  revisionBlock?: number;
  lock?: LockOptions;
  /**
   * The schema check of the objects loaded at start-up (object-check.ts): an object it refuses
   * is quarantined, not served. Server assembly passes the kinds' validation.
   */
  checkLoaded?: StoredObjectCheckRef;
  /** While writes fail, how often a small probe write checks whether they can succeed (default 1 s). */
  writeProbeIntervalMs?: number;
  /** Tests only: the file system calls of durable writes (see durable-fs.ts). */
  diskOps?: DiskOps;
  /** Told of fsync latencies and group-commit sizes (the storage metrics). */
  observer?: DiskObserver;
  /** Default DEFAULT_FILE_STORE_SYNC. */
  sync?: FileStoreSync;
  /**
   * With the log: the bytes of materialised segments kept for the event window at the next start
   * (default 64 MB; revisions are bounded by `eventWindow`).
   */
  logRetainBytes?: number;
  /** Tests only: the size at which a log segment is closed, and the log's file system calls. */
  logSegmentBytes?: number;
  logOps?: LogOps;
}

export async function createFileStorage(options: FileStorageOptions): Promise<Storage> {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  await mkdir(options.dataDir, { recursive: true });
  const lock = await acquireDataDirLock(options.dataDir, options.lock);
  try {
    const started = Date.now();
    // The log first: the files of the objects it holds are not read (load-scan.ts, skip).
    const replayed = replayLog(options.dataDir, logger);
    const skip = [...replayed.latest.values()].map((r) => objectPath(options.dataDir, keyOfRecord(r)));
    const loaded = await loadDataDir(options.dataDir, { logger, now, check: options.checkLoaded, skip });
    for (const record of replayed.latest.values()) {
      if (record.type === 'DELETED') continue;
      let entries = loaded.collections.get(collectionId(record));
      if (!entries) loaded.collections.set(collectionId(record), (entries = new Map()));
      entries.set(objectId(record.namespace, record.name), record.json);
    }
    const syncer = new DirectorySyncer(options.diskOps, options.observer);
    const counter = await RevisionCounter.open({
      dataDir: options.dataDir,
      syncer,
      highestStored: Math.max(loaded.highestRevision, replayed.highestRevision),
      blockSize: options.revisionBlock,
    });
    const index = new FileIndex(loaded.collections, loaded.texts);
    const history = (options.sync ?? DEFAULT_FILE_STORE_SYNC) === 'log' ? historyOf(replayed) : undefined;
    const storage = new FileStorage({ options, lock, syncer, counter, index, logger, history });
    await storage.startLog(replayed);
    logger.info('file store loaded', {
      dataDir: options.dataDir,
      objects: index.size,
      revision: counter.bootRevision,
      quarantined: loaded.quarantined,
      tempFilesRemoved: loaded.tempFilesRemoved,
      replayedRecords: replayed.segments.reduce((n, s) => n + s.records.length, 0),
      // Of the keys in the log, those whose files may lack their newest record (written again).
      replayedKeys: replayed.latest.size,
      logBytesTruncated: replayed.truncatedBytes,
      sync: options.sync ?? DEFAULT_FILE_STORE_SYNC,
      scannedIn: loaded.scannedIn,
      ms: Date.now() - started,
    });
    return storage;
  } catch (err) {
    await lock.release();
    throw err;
  }
}

interface Parts {
  options: FileStorageOptions;
  lock: DataDirLock;
  syncer: DirectorySyncer;
  counter: RevisionCounter;
  index: FileIndex;
  logger: StorageLogger;
  /** The retained log's changes, to start the event window with. */
  history?: History;
}

interface History {
  /** Every change after this revision is in `changes`. */
  after: number;
  changes: LoggedChange[];
}

/** The changes of the retained log, oldest first, as the event window keeps them. */
function historyOf(replayed: ReplayedLog): History | undefined {
  const records = replayed.segments.flatMap((s) => s.records).sort((a, b) => a.rev - b.rev);
  if (records.length === 0) return undefined;
  const changes = records.map((r): LoggedChange => {
    const id = objectId(r.namespace, r.name);
    const entry: StoredEntry = { namespace: r.namespace, id, json: r.json };
    const previous = r.previous === undefined ? undefined : { namespace: r.namespace, id, json: r.previous };
    return { rev: r.rev, type: r.type, collection: collectionId(r), entry, previous };
  });
  return { after: records[0]!.rev - 1, changes };
}

class FileStorage implements Storage {
  private readonly dataDir: string;
  private readonly pipeline: CommitPipeline;
  private readonly window: EventWindow;
  private readonly hub: WatchHub;
  private readonly keyLocks = new Map<string, Promise<void>>();
  private readonly guard: WriteGuard;
  /** Set in log mode (after startLog). */
  private wal?: WriteAheadLog;
  private closed = false;

  constructor(private readonly parts: Parts) {
    this.dataDir = parts.options.dataDir;
    this.pipeline = new CommitPipeline(parts.counter);
    this.guard = new WriteGuard({
      logger: parts.logger,
      probeIntervalMs: parts.options.writeProbeIntervalMs ?? 1000,
      repair: (key) => this.withKeyLock(lockKeyOf(key), () => this.rewriteFromIndex(key)),
      probeWrite: async () => {
        await this.wal?.repair();
        await parts.syncer.writeFile(this.dataDir, PROBE_FILE, PROBE_DATA);
        await parts.syncer.removeFile(this.dataDir, PROBE_FILE);
      },
    });
    const { history } = parts;
    this.window = new EventWindow(
      parts.options.eventWindow ?? 10_000,
      history ? history.after : parts.counter.bootRevision,
    );
    // A watch from a revision before the restart gets the events since (within the window).
    for (const change of history?.changes ?? []) this.window.append(change);
    this.hub = new WatchHub(this.window, parts.options.watchBuffer ?? 10_000);
  }

  /**
   * Replays what an earlier run left in the write-ahead log into the files; in log mode, opens
   * the log for this run's writes, otherwise retires it first (a per-object write must never be
   * overtaken by an older log record at the next start).
   */
  async startLog(replayed: ReplayedLog): Promise<void> {
    const appending = (this.parts.options.sync ?? DEFAULT_FILE_STORE_SYNC) === 'log';
    if (!appending && replayed.segments.length === 0) return;
    const wal = await WriteAheadLog.start(
      {
        dataDir: this.dataDir,
        logger: this.parts.logger,
        replayed,
        namespaceEmpty: (key) => this.parts.index.namespaceSize(collectionId(key), key.namespace) === 0,
        appliedRevision: () => this.pipeline.currentRevision,
        segmentBytes: this.parts.options.logSegmentBytes,
        observer: this.parts.options.observer,
        retainBytes: this.parts.options.logRetainBytes ?? 64 * 1024 * 1024,
        retainRevisions: this.parts.options.eventWindow ?? 10_000,
        markMaterialised: (through) =>
          this.parts.syncer.writeFile(
            walDir(this.dataDir),
            MATERIALISED_FILE,
            `${JSON.stringify({ through })}\n`,
          ),
        ops: this.parts.options.logOps,
      },
      appending,
    );
    if (appending) this.wal = wal;
  }

  async get(key: ObjectKey): Promise<KubeObject> {
    assertValidObjectKey(key);
    const json = this.parts.index.json(collectionId(key), objectId(key.namespace, key.name));
    if (json === undefined) throw new NotFoundError(key);
    return JSON.parse(json) as KubeObject;
  }

  async getSerialized(key: ObjectKey): Promise<string> {
    assertValidObjectKey(key);
    const json = this.parts.index.json(collectionId(key), objectId(key.namespace, key.name));
    if (json === undefined) throw new NotFoundError(key);
    // Stored entries are JSON.stringify output, so this is exactly what get() would re-encode to.
    return json;
  }

  async list(options: ListOptions): Promise<ListResult> {
    assertValidCollectionKey(options);
    return listCollection({
      options,
      index: this.parts.index,
      window: this.window,
      currentRevision: this.pipeline.currentRevision,
    });
  }

  async create(key: ObjectKey, obj: KubeObject): Promise<KubeObject> {
    this.assertOpen();
    assertValidObjectKey(key);
    if (obj.metadata?.resourceVersion) {
      throw new InvalidObjectError('resourceVersion should not be set on objects to be created', key);
    }
    assertMatchesKey(key, obj);
    const id = objectId(key.namespace, key.name);
    return this.withKeyLock(lockKeyOf(key), async () => {
      if (this.parts.index.json(collectionId(key), id) !== undefined) throw new AlreadyExistsError(key);
      return this.write(key, obj, undefined);
    });
  }

  async guaranteedUpdate(
    key: ObjectKey,
    tryUpdate: TryUpdate,
    options: UpdateOptions = {},
  ): Promise<KubeObject> {
    this.assertOpen();
    assertValidObjectKey(key);
    const id = objectId(key.namespace, key.name);
    // Writes to one key are serialised, so the state read here cannot change before the write:
    // no retry loop is needed.
    return this.withKeyLock(lockKeyOf(key), async () => {
      const current = this.parts.index.get(collectionId(key), id);
      if (!current) throw new NotFoundError(key);
      const currentObj = JSON.parse(current.json) as KubeObject;
      checkPreconditions(key, currentObj, options.preconditions);
      const next = await tryUpdate(JSON.parse(current.json) as KubeObject);
      assertMatchesKey(key, next);
      if (unchanged(currentObj, next)) return currentObj;
      return this.write(key, next, current);
    });
  }

  async delete(key: ObjectKey, options: DeleteOptions = {}): Promise<KubeObject> {
    this.assertOpen();
    assertValidObjectKey(key);
    const id = objectId(key.namespace, key.name);
    return this.withKeyLock(lockKeyOf(key), async () => {
      const current = this.parts.index.get(collectionId(key), id);
      if (!current) throw new NotFoundError(key);
      const currentObj = JSON.parse(current.json) as KubeObject;
      checkPreconditions(key, currentObj, options.preconditions);
      await options.validateDeletion?.(JSON.parse(current.json) as KubeObject);
      if (this.wal) return this.deleteThroughLog(key, this.wal, current, currentObj);
      const dir = objectDir(this.dataDir, key);
      // The last object of a namespace: its directory goes with it.
      const removeEmptyDir =
        key.namespace !== '' && this.parts.index.namespaceSize(collectionId(key), key.namespace) === 1;
      return this.guard.commit(key, lockKeyOf(key), false, () =>
        this.pipeline.commit(
          () => this.parts.syncer.removeFile(dir, fileNameFor(key.name), { removeEmptyDir }),
          (rev) => {
            const tombstone = withRevision(currentObj, rev);
            const entry = { ...current, json: JSON.stringify(tombstone) };
            this.parts.index.remove(collectionId(key), id);
            this.publish({ rev, type: 'DELETED', collection: collectionId(key), entry, previous: current });
            return tombstone;
          },
        ),
      );
    });
  }

  async watch(options: WatchOptions): Promise<Watch> {
    assertValidCollectionKey(options);
    return this.hub.watch(options, this.pipeline.currentRevision);
  }

  async currentRevision(): Promise<number> {
    return this.pipeline.currentRevision;
  }

  stats(): StorageStats {
    const objects = new Map<string, number>();
    for (const [collection, count] of this.parts.index.collectionSizes()) {
      // `group/resource` → kube's `resource.group`.
      const [group = '', resource = ''] = collection.split('/');
      objects.set(group ? `${resource}.${group}` : resource, count);
    }
    return {
      objects,
      eventWindow: { size: this.window.size, oldestRevision: this.window.compactedRevision },
    };
  }

  ready(): boolean {
    return !this.closed && this.guard.problem === undefined;
  }

  notReadyReason(): string | undefined {
    if (this.closed) return 'the file store is closed';
    return this.guard.problem;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.guard.stop();
    await this.pipeline.drainAll();
    this.hub.closeAll();
    try {
      await this.wal?.close();
    } finally {
      await this.parts.lock.release();
    }
  }

  /** Writes obj durably with the next revision; applies it to the index in revision order. */
  private write(key: ObjectKey, obj: KubeObject, previous: StoredEntry | undefined): Promise<KubeObject> {
    if (this.wal) return this.writeThroughLog(key, obj, previous, this.wal);
    const dir = objectDir(this.dataDir, key);
    const id = objectId(key.namespace, key.name);
    let stored: KubeObject | undefined;
    let json = '';
    return this.guard.commit(key, lockKeyOf(key), true, () =>
      this.pipeline.commit(
        async (rev) => {
          stored = withRevision(obj, rev);
          json = JSON.stringify(stored);
          await this.parts.syncer.writeFileIn(this.dataDir, dir, fileNameFor(key.name), json);
        },
        (rev) => {
          const entry: StoredEntry = { namespace: key.namespace, id, json };
          this.parts.index.set(collectionId(key), entry);
          this.publish({
            rev,
            type: previous ? 'MODIFIED' : 'ADDED',
            collection: collectionId(key),
            entry,
            previous,
          });
          return stored!;
        },
      ),
    );
  }

  /** write() in log mode: durable once in the log, the file written behind it. */
  private async writeThroughLog(
    key: ObjectKey,
    obj: KubeObject,
    previous: StoredEntry | undefined,
    wal: WriteAheadLog,
  ): Promise<KubeObject> {
    await wal.room();
    const id = objectId(key.namespace, key.name);
    const lockKey = lockKeyOf(key);
    const type = previous ? 'MODIFIED' : 'ADDED';
    let stored: KubeObject | undefined;
    let json = '';
    return this.guard.commit(key, lockKey, true, () =>
      this.pipeline.commit(
        (rev) => {
          stored = withRevision(obj, rev);
          json = JSON.stringify(stored);
          return wal.append({ ...key, rev, type, json, previous: previous?.json });
        },
        (rev) => {
          const entry: StoredEntry = { namespace: key.namespace, id, json };
          this.parts.index.set(collectionId(key), entry);
          this.publish({ rev, type, collection: collectionId(key), entry, previous });
          wal.materialise(lockKey, { key, rev, json });
          return stored!;
        },
      ),
    );
  }

  private async deleteThroughLog(
    key: ObjectKey,
    wal: WriteAheadLog,
    current: StoredEntry,
    currentObj: KubeObject,
  ): Promise<KubeObject> {
    await wal.room();
    const lockKey = lockKeyOf(key);
    let tombstone: KubeObject | undefined;
    let json = '';
    // As for per-object deletes, success does not show that the disk takes new data: a small
    // record may fit in space the segment already holds.
    return this.guard.commit(key, lockKey, false, () =>
      this.pipeline.commit(
        (rev) => {
          tombstone = withRevision(currentObj, rev);
          json = JSON.stringify(tombstone);
          return wal.append({ ...key, rev, type: 'DELETED', json, previous: current.json });
        },
        (rev) => {
          this.parts.index.remove(collectionId(key), current.id);
          const entry = { ...current, json };
          this.publish({ rev, type: 'DELETED', collection: collectionId(key), entry, previous: current });
          wal.materialise(lockKey, { key, rev, json: null });
          return tombstone!;
        },
      ),
    );
  }

  /** Puts back on disk what the index serves for key (after a failed directory fsync). */
  private async rewriteFromIndex(key: ObjectKey): Promise<void> {
    const dir = objectDir(this.dataDir, key);
    const json = this.parts.index.json(collectionId(key), objectId(key.namespace, key.name));
    if (json === undefined) await this.parts.syncer.removeFileIfPresent(dir, fileNameFor(key.name));
    else await this.parts.syncer.writeFileIn(this.dataDir, dir, fileNameFor(key.name), json);
  }

  private publish(change: LoggedChange): void {
    this.window.append(change);
    this.hub.publish(change);
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageUnavailableError('the file store is closed');
  }

  private async withKeyLock<T>(lockKey: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.keyLocks.get(lockKey) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.keyLocks.set(lockKey, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.keyLocks.get(lockKey) === tail) this.keyLocks.delete(lockKey);
    }
  }
}

/** The probe writes about as much as an object takes, so a nearly full disk does not pass it. */
const PROBE_DATA = 'x'.repeat(4096);

function lockKeyOf(key: ObjectKey): string {
  return `${collectionId(key)}/${objectId(key.namespace, key.name)}`;
}

function withRevision(obj: KubeObject, rev: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } };
}

export type { CollectionKey };
