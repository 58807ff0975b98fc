/**
 * The in-memory index the file store serves reads from: per collection (`group/resource`),
 * object id (`namespace/name`) → the stored entry. Ids are kept sorted lazily for lists:
 * creates and deletes invalidate the order, updates do not.
 */
import type { StoredEntry } from './event-window';

interface Collection {
  entries: Map<string, StoredEntry>;
  sorted?: string[];
}

export class FileIndex {
  private readonly collections = new Map<string, Collection>();
  private count = 0;

  constructor(loaded: Map<string, Map<string, StoredEntry>>) {
    for (const [id, entries] of loaded) {
      this.collections.set(id, { entries });
      this.count += entries.size;
    }
  }

  /** Objects held across every collection. */
  get size(): number {
    return this.count;
  }

  get(collection: string, id: string): StoredEntry | undefined {
    return this.collections.get(collection)?.entries.get(id);
  }

  set(collection: string, entry: StoredEntry): void {
    let c = this.collections.get(collection);
    if (!c) {
      c = { entries: new Map() };
      this.collections.set(collection, c);
    }
    if (!c.entries.has(entry.id)) {
      c.sorted = undefined;
      this.count++;
    }
    c.entries.set(entry.id, entry);
  }

  remove(collection: string, id: string): void {
    const c = this.collections.get(collection);
    if (c?.entries.delete(id)) {
      c.sorted = undefined;
      this.count--;
    }
  }

  /** Every id in the collection, in key order. The array is shared: do not modify it. */
  sortedIds(collection: string): readonly string[] {
    const c = this.collections.get(collection);
    if (!c) return [];
    c.sorted ??= [...c.entries.keys()].sort(compareIds);
    return c.sorted;
  }
}

/** Byte order, as etcd orders keys (not locale order). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
