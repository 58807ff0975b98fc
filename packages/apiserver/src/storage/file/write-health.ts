/**
 * Whether the file store can write, for /readyz. A write that fails on the disk (full,
 * read-only, I/O error) makes the store not ready at once, with the reason; while it is, a cheap
 * probe (a small durable write, see file-storage.ts) runs every interval, and the store is
 * ready again once the probe, or a write begun after the failure, succeeds.
 *
 * Only a write begun after the latest failure counts: a small write that was already in flight
 * when a large one hit a full disk proves little, and would make /readyz flap.
 */
import type { StorageLogger } from '../logger';

export interface WriteHealthOptions {
  /** Succeeds only when the store can write again (and has repaired what it must). */
  probe: () => Promise<void>;
  /** The client-safe reason for a failed probe (undefined: keep the last one). */
  describe: (err: unknown) => string | undefined;
  intervalMs: number;
  logger: StorageLogger;
}

export class WriteHealth {
  private failure: string | undefined;
  /** Bumped on every failure: a write started in an older epoch cannot clear a newer failure. */
  private epochCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private probing = false;
  private stopped = false;

  constructor(private readonly options: WriteHealthOptions) {}

  /** Why writes fail, or undefined while they succeed. */
  get problem(): string | undefined {
    return this.failure;
  }

  /** Take at the start of a write; hand to succeeded() when it worked. */
  get epoch(): number {
    return this.epochCount;
  }

  failed(reason: string, error: unknown): void {
    this.epochCount++;
    if (this.failure === undefined) {
      this.options.logger.warn('file store: writes are failing; not ready until they succeed again', {
        reason,
        error: String((error as Error)?.message ?? error),
      });
    }
    this.failure = reason;
    this.schedule();
  }

  succeeded(epoch: number): void {
    if (this.failure === undefined || epoch !== this.epochCount) return;
    this.failure = undefined;
    this.options.logger.info('file store: writes succeed again; ready');
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped || this.timer || this.probing) return;
    this.timer = setTimeout(() => void this.probeOnce(), this.options.intervalMs);
    this.timer.unref();
  }

  private async probeOnce(): Promise<void> {
    this.timer = undefined;
    if (this.stopped || this.failure === undefined) return;
    this.probing = true;
    const epoch = this.epochCount;
    try {
      await this.options.probe();
      this.succeeded(epoch);
    } catch (err) {
      // Still failing (not logged: it would be every interval); the reason follows the disk,
      // e.g. from a full disk to one remounted read-only.
      this.failure = this.options.describe(err) ?? this.failure;
    } finally {
      this.probing = false;
    }
    if (this.failure !== undefined) this.schedule();
  }
}
