/**
 * Every disk commit of the file store goes through here. A failed disk operation becomes a
 * StorageWriteFailedError a client can act on (`storage write failed: no space left on
 * device`) and makes the store not ready (write-health.ts) until a probe or a later write
 * succeeds. A delete does not count as a write that succeeds: unlinking works on a full disk.
 *
 * A failure before the rename (open, write, fsync, rename: where ENOSPC, EROFS and most I/O
 * errors surface) changed nothing under the object's name, so nothing needs undoing. Only a
 * failed directory fsync after the rename or unlink (NotDurableError) leaves the file showing
 * a state the store does not serve; such keys stay not ready until `repair` has written the
 * served state back over them (the probe does, under the key's lock), or a later write to the
 * key has replaced the file.
 */
import { StorageWriteFailedError } from '../errors';
import type { ObjectKey } from '../interface';
import type { StorageLogger } from '../logger';
import { NotDurableError, describeOsError, toWriteFailure } from './disk-errors';
import { WriteHealth } from './write-health';

export interface WriteGuardOptions {
  logger: StorageLogger;
  probeIntervalMs: number;
  /** Makes the key's file hold what the store serves (taking the key's lock). */
  repair: (key: ObjectKey) => Promise<void>;
  /** A small durable write and its removal. */
  probeWrite: () => Promise<void>;
}

export class WriteGuard {
  /** Keys whose file may differ from what is served, by their lock key. */
  private readonly divergent = new Map<string, ObjectKey>();
  private readonly health: WriteHealth;

  constructor(private readonly options: WriteGuardOptions) {
    this.health = new WriteHealth({
      probe: () => this.probe(),
      describe: (err) => {
        const reason = describeOsError(err);
        return reason === undefined ? undefined : new StorageWriteFailedError(reason).message;
      },
      intervalMs: options.probeIntervalMs,
      logger: options.logger,
    });
  }

  /** Why the store cannot write (`storage write failed: …`), or undefined while it can. */
  get problem(): string | undefined {
    return this.health.problem;
  }

  /**
   * Runs one commit of `key` (whose lock the caller holds). `writesData`: whether success
   * shows the disk takes new data (a create or update, not a delete).
   */
  async commit<T>(key: ObjectKey, lockKey: string, writesData: boolean, run: () => Promise<T>): Promise<T> {
    const epoch = this.health.epoch;
    try {
      const result = await run();
      this.divergent.delete(lockKey);
      if (writesData && this.divergent.size === 0) this.health.succeeded(epoch);
      return result;
    } catch (err) {
      const failure = toWriteFailure(err, key);
      if (failure instanceof StorageWriteFailedError) {
        if (err instanceof NotDurableError) this.divergent.set(lockKey, key);
        this.health.failed(failure.message, err);
      }
      throw failure;
    }
  }

  stop(): void {
    this.health.stop();
  }

  private async probe(): Promise<void> {
    for (const [lockKey, key] of [...this.divergent]) {
      await this.options.repair(key);
      this.divergent.delete(lockKey);
    }
    await this.options.probeWrite();
  }
}
