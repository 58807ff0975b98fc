/**
 * Whether etcd can serve, for /readyz. A background probe (a linearizable read, which needs a
 * leader, like Kubernetes' etcd health check) runs every interval; any call that fails for want
 * of etcd marks it unavailable at once, any that succeeds marks it available again.
 */
import type { StorageLogger } from '../logger';
import { describeError } from './etcd-errors';

export interface AvailabilityOptions {
  probe: () => Promise<void>;
  intervalMs: number;
  logger: StorageLogger;
}

export class Availability {
  private available = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: AvailabilityOptions) {}

  get isAvailable(): boolean {
    return this.available;
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
    } catch (err) {
      this.markUnavailable(err);
    }
  }
}
