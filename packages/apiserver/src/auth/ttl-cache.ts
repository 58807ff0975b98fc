/**
 * A small expiring cache for review answers (TokenReview, SubjectAccessReview): each entry has its
 * own time to live, the clock is injected, and the number of entries is bounded — the oldest
 * insertion goes first — so a flood of distinct tokens or requests cannot grow memory without end.
 */

export interface TtlCacheOptions {
  maxEntries: number;
  now: () => number;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(private readonly options: TtlCacheOptions) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.options.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** A ttl of 0 or less stores nothing (the flag's way of turning caching off). */
  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.options.now() + ttlMs });
    if (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
