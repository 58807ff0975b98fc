/**
 * Retires closed log segments once their records are durable in the object files: when every
 * record of a segment has been materialised (nothing at or below its last revision is queued or
 * being written, and the store has applied past it), one sync pass makes the files durable,
 * then the segment is unlinked and the log directory fsynced. Segments go oldest first, so the
 * log left on disk always ends with every record a file may still lack.
 */
import { closeSync, fsync, open } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { StorageLogger } from '../../logger';
import type { ClosedSegment } from './log-writer';
import type { Materialiser } from './materialiser';
import { segmentPath, walDir } from './segments';

export interface RetirementOptions {
  dataDir: string;
  logger: StorageLogger;
  materialiser: Materialiser;
  /** The newest revision the store has applied (and so queued for materialisation). */
  appliedRevision: () => number;
  /** After a failed pass, the wait before the next (default 1 s). */
  retryMs?: number;
  /**
   * Compaction bounds: materialised segments are kept (for the event window at the next start)
   * while all closed segments together hold at most `retainBytes` and a segment's newest revision
   * is within `retainRevisions` of the applied one. Default 0 and 0: retire at once.
   */
  retainBytes?: number;
  retainRevisions?: number;
  /** Called after a sync pass: every record up to `through` is durable in the files. */
  markMaterialised?: (through: number) => Promise<void>;
}

const openFd = promisify(open);
const fsyncFd = promisify(fsync);

export class Retirement {
  private readonly closed: ClosedSegment[] = [];
  private running?: Promise<void>;
  private again = false;
  private retry?: NodeJS.Timeout;
  private stopped = false;
  private marked = 0;

  constructor(private readonly options: RetirementOptions) {}

  /** Segments closed and not yet retired, oldest first. */
  get pending(): readonly ClosedSegment[] {
    return this.closed;
  }

  add(segment: ClosedSegment): void {
    this.closed.push(segment);
    this.closed.sort((a, b) => a.seq - b.seq);
    this.schedule();
  }

  /** Retires what can be retired now (in the background; errors are retried). */
  schedule(): void {
    if (this.stopped || this.closed.length === 0) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run()
      .catch((err: unknown) => {
        this.options.logger.warn('file store: retiring write-ahead log segments failed; retrying', {
          error: String(err),
        });
        clearTimeout(this.retry);
        this.retry = setTimeout(() => this.schedule(), this.options.retryMs ?? 1000);
        this.retry.unref();
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
  }

  /**
   * Stops background retirement, waits until every queued file is written, then retires what the
   * bounds say (or, with `all`, every closed segment); throws when that fails.
   */
  async finish(all: boolean): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.running;
    await this.options.materialiser.idle();
    await this.run(all, true);
  }

  /** `pass`: sync and mark even when no segment can be retired (at close). */
  private async run(all = false, pass = false): Promise<void> {
    const { materialiser } = this.options;
    const low = materialiser.lowestPending();
    const through = Math.min(this.options.appliedRevision(), low === undefined ? Infinity : low - 1);
    // Oldest first and never past a segment that must stay: a retained segment may hold a key's
    // older record only if every newer one is retained too.
    let count = 0;
    while (count < this.closed.length && this.closed[count]!.lastRev <= through) count++;
    // Of those, the oldest go while the log is beyond its bounds.
    const applied = this.options.appliedRevision();
    const maxBytes = this.options.retainBytes ?? 0;
    const maxRevisions = this.options.retainRevisions ?? 0;
    let bytes = this.closed.reduce((n, s) => n + s.bytes, 0);
    let retire = 0;
    while (retire < count) {
      const segment = this.closed[retire]!;
      if (!all && bytes <= maxBytes && applied - segment.lastRev < maxRevisions) break;
      bytes -= segment.bytes;
      retire++;
    }
    const retirable = this.closed.slice(0, retire);
    if (retirable.length === 0 && !(pass && through > this.marked)) return;
    await materialiser.syncPass();
    if (through > this.marked && this.options.markMaterialised) {
      await this.options.markMaterialised(through);
      this.marked = through;
    }
    if (retirable.length === 0) return;
    for (const segment of retirable) {
      await unlink(segmentPath(this.options.dataDir, segment.seq)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      this.closed.splice(this.closed.indexOf(segment), 1);
    }
    const fd = await openFd(walDir(this.options.dataDir), 'r');
    try {
      await fsyncFd(fd);
    } finally {
      closeSync(fd);
    }
  }
}
