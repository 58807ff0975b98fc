/**
 * A Watch backed by a bounded buffer. Producers push; the consumer iterates. When the buffer
 * overflows the watch fails with WatchTooSlowError instead of dropping events or blocking the
 * producer (a slow watcher must never slow writers or other watchers).
 */
import { WatchTooSlowError } from './errors';
import type { Watch, WatchEvent } from './interface';

export class BufferedWatch implements Watch {
  private readonly queue: WatchEvent[] = [];
  private waiting?: (result: IteratorResult<WatchEvent>) => void;
  private failWaiting?: (err: Error) => void;
  private error?: Error;
  private closed = false;

  constructor(
    /** Events that may wait unread before the watcher is closed as too slow. */
    private limit: number,
    private readonly onClose: () => void = () => {},
  ) {}

  /** Room for a replay of `count` events on top of the live limit. */
  allowBacklog(count: number): void {
    this.limit += count;
  }

  push(event: WatchEvent): void {
    if (this.closed) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.clearWaiter();
      resolve({ value: event, done: false });
      return;
    }
    if (this.queue.length >= this.limit) {
      this.fail(new WatchTooSlowError(this.queue.length));
      return;
    }
    this.queue.push(event);
  }

  /** Ends the watch with an error: the consumer gets the buffered events, then the error. */
  fail(err: Error): void {
    if (this.closed) return;
    this.error = err;
    this.closed = true;
    this.onClose();
    if (this.failWaiting) {
      const reject = this.failWaiting;
      this.clearWaiter();
      this.error = undefined;
      reject(err);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.onClose();
    if (this.waiting) {
      const resolve = this.waiting;
      this.clearWaiter();
      resolve({ value: undefined, done: true });
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private clearWaiter(): void {
    this.waiting = undefined;
    this.failWaiting = undefined;
  }

  private next(): Promise<IteratorResult<WatchEvent>> {
    const event = this.queue.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.error) {
      const err = this.error;
      this.error = undefined;
      return Promise.reject(err);
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: () => this.next(),
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
