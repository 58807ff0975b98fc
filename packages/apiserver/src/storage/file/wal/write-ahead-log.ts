/**
 * The file store's write-ahead log (docs/file-store-wal.md), as the store uses it: replay at
 * start-up (replayLog), then appends with group commit (log-writer.ts), the object files
 * written behind them (materialiser.ts) and closed segments retired once those files are
 * durable (retirement.ts).
 */
import type { ObjectKey } from '../../interface';
import { collectionId, objectId } from '../../keys';
import type { StorageLogger } from '../../logger';
import { LogWriter } from './log-writer';
import type { LogOps } from './log-writer';
import { Materialiser } from './materialiser';
import type { MaterialiseJob } from './materialiser';
import { encodeRecord } from './record';
import type { LogRecord } from './record';
import { Retirement } from './retirement';
import { readLog, readMaterialised, removeLogTempFiles } from './segments';
import type { ReadSegment } from './segments';
import type { DiskObserver } from '../durable-fs';

/** Segments are closed at this size (a bound on one segment's replay: ~25k small objects). */
export const SEGMENT_BYTES = 16 * 1024 * 1024;
/**
 * Keys whose files may lag behind the log before commits wait for the materialiser: the bound on
 * how far an outside reader of the files can be behind (at ~1,000 files/s, about 5 s).
 */
export const MAX_BACKLOG = 5_000;

export interface ReplayedLog {
  segments: ReadSegment[];
  /**
   * The newest record of every key whose file may lack it (newer than the materialised marker),
   * by `group/resource/namespace/name`: these files are not read, and are written again.
   */
  latest: Map<string, LogRecord>;
  highestRevision: number;
  truncatedBytes: number;
}

export function keyOfRecord(record: LogRecord): ObjectKey {
  return { group: record.group, resource: record.resource, namespace: record.namespace, name: record.name };
}

export function lockKeyOf(key: ObjectKey): string {
  return `${collectionId(key)}/${objectId(key.namespace, key.name)}`;
}

/** Reads the log left by earlier runs (cutting a torn tail), keeping each key's newest record. */
export function replayLog(dataDir: string, logger: StorageLogger): ReplayedLog {
  removeLogTempFiles(dataDir);
  const { segments, truncatedBytes } = readLog(dataDir, logger);
  const materialised = readMaterialised(dataDir);
  const latest = new Map<string, LogRecord>();
  let highestRevision = 0;
  for (const segment of segments) {
    for (const record of segment.records) {
      const lockKey = lockKeyOf(keyOfRecord(record));
      const known = latest.get(lockKey);
      if (!known || known.rev < record.rev) latest.set(lockKey, record);
      if (record.rev > highestRevision) highestRevision = record.rev;
    }
  }
  for (const [lockKey, record] of latest) if (record.rev <= materialised) latest.delete(lockKey);
  return { segments, latest, highestRevision, truncatedBytes };
}

export interface WriteAheadLogOptions {
  dataDir: string;
  logger: StorageLogger;
  replayed: ReplayedLog;
  namespaceEmpty: (key: ObjectKey) => boolean;
  appliedRevision: () => number;
  segmentBytes?: number;
  /** Compaction bounds of the retained log (retirement.ts); default: none retained. */
  retainBytes?: number;
  retainRevisions?: number;
  /** Records that every record up to the revision is durable in the files (a durable write). */
  markMaterialised: (through: number) => Promise<void>;
  ops?: LogOps;
  observer?: DiskObserver;
}

export class WriteAheadLog {
  private constructor(
    private readonly writer: LogWriter | undefined,
    private readonly materialiser: Materialiser,
    private readonly retirement: Retirement,
    private readonly logger: StorageLogger,
  ) {}

  /**
   * Queues the replayed states for materialisation and the replayed segments for retirement.
   * `appending`: open a new segment for this run's writes; otherwise (per-object mode) the
   * replayed log is materialised, synced and retired before this resolves.
   */
  static async start(options: WriteAheadLogOptions, appending: boolean): Promise<WriteAheadLog> {
    const { dataDir, logger, replayed } = options;
    const materialiser = new Materialiser({
      dataDir,
      logger,
      namespaceEmpty: options.namespaceEmpty,
      // Called only once something was queued, after `retirement` exists.
      onIdle: () => retirement.schedule(),
    });
    const retirement = new Retirement({
      dataDir,
      logger,
      materialiser,
      appliedRevision: options.appliedRevision,
      retainBytes: options.retainBytes,
      retainRevisions: options.retainRevisions,
      markMaterialised: options.markMaterialised,
    });
    // States first: a segment is retired only once nothing at or below its revisions is queued.
    for (const [lockKey, record] of replayed.latest) {
      materialiser.enqueue(lockKey, {
        key: keyOfRecord(record),
        rev: record.rev,
        json: record.type === 'DELETED' ? null : record.json,
      });
    }
    for (const s of replayed.segments) retirement.add({ seq: s.seq, bytes: s.bytes, lastRev: s.lastRev });
    if (!appending) {
      await retirement.finish(true);
      return new WriteAheadLog(undefined, materialiser, retirement, logger);
    }
    const last = replayed.segments[replayed.segments.length - 1]?.seq ?? 0;
    const writer = await LogWriter.open({
      dataDir,
      firstSeq: last + 1,
      segmentBytes: options.segmentBytes ?? SEGMENT_BYTES,
      onClose: (segment) => retirement.add(segment),
      ops: options.ops,
      observer: options.observer,
    });
    return new WriteAheadLog(writer, materialiser, retirement, logger);
  }

  /** Waits while too many files lag behind the log (call before taking a revision). */
  room(): Promise<void> {
    return this.materialiser.room(MAX_BACKLOG);
  }

  /** Resolves once the record is durable in the log. Call in revision order per key. */
  append(record: LogRecord): Promise<void> {
    if (!this.writer) return Promise.reject(new Error('the write-ahead log is not open for writes'));
    return this.writer.append(encodeRecord(record), record.rev);
  }

  /** Queues an acknowledged state for its file. */
  materialise(lockKey: string, job: MaterialiseJob): void {
    this.materialiser.enqueue(lockKey, job);
  }

  /** Cuts off what a failed batch may have left (the write probe calls it). */
  async repair(): Promise<void> {
    await this.writer?.repair();
  }

  /** Keys whose files lag behind the log. */
  get backlog(): number {
    return this.materialiser.backlog;
  }

  /**
   * Closes the log after every append: every file is written, and the segments beyond the
   * compaction bounds are retired (the rest is replayed at the next start, and rebuilds the
   * event window). When that fails the log stays and it is logged.
   */
  async close(): Promise<void> {
    if (this.writer) this.retirement.add(await this.writer.close());
    try {
      await this.retirement.finish(false);
    } catch (err) {
      this.logger.warn(
        'file store: the write-ahead log could not be retired at close; it is replayed at start',
        {
          error: String(err),
        },
      );
    } finally {
      this.materialiser.stop();
    }
  }
}
