/**
 * A rate-limited work queue with client-go's guarantees (util/workqueue): an item waiting in
 * the queue is there once however often it is added; an item is never handed to two workers
 * at once — added while it is being processed, it is queued again when done(); failed items
 * come back after a per-item backoff (addRateLimited) until forget(); shutDown() stops new
 * adds and lets workers take what is already queued. It knows nothing about what the items are.
 */
import type { Clock, Timer } from './clock';
import { systemClock } from './clock';
import type { RateLimiter } from './rate-limiter';
import { ExponentialFailureRateLimiter } from './rate-limiter';

/** What the queue tells a metrics backend (client-go's workqueue metrics provider). */
export interface QueueMetrics {
  /** An item became due for processing (not counted again while already waiting). */
  added(): void;
  /** addRateLimited: an item comes back after its backoff. */
  retried(): void;
  /** How long an item waited between add and get. */
  waited(ms: number): void;
  /** How long a worker held an item, get to done. */
  worked(ms: number): void;
}

export interface WorkQueueOptions<T> {
  clock?: Clock;
  rateLimiter?: RateLimiter<T>;
  metrics?: QueueMetrics;
}

type Item = NonNullable<unknown>;

export class WorkQueue<T extends Item> {
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<T>;
  /** Items ready for a worker, in order; each also in `dirty`. */
  private queue: T[] = [];
  /** Items that need processing (queued, or re-added while being processed). */
  private readonly dirty = new Set<T>();
  /** Items a worker holds between get() and done(). */
  private readonly processing = new Set<T>();
  /** Items waiting for their delay (addAfter / addRateLimited), with the earliest ready time. */
  private readonly delayed = new Map<T, { readyAt: number; timer: Timer }>();
  private readonly getters: Array<(item: T | undefined) => void> = [];
  /** When each waiting item was added, and when each processing item was taken (clock ms). */
  private readonly addedAt = new Map<T, number>();
  private readonly startedAt = new Map<T, number>();
  private metrics: QueueMetrics | undefined;
  private readonly idleWaiters: Array<() => void> = [];
  private shuttingDown = false;

  constructor(options: WorkQueueOptions<T> = {}) {
    this.clock = options.clock ?? systemClock;
    this.rateLimiter = options.rateLimiter ?? new ExponentialFailureRateLimiter<T>();
    this.metrics = options.metrics;
  }

  /** Reports to these metrics from now on (the metrics read the queue, so they come after it). */
  observeWith(metrics: QueueMetrics): void {
    this.metrics = metrics;
  }

  /** When each item being processed now was taken (for the unfinished-work metrics). */
  processingStartedAt(): number[] {
    return [...this.startedAt.values()];
  }

  /** Marks the item as needing processing. */
  add(item: T): void {
    if (this.shuttingDown || this.dirty.has(item)) return;
    this.metrics?.added();
    if (!this.addedAt.has(item)) this.addedAt.set(item, this.clock.now());
    this.dirty.add(item);
    // Processing now: done() queues it again, so no two workers ever hold it.
    if (this.processing.has(item)) return;
    this.enqueue(item);
  }

  /** Adds the item once ms have passed; a pending earlier delay wins. */
  addAfter(item: T, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(item);
    const readyAt = this.clock.now() + ms;
    const pending = this.delayed.get(item);
    if (pending && pending.readyAt <= readyAt) return;
    pending?.timer.cancel();
    const timer = this.clock.setTimer(() => {
      this.delayed.delete(item);
      this.add(item);
    }, ms);
    this.delayed.set(item, { readyAt, timer });
  }

  /** Adds the item after its backoff: base·2ⁿ for its n-th failure since forget(). */
  addRateLimited(item: T): void {
    if (!this.shuttingDown) this.metrics?.retried();
    this.addAfter(item, this.rateLimiter.when(item));
  }

  /** Resets the item's backoff (after a success). */
  forget(item: T): void {
    this.rateLimiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.rateLimiter.numRequeues(item);
  }

  /** The next item to process, or undefined once the queue is shut down and empty. */
  get(): Promise<T | undefined> {
    const item = this.queue.shift();
    if (item !== undefined) return Promise.resolve(this.startProcessing(item));
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** The worker finished the item; if it was added meanwhile, it is queued again. */
  done(item: T): void {
    const started = this.startedAt.get(item);
    if (started !== undefined) {
      this.startedAt.delete(item);
      this.metrics?.worked(this.clock.now() - started);
    }
    this.processing.delete(item);
    if (this.dirty.has(item)) this.enqueue(item);
    this.notifyIfIdle();
  }

  /** Items ready for a worker (the queue-depth metric). */
  len(): number {
    return this.queue.length;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /**
   * Stops accepting items and drops delayed ones; workers still get what is queued unless
   * `discardQueued` (leadership lost: stop at once), then get() answers undefined.
   */
  shutDown(options: { discardQueued?: boolean } = {}): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) timer.cancel();
    this.delayed.clear();
    if (options.discardQueued) {
      // Also forgets items re-added while being processed: done() will not queue them again.
      this.dirty.clear();
      this.queue = [];
      this.addedAt.clear();
    }
    if (this.queue.length === 0) {
      for (const getter of this.getters.splice(0)) getter(undefined);
    }
    this.notifyIfIdle();
  }

  /** shutDown(), then waits until every queued and in-flight item is done. */
  async shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.isIdle()) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(item: T): void {
    const getter = this.getters.shift();
    if (getter) getter(this.startProcessing(item));
    else this.queue.push(item);
  }

  private startProcessing(item: T): T {
    const now = this.clock.now();
    const added = this.addedAt.get(item);
    if (added !== undefined) {
      this.addedAt.delete(item);
      this.metrics?.waited(now - added);
    }
    this.startedAt.set(item, now);
    this.dirty.delete(item);
    this.processing.add(item);
    return item;
  }

  private isIdle(): boolean {
    return this.processing.size === 0 && this.queue.length === 0;
  }

  private notifyIfIdle(): void {
    if (!this.shuttingDown || !this.isIdle()) return;
    for (const waiter of this.idleWaiters.splice(0)) waiter();
    // Workers blocked in get() after the last item finished must end too.
    for (const getter of this.getters.splice(0)) getter(undefined);
  }
}

export interface RunWorkersOptions<T> {
  /** How many items are processed at once (--concurrency). */
  concurrency: number;
  /** Handles one item; done() is called for it afterwards, whatever happens. */
  process(item: T): Promise<void>;
  /** A process() that threw: reported, and the worker carries on. */
  onError(item: T, err: unknown): void;
}

/** Runs `concurrency` workers until the queue is shut down and empty. */
export async function runWorkers<T extends Item>(
  queue: WorkQueue<T>,
  options: RunWorkersOptions<T>,
): Promise<void> {
  const worker = async (): Promise<void> => {
    for (;;) {
      const item = await queue.get();
      if (item === undefined) return;
      try {
        await options.process(item);
      } catch (err) {
        options.onError(item, err);
      } finally {
        queue.done(item);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
}
