/**
 * Per-item exponential backoff for failed work, as client-go's
 * ItemExponentialFailureRateLimiter: the n-th consecutive failure of an item waits
 * base·2ⁿ, capped at max (defaults 5 ms → 1000 s, client-go's DefaultControllerRateLimiter);
 * forget() resets the item after a success.
 */
export interface RateLimiter<T> {
  /** How long to wait before the item is retried; counts one more failure. */
  when(item: T): number;
  /** Clears the item's failures (after a success, or when it is gone). */
  forget(item: T): void;
  /** How many times the item has failed since it was last forgotten. */
  numRequeues(item: T): number;
}

export const DEFAULT_BASE_DELAY_MS = 5;
export const DEFAULT_MAX_DELAY_MS = 1000 * 1000;

export class ExponentialFailureRateLimiter<T> implements RateLimiter<T> {
  private readonly failures = new Map<T, number>();

  constructor(
    private readonly baseDelayMs = DEFAULT_BASE_DELAY_MS,
    private readonly maxDelayMs = DEFAULT_MAX_DELAY_MS,
  ) {}

  when(item: T): number {
    const exponent = this.failures.get(item) ?? 0;
    this.failures.set(item, exponent + 1);
    // 2 ** exponent becomes Infinity long before it could wrap, and min() caps it.
    return Math.min(this.baseDelayMs * 2 ** exponent, this.maxDelayMs);
  }

  forget(item: T): void {
    this.failures.delete(item);
  }

  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}
