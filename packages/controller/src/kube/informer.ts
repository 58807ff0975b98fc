/**
 * A Foo informer that keeps running: client-node's ListWatch lists, watches from the last
 * resourceVersion it saw, relists on 410 Gone and re-watches on a normal close — but on any
 * other failure (a non-200 other than 410, a refused connection while the apiserver restarts,
 * a failed list) it calls its error callbacks and stops for good. This wrapper notices that
 * stop and restarts it with exponential backoff (client-go reflector's: 800 ms doubling to
 * 30 s, reset after 2 min without failures); ListWatch keeps its cache and resourceVersion,
 * so a restart resumes the watch (or relists if the version expired). It also re-delivers
 * every cached object each resync period, as client-go's resync does.
 */
import { describeError } from '../api-error';
import type { Clock, Timer } from '../clock';
import { systemClock } from '../clock';

/** The part of client-node's ListWatch this wrapper drives (tests may pass a fake). */
export interface ListWatchLike<T> {
  on(verb: 'add' | 'update' | 'delete', cb: (obj: T) => void): void;
  on(verb: 'error', cb: (err?: unknown) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): ReadonlyArray<T>;
  latestResourceVersion(): string;
}

export type InformerEventType = 'add' | 'update' | 'delete' | 'resync';

export interface InformerLog {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
}

export interface RestartBackoff {
  initialMs: number;
  maxMs: number;
  /** A failure this long after the previous one starts again from initialMs. */
  resetAfterMs: number;
}

export const REFLECTOR_BACKOFF: RestartBackoff = { initialMs: 800, maxMs: 30_000, resetAfterMs: 120_000 };

export interface ResilientInformerOptions<T> {
  listWatch: ListWatchLike<T>;
  /** Every add/update/delete, and every cached object once per resync period. */
  onEvent(type: InformerEventType, obj: T): void;
  log: InformerLog;
  /** 0 disables resync. */
  resyncPeriodMs: number;
  backoff?: RestartBackoff;
  clock?: Clock;
  /** Called on each restart (a metric). */
  onRestart?: () => void;
}

export class ResilientInformer<T> {
  private readonly listWatch: ListWatchLike<T>;
  private readonly clock: Clock;
  private readonly backoff: RestartBackoff;
  private running = false;
  private synced = false;
  /** Bumped on each start attempt; an error during one marks it failed. */
  private attempt = 0;
  private failedAttempt = -1;
  private restartTimer: Timer | undefined;
  private resyncTimer: Timer | undefined;
  private nextDelayMs: number;
  private lastFailureAt = Number.NEGATIVE_INFINITY;
  private restarts = 0;

  constructor(private readonly options: ResilientInformerOptions<T>) {
    this.listWatch = options.listWatch;
    this.clock = options.clock ?? systemClock;
    this.backoff = options.backoff ?? REFLECTOR_BACKOFF;
    this.nextDelayMs = this.backoff.initialMs;
    for (const type of ['add', 'update', 'delete'] as const) {
      this.listWatch.on(type, (obj) => {
        if (this.running) options.onEvent(type, obj);
      });
    }
    this.listWatch.on('error', (err) => this.onFailure(err));
  }

  /** Lists and starts watching; resolves after the first attempt (see hasSynced()). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.scheduleResync();
    await this.attemptStart();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.restartTimer?.cancel();
    this.restartTimer = undefined;
    this.resyncTimer?.cancel();
    this.resyncTimer = undefined;
    await this.listWatch.stop();
  }

  /** True once a list has succeeded: the cache holds every object. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Restarts after the library stopped on an error. */
  restartCount(): number {
    return this.restarts;
  }

  get(name: string, namespace?: string): T | undefined {
    return this.listWatch.get(name, namespace);
  }

  list(): ReadonlyArray<T> {
    return this.listWatch.list();
  }

  latestResourceVersion(): string {
    return this.listWatch.latestResourceVersion();
  }

  private async attemptStart(): Promise<void> {
    const attempt = ++this.attempt;
    try {
      await this.listWatch.start();
    } catch (err) {
      // ListWatch reports failures through its error callbacks; a throw is a bug there, but
      // it stops the informer all the same.
      this.onFailure(err);
    }
    if (this.running && this.failedAttempt !== attempt) this.synced = true;
  }

  private onFailure(err: unknown): void {
    if (!this.running) return; // stop() aborts the watch, which the library reports as an error
    this.failedAttempt = this.attempt;
    if (this.restartTimer) return;
    const now = this.clock.now();
    if (now - this.lastFailureAt > this.backoff.resetAfterMs) this.nextDelayMs = this.backoff.initialMs;
    this.lastFailureAt = now;
    const delayMs = this.nextDelayMs;
    this.nextDelayMs = Math.min(this.nextDelayMs * 2, this.backoff.maxMs);
    // The library's watch errors carry the HTTP status as statusCode.
    const code = (err as { statusCode?: unknown } | undefined)?.statusCode;
    this.options.log.warn('informer stopped; restarting', {
      error: describeError(err),
      ...(typeof code === 'number' ? { code } : {}),
      retryInMs: delayMs,
      resourceVersion: this.listWatch.latestResourceVersion(),
    });
    this.restartTimer = this.clock.setTimer(() => {
      this.restartTimer = undefined;
      if (!this.running) return;
      this.restarts++;
      this.options.onRestart?.();
      void this.attemptStart();
    }, delayMs);
  }

  private scheduleResync(): void {
    if (this.options.resyncPeriodMs <= 0) return;
    this.resyncTimer = this.clock.setTimer(() => {
      if (!this.running) return;
      for (const obj of this.listWatch.list()) this.options.onEvent('resync', obj);
      this.scheduleResync();
    }, this.options.resyncPeriodMs);
  }
}
