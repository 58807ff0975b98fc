/**
 * What our own writes did, per key — the controller's "expectations", as controller-runtime
 * users keep them: every write comes back through the watch as an event, and without this each
 * new Foo took three reconciles (the write, then the event of the spec write, then the event of
 * the status write) where one does the job.
 *
 * - `stale`: versions our writes replaced. A cache still showing one is merely behind: a
 *   reconcile skips it instead of writing over it and collecting a Conflict.
 * - `own`: versions our writes produced. Their watch events need no reconcile: the reconcile
 *   that wrote them either finished (its last write is the state it wanted) or failed, and then
 *   the queue retries the key anyway.
 *
 * An event that arrives before the write's response (the two travel on different connections)
 * is not yet known here and queues one follow-up reconcile, which finds nothing to do.
 * Bounded: one small entry per Foo we wrote, dropped when someone else changes it or it is gone.
 */
interface KeyWrites {
  stale: Set<string>;
  own: Set<string>;
}

export class OwnWrites {
  private readonly keys = new Map<string, KeyWrites>();

  /** Whether an add or update event showing `resourceVersion` needs no reconcile. */
  covers(key: string, resourceVersion: string): boolean {
    const writes = this.keys.get(key);
    return !!writes && (writes.own.has(resourceVersion) || writes.stale.has(resourceVersion));
  }

  /** Whether a cache showing `resourceVersion` is behind a write of ours. */
  isStale(key: string, resourceVersion: string): boolean {
    return this.keys.get(key)?.stale.has(resourceVersion) ?? false;
  }

  /** A reconcile wrote: `replaced` was the version it wrote over, `produced` the one it got. */
  wrote(key: string, replaced: string, produced: string): void {
    let writes = this.keys.get(key);
    if (!writes) {
      writes = { stale: new Set(), own: new Set() };
      this.keys.set(key, writes);
    }
    writes.own.delete(replaced);
    writes.stale.add(replaced);
    writes.own.add(produced);
  }

  /** Someone else changed the key, or it is gone: nothing of ours is left to recognise. */
  forget(key: string): void {
    this.keys.delete(key);
  }

  /** Keys with an entry (for tests: it must not grow without bound). */
  get size(): number {
    return this.keys.size;
  }
}
