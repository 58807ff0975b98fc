/**
 * The store's revision counter. Revisions are handed out from blocks reserved in a small state
 * file (fsynced before use), so a revision is never reused — not after a crash, a restart or
 * the deletion of the newest object — without a disk write per revision. A crash forfeits at
 * most the rest of one block, which only leaves a gap.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DirectorySyncer } from './durable-fs';
import { REVISION_FILE } from './paths';
import { CorruptError } from '../errors';

export interface RevisionCounterOptions {
  dataDir: string;
  syncer: DirectorySyncer;
  /** The highest revision found in stored objects. */
  highestStored: number;
  blockSize?: number;
}

export class RevisionCounter {
  private next: number;
  private reserving?: Promise<void>;

  private constructor(
    private readonly opts: Required<RevisionCounterOptions>,
    /** The revision the store starts at: every revision handed out before the restart is ≤ it. */
    readonly bootRevision: number,
    private reserved: number,
  ) {
    this.next = bootRevision + 1;
  }

  static async open(options: RevisionCounterOptions): Promise<RevisionCounter> {
    const opts = { ...options, blockSize: options.blockSize ?? 1000 };
    const onDisk = await readReserved(opts.dataDir);
    const boot = Math.max(onDisk, opts.highestStored);
    const counter = new RevisionCounter(opts, boot, boot);
    await counter.reserveBlock();
    return counter;
  }

  /** True when a revision can be taken without waiting for a reservation. */
  canTake(): boolean {
    return this.next <= this.reserved;
  }

  /** Takes the next revision; only call when canTake() is true. */
  take(): number {
    if (!this.canTake()) throw new Error('revision counter: no reserved revision left');
    const rev = this.next++;
    if (this.reserved - this.next < this.opts.blockSize / 2) void this.reserveBlock().catch(() => {});
    return rev;
  }

  /** Reserves the next block (one at a time); resolves when it is durable. */
  reserveBlock(): Promise<void> {
    if (!this.reserving) {
      const target = Math.max(this.reserved, this.next - 1) + this.opts.blockSize;
      this.reserving = this.opts.syncer
        .writeFile(this.opts.dataDir, REVISION_FILE, `${JSON.stringify({ reserved: target })}\n`)
        .then(() => {
          this.reserved = target;
        })
        .finally(() => {
          this.reserving = undefined;
        });
    }
    return this.reserving;
  }
}

async function readReserved(dataDir: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, REVISION_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  try {
    const reserved = (JSON.parse(text) as { reserved?: unknown }).reserved;
    if (typeof reserved === 'number' && Number.isSafeInteger(reserved) && reserved >= 0) return reserved;
  } catch {
    // reported below
  }
  // Never guess a lower counter: that could reuse revisions. Refuse and say where.
  throw new CorruptError(`revision state file ${path.join(dataDir, REVISION_FILE)} is unreadable`);
}
