/**
 * Writes the JSON files behind the write-ahead log: once a write is acknowledged (durable in the
 * log), its key is queued here and its file is written with temp file → rename (an outside
 * reader sees a whole file, old or new) or unlinked — without an fsync each: the log holds the
 * change until a sync pass (syncPass) has made the files durable. Writes to one key queued
 * before its file is written cost one file write.
 *
 * The files are written on the file-writer thread (file-writer-thread.ts), at the lowest
 * scheduling priority, in batches of the oldest queued keys, one batch at a time: the event loop
 * makes no file system call for them, and a key stays in the queue — where a newer state
 * replaces it — until its batch is sent.
 *
 * Every path written or changed since the last sync pass is remembered, so the pass fsyncs each
 * once however often it was written (see retirement.ts for when a pass runs).
 */
import { closeSync, fsync, open } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ObjectKey } from '../../interface';
import type { StorageLogger } from '../../logger';
import { fileNameFor, objectDir } from '../paths';
import type { FileJob } from './file-jobs';
import { acquireFileWriter } from './file-writer-thread';
import type { BatchResult, FileWriter } from './file-writer-thread';

export interface MaterialiseJob {
  key: ObjectKey;
  rev: number;
  /** The object's JSON, or null once it is deleted. */
  json: string | null;
}

export interface MaterialiserOptions {
  dataDir: string;
  logger: StorageLogger;
  /** Whether the key's namespace now holds no object (its directory then goes too). */
  namespaceEmpty: (key: ObjectKey) => boolean;
  /** Called whenever the queue runs empty. */
  onIdle?: () => void;
  /** After a failed file write, the wait before trying again (default 1 s). */
  retryMs?: number;
}

/**
 * Keys per batch: enough that the thread hop (~50 µs) is small beside the files' cost, few
 * enough that a key waits in the queue (where a newer state replaces it) rather than in a batch.
 */
const BATCH_KEYS = 64;

const openFd = promisify(open);
const fsyncFd = promisify(fsync);

export class Materialiser {
  private readonly dirty = new Map<string, MaterialiseJob>();
  private readonly inFlight = new Map<string, MaterialiseJob>();
  private touchedFiles = new Set<string>();
  private touchedDirs = new Set<string>();
  private batchRunning = false;
  private readonly writer: FileWriter = acquireFileWriter();
  private retry?: NodeJS.Timeout;
  /** Set after a failed write until the retry: no worker runs meanwhile. */
  private failing = false;
  private warned = false;
  private stopped = false;
  private readonly idleWaiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private readonly roomWaiters: Array<{ below: number; resolve: () => void }> = [];

  constructor(private readonly options: MaterialiserOptions) {}

  /** Keys queued or being written. */
  get backlog(): number {
    return this.dirty.size + this.inFlight.size;
  }

  /** Queues the key's newest state (replacing any state of it still queued). */
  enqueue(lockKey: string, job: MaterialiseJob): void {
    this.dirty.delete(lockKey); // re-inserted last: the queue stays oldest-first
    this.dirty.set(lockKey, job);
    this.kick();
  }

  /** The lowest revision queued or being written, or undefined when nothing is. */
  lowestPending(): number | undefined {
    let low: number | undefined;
    for (const job of this.dirty.values()) if (low === undefined || job.rev < low) low = job.rev;
    for (const job of this.inFlight.values()) if (low === undefined || job.rev < low) low = job.rev;
    return low;
  }

  /** Resolves once the backlog is below `below` keys. */
  room(below: number): Promise<void> {
    if (this.backlog < below) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push({ below, resolve }));
  }

  /** Resolves once nothing is queued; rejects when a file write fails meanwhile. */
  idle(): Promise<void> {
    if (this.backlog === 0) return Promise.resolve();
    if (this.failing) return Promise.reject(new Error('writing object files behind the log fails'));
    return new Promise((resolve, reject) => this.idleWaiters.push({ resolve, reject }));
  }

  /**
   * fsyncs every file and directory written since the last pass (each once). On failure the
   * paths are kept for the next pass and the error is thrown.
   */
  async syncPass(): Promise<void> {
    const files = [...this.touchedFiles];
    const dirs = [...this.touchedDirs];
    this.touchedFiles = new Set();
    this.touchedDirs = new Set();
    try {
      await forEachLimited(files, 8, fsyncPath);
      await forEachLimited(dirs, 8, fsyncPath);
    } catch (err) {
      for (const f of files) this.touchedFiles.add(f);
      for (const d of dirs) this.touchedDirs.add(d);
      throw err;
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.writer.release();
  }

  /** The file-writer thread's nice value (null: it could not be lowered; undefined: not started yet). */
  writerPriority(): number | null | undefined {
    return this.writer.priority();
  }

  private kick(): void {
    if (this.batchRunning || this.failing || this.stopped || this.dirty.size === 0) return;
    const batch: Array<[string, MaterialiseJob]> = [];
    for (const entry of this.dirty) {
      batch.push(entry);
      if (batch.length === BATCH_KEYS) break;
    }
    for (const [lockKey, job] of batch) {
      this.dirty.delete(lockKey);
      this.inFlight.set(lockKey, job);
    }
    this.batchRunning = true;
    const jobs = batch.map(([, job]) => this.fileJob(job));
    void this.writer.run(this.options.dataDir, jobs).then((result) => this.settle(batch, result));
  }

  /** What the thread is to do for a job (whether a namespace is now empty is known here). */
  private fileJob(job: MaterialiseJob): FileJob {
    const dir = objectDir(this.options.dataDir, job.key);
    return {
      dir,
      file: path.join(dir, fileNameFor(job.key.name)),
      json: job.json,
      removeEmptyDir: job.json === null && !!job.key.namespace && this.options.namespaceEmpty(job.key),
    };
  }

  private settle(batch: Array<[string, MaterialiseJob]>, result: BatchResult): void {
    this.batchRunning = false;
    for (const file of result.touched.files) this.touchedFiles.add(file);
    for (const dir of result.touched.dirs) this.touchedDirs.add(dir);
    for (const [index, [lockKey, job]] of batch.entries()) {
      this.inFlight.delete(lockKey);
      // Not done: kept for the retry, unless a newer state of the key is already queued.
      if (index >= result.done && !this.dirty.has(lockKey)) this.dirty.set(lockKey, job);
    }
    if (result.error !== undefined) this.failed(result.error);
    else if (this.warned) this.recovered();
    this.notifyRoom();
    if (this.backlog === 0) {
      for (const waiter of this.idleWaiters.splice(0)) waiter.resolve();
      this.options.onIdle?.();
      return;
    }
    this.kick();
  }

  private failed(err: unknown): void {
    if (!this.warned) {
      this.warned = true;
      this.options.logger.warn('file store: writing object files behind the log failed; retrying', {
        error: String(err),
      });
    }
    this.failing = true;
    for (const waiter of this.idleWaiters.splice(0)) waiter.reject(err);
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.failing = false;
      this.kick();
    }, this.options.retryMs ?? 1000);
    this.retry.unref();
  }

  private recovered(): void {
    this.warned = false;
    this.options.logger.info('file store: writing object files behind the log works again', {});
  }

  private notifyRoom(): void {
    for (let i = this.roomWaiters.length - 1; i >= 0; i--) {
      const waiter = this.roomWaiters[i]!;
      if (this.backlog < waiter.below) {
        this.roomWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

/** fsyncs a file or directory; one that is gone since needs nothing (its directory is synced). */
async function fsyncPath(target: string): Promise<void> {
  let fd: number;
  try {
    fd = await openFd(target, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const run = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}
