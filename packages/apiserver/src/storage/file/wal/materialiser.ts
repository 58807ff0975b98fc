/**
 * Writes the JSON files behind the write-ahead log: once a write is acknowledged (durable in the
 * log), its key is queued here and its file is written with temp file → rename (an outside
 * reader sees a whole file, old or new) or unlinked — without an fsync each: the log holds the
 * change until a sync pass (syncPass) has made the files durable. Writes to one key queued
 * before it runs cost one file write; one key is never written by two workers at once.
 *
 * Every path written or changed since the last sync pass is remembered, so the pass fsyncs each
 * once however often it was written (see retirement.ts for when a pass runs).
 */
import { closeSync, fsync, open, writeFileSync } from 'node:fs';
import { mkdir, rename, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ObjectKey } from '../../interface';
import type { StorageLogger } from '../../logger';
import { TEMP_PREFIX, fileNameFor, objectDir, tempSuffix } from '../paths';

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
  /** Files written at once at most (default: by backlog, see workersFor). */
  concurrency?: number;
  /** After a failed file write, the wait before trying again (default 1 s). */
  retryMs?: number;
}

const openFd = promisify(open);
const fsyncFd = promisify(fsync);

export class Materialiser {
  private readonly dirty = new Map<string, MaterialiseJob>();
  private readonly inFlight = new Map<string, MaterialiseJob>();
  private touchedFiles = new Set<string>();
  private touchedDirs = new Set<string>();
  private workers = 0;
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
  }

  private kick(): void {
    const limit = this.options.concurrency ?? workersFor(this.backlog);
    while (!this.failing && !this.stopped && this.workers < limit && this.dirty.size > this.workers) {
      this.workers++;
      void this.work();
    }
  }

  private takeNext(): [string, MaterialiseJob] | undefined {
    for (const entry of this.dirty) {
      if (this.inFlight.has(entry[0])) continue;
      this.dirty.delete(entry[0]);
      return entry;
    }
    return undefined;
  }

  private async work(): Promise<void> {
    try {
      for (let next = this.takeNext(); next && !this.failing; next = this.takeNext()) {
        const [lockKey, job] = next;
        this.inFlight.set(lockKey, job);
        try {
          await this.materialise(job);
          if (this.warned) this.recovered();
        } catch (err) {
          // Kept for the retry, unless a newer state of the key is already queued.
          if (!this.dirty.has(lockKey)) this.dirty.set(lockKey, job);
          this.failed(err);
        } finally {
          this.inFlight.delete(lockKey);
          this.notifyRoom();
        }
      }
    } finally {
      this.workers--;
      if (this.backlog === 0) {
        for (const waiter of this.idleWaiters.splice(0)) waiter.resolve();
        this.options.onIdle?.();
      }
    }
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

  private async materialise(job: MaterialiseJob): Promise<void> {
    const dir = objectDir(this.options.dataDir, job.key);
    const file = path.join(dir, fileNameFor(job.key.name));
    if (job.json === null) {
      await unlink(file).catch(ignore('ENOENT'));
      this.touchedDirs.add(dir);
      if (job.key.namespace && this.options.namespaceEmpty(job.key)) {
        // Fails harmlessly (ENOTEMPTY) when a write into the namespace got there first.
        await rmdir(dir).then(
          () => this.touchedDirs.add(path.dirname(dir)),
          () => {},
        );
      }
      return;
    }
    const temp = path.join(dir, `${TEMP_PREFIX}${tempSuffix()}`);
    let fd: number;
    try {
      fd = await openFd(temp, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(dir, { recursive: true });
      for (let d = dir; d !== this.options.dataDir && d !== path.dirname(d); d = path.dirname(d)) {
        this.touchedDirs.add(path.dirname(d));
      }
      fd = await openFd(temp, 'wx', 0o644);
    }
    try {
      try {
        // In place: page cache only, and it spares a thread-pool round trip (as durable-fs.ts).
        writeFileSync(fd, job.json);
      } finally {
        closeSync(fd);
      }
      await rename(temp, file);
    } catch (err) {
      await unlink(temp).catch(() => {});
      throw err;
    }
    this.touchedFiles.add(file);
    this.touchedDirs.add(dir);
  }
}

/**
 * Writers by backlog: one while the files keep up, more as they fall behind. Making a file is
 * mostly kernel time (measured on the reference ext4 disk: ~1 ms of system CPU per temp file +
 * rename, against ~25 µs on tmpfs), so on 2 cores each extra writer takes CPU from requests:
 * with 4 writers creates ran at 1,587/s (p50 8.4 ms), with one at 2,501/s (p50 5.4 ms). A burst
 * is acknowledged at the log's pace and its files follow; a sustained load gets more writers
 * before commits wait (MAX_BACKLOG in write-ahead-log.ts).
 */
function workersFor(backlog: number): number {
  return backlog < 2500 ? 1 : backlog < 4000 ? 2 : 4;
}

function ignore(code: string): (err: NodeJS.ErrnoException) => void {
  return (err) => {
    if (err.code !== code) throw err;
  };
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
