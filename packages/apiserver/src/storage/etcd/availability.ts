/**
 * Whether etcd can serve, for /readyz. A background probe (a linearizable read, which needs a
 * leader, like Kubernetes' etcd health check) runs every interval; any call that fails for want
 * of etcd marks it unavailable at once, any that succeeds marks it available again.
 *
 * etcd over its space quota still serves reads but refuses every write (its NOSPACE alarm) until
 * an operator compacts, defragments and disarms it: a refused write marks writes refused, and
 * the store is not ready until a write succeeds or the probe finds the alarm gone.
 */
import type { StorageLogger } from '../logger';
import { describeError } from './etcd-errors';

export interface AvailabilityOptions {
  probe: () => Promise<void>;
  /** Whether etcd refuses writes (an alarm is raised); asked by the probe while writes are refused. */
  refusesWrites: () => Promise<boolean>;
  intervalMs: number;
  logger: StorageLogger;
}

export class Availability {
  private available = false;
  private writesRefused: string | undefined;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: AvailabilityOptions) {}

  get isAvailable(): boolean {
    return this.available;
  }

  /** Why etcd cannot serve or write, or undefined when it can. */
  get problem(): string | undefined {
    return this.available ? this.writesRefused : 'etcd is unavailable';
  }

  /** A write was refused for `reason` (etcd's own words). */
  markWritesRefused(reason: string): void {
    if (this.writesRefused === undefined) {
      this.options.logger.warn('etcd refuses writes; not ready until it takes them again', { reason });
    }
    this.writesRefused = reason;
  }

  markWritesAccepted(): void {
    if (this.writesRefused === undefined) return;
    this.writesRefused = undefined;
    this.options.logger.info('etcd takes writes again');
  }

  /** Runs the first probe, then keeps probing; resolves with the first probe's outcome. */
  async start(): Promise<boolean> {
    await this.probeOnce();
    this.schedule();
    return this.available;
  }

  markAvailable(): void {
    if (this.available || this.stopped) return;
    this.available = true;
    this.options.logger.info('etcd is available');
  }

  markUnavailable(err: unknown): void {
    if (!this.available) return;
    this.available = false;
    this.options.logger.warn('etcd is unavailable', { error: describeError(err) });
  }

  stop(): void {
    this.stopped = true;
    this.available = false;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.probeOnce().then(() => this.schedule()), this.options.intervalMs);
    this.timer.unref();
  }

  private async probeOnce(): Promise<void> {
    try {
      await this.options.probe();
      this.markAvailable();
      if (this.writesRefused !== undefined && !(await this.options.refusesWrites()))
        this.markWritesAccepted();
    } catch (err) {
      this.markUnavailable(err);
    }
  }
}
