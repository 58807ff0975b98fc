/**
 * Appends records to the write-ahead log with group commit: the records that arrive while an
 * fdatasync runs wait together, and when it returns they are written with one write and made
 * durable with one fdatasync — N concurrent writers cost about one sync per round, not N. A
 * record's promise resolves only once a sync that began after its bytes were written has
 * completed (then it may be acknowledged).
 *
 * A batch whose write or sync fails fails every record in it, and the segment is cut back to
 * the end of the last durable batch (and synced), so a write answered with an error cannot
 * reappear after a restart. If the cut fails too, every later batch first retries it and fails
 * while it cannot (repair() is what the store's write probe calls).
 */
import { closeSync, fdatasync, fsync, ftruncate, open, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { segmentPath, walDir } from './segments';
import type { DiskObserver } from '../durable-fs';

/** The file system calls of the log; only tests pass others (to fail a sync on demand). */
export interface LogOps {
  open(target: string, flags: string): Promise<number>;
  /** Writes all of data at position; synchronous (page cache only, a few KB per batch). */
  write(fd: number, data: Buffer, position: number): void;
  fdatasync(fd: number): Promise<void>;
  /** fsync of a directory. */
  fsync(fd: number): Promise<void>;
  ftruncate(fd: number, length: number): Promise<void>;
  close(fd: number): void;
}

const openFd = promisify(open);
export const realLogOps: LogOps = {
  open: (target, flags) => openFd(target, flags, 0o644),
  write: (fd, data, position) => {
    let done = 0;
    while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
  },
  fdatasync: promisify(fdatasync),
  fsync: promisify(fsync),
  ftruncate: promisify(ftruncate),
  close: (fd) => closeSync(fd),
};

/** A closed segment: everything in it is durable. */
export interface ClosedSegment {
  seq: number;
  bytes: number;
  lastRev: number;
}

export interface LogWriterOptions {
  dataDir: string;
  /** The sequence number of the first segment this writer creates. */
  firstSeq: number;
  /** A segment is closed and a new one begun once it holds this many bytes. */
  segmentBytes: number;
  /** Told of every segment the writer closes. */
  onClose: (segment: ClosedSegment) => void;
  ops?: LogOps;
  /** Told of each batch's fdatasync latency and size (the storage metrics). */
  observer?: DiskObserver;
}

interface Pending {
  data: Buffer;
  rev: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class LogWriter {
  private pending: Pending[] = [];
  private flushing?: Promise<void>;
  /** Why the segment may hold bytes past `size` that were never acknowledged. */
  private broken?: unknown;
  private closed = false;
  private lastRev = 0;
  /** Bytes written and synced: the segment's valid length. */
  private size = 0;

  private constructor(
    private readonly options: LogWriterOptions,
    private readonly ops: LogOps,
    private seq: number,
    private fd: number,
  ) {}

  static async open(options: LogWriterOptions): Promise<LogWriter> {
    const ops = options.ops ?? realLogOps;
    const dir = walDir(options.dataDir);
    await mkdir(dir, { recursive: true });
    // The log directory's own entry, then the new segment's: both survive a crash.
    await syncDir(ops, options.dataDir);
    const fd = await createSegment(ops, options.dataDir, options.firstSeq);
    return new LogWriter(options, ops, options.firstSeq, fd);
  }

  /** The segment being written. */
  get current(): ClosedSegment {
    return { seq: this.seq, bytes: this.size, lastRev: this.lastRev };
  }

  /** Bytes waiting for the next batch. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Resolves once the record is durable; rejects when its batch could not be made durable. */
  append(data: Buffer, rev: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the write-ahead log is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ data, rev, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Cuts off what a failed batch may have left; throws while that fails. */
  async repair(): Promise<void> {
    if (this.broken === undefined) return;
    await this.ops.ftruncate(this.fd, this.size);
    await this.ops.fdatasync(this.fd);
    this.broken = undefined;
  }

  /** Waits for every appended record, then closes the segment (it stays on disk). */
  async close(): Promise<ClosedSegment> {
    this.closed = true;
    await this.flushing;
    this.ops.close(this.fd);
    return this.current;
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        await this.commit(batch);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    try {
      await this.repair();
      if (this.size >= this.options.segmentBytes) await this.rotate();
      const data = batch.length === 1 ? batch[0]!.data : Buffer.concat(batch.map((p) => p.data));
      try {
        this.ops.write(this.fd, data, this.size);
        const started = process.hrtime.bigint();
        await this.ops.fdatasync(this.fd);
        this.options.observer?.fsync(Number(process.hrtime.bigint() - started) / 1e9, 'log');
        this.options.observer?.groupCommit(batch.length);
      } catch (err) {
        this.broken = err;
        await this.repair().catch(() => {});
        throw err;
      }
      this.size += data.length;
      for (const p of batch) if (p.rev > this.lastRev) this.lastRev = p.rev;
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    for (const p of batch) p.resolve();
  }

  private async rotate(): Promise<void> {
    const next = this.seq + 1;
    const fd = await createSegment(this.ops, this.options.dataDir, next);
    const closed = this.current;
    this.ops.close(this.fd);
    this.fd = fd;
    this.seq = next;
    this.size = 0;
    this.lastRev = 0;
    this.options.onClose(closed);
  }
}

/** Creates (or empties, after a failed attempt) a segment and makes its directory entry durable. */
async function createSegment(ops: LogOps, dataDir: string, seq: number): Promise<number> {
  const fd = await ops.open(segmentPath(dataDir, seq), 'w');
  try {
    await syncDir(ops, walDir(dataDir));
  } catch (err) {
    ops.close(fd);
    throw err;
  }
  return fd;
}

async function syncDir(ops: LogOps, dir: string): Promise<void> {
  const fd = await ops.open(path.resolve(dir), 'r');
  try {
    await ops.fsync(fd);
  } finally {
    ops.close(fd);
  }
}
