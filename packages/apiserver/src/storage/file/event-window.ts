/**
 * The retained window of recent changes, kine-style: every committed change is an entry with
 * its revision and the previous state. Watches replay from it, and list pages at an older
 * revision are rebuilt from it. Revisions older than the window are Expired.
 */
import { ExpiredError } from '../errors';
import type { WatchEventType } from '../interface';

/** One stored object: its serialized JSON (exactly what a GET returns; its revision is in it). */
export interface StoredEntry {
  namespace: string;
  /** `namespace/name`: the sort key within its collection. */
  id: string;
  json: string;
}

export interface LoggedChange {
  rev: number;
  type: WatchEventType;
  /** `group/resource`. */
  collection: string;
  /** The new state; for DELETED, the last state carrying the deletion's revision. */
  entry: StoredEntry;
  previous?: StoredEntry;
}

export class EventWindow {
  private changes: LoggedChange[] = [];
  /** Every change with a revision above this one is retained. */
  private oldestServable: number;

  constructor(
    private readonly capacity: number,
    startRevision: number,
  ) {
    this.oldestServable = startRevision;
  }

  /** Changes held. */
  get size(): number {
    return this.changes.length;
  }

  get compactedRevision(): number {
    return this.oldestServable;
  }

  append(change: LoggedChange): void {
    this.changes.push(change);
    // Trim in batches so appends stay O(1) amortised.
    if (this.changes.length > this.capacity + Math.max(1, this.capacity >> 2)) {
      const drop = this.changes.length - this.capacity;
      this.oldestServable = this.changes[drop - 1]!.rev;
      this.changes = this.changes.slice(drop);
    }
  }

  assertServable(rev: number): void {
    if (rev < this.oldestServable) throw new ExpiredError(rev, this.oldestServable);
  }

  /** Changes with revision > rev, oldest first. Throws Expired when rev is outside the window. */
  since(rev: number): LoggedChange[] {
    this.assertServable(rev);
    let lo = 0;
    let hi = this.changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.changes[mid]!.rev <= rev) lo = mid + 1;
      else hi = mid;
    }
    return this.changes.slice(lo);
  }

  /**
   * For a collection, the state at `rev` of every object changed since: the entry it had then,
   * or null when it did not exist. Objects absent from the map are unchanged since `rev`.
   */
  stateAt(rev: number, collection: string): Map<string, StoredEntry | null> {
    const overlay = new Map<string, StoredEntry | null>();
    for (const change of this.since(rev)) {
      if (change.collection !== collection || overlay.has(change.entry.id)) continue;
      overlay.set(change.entry.id, change.type === 'ADDED' ? null : (change.previous ?? null));
    }
    return overlay;
  }
}
