/**
 * The in-memory index the file store serves reads from: per collection (`group/resource`),
 * object id (`namespace/name`) → the object's canonical JSON. That is all a read needs, so it is
 * all that is kept: one Map entry per object, whose value is the JSON text of an object written
 * since start-up, or the slot of one loaded at start-up (its text stays packed, loaded-texts.ts).
 * Ids are kept sorted lazily for lists: creates and deletes invalidate the order, updates do not.
 */
import type { StoredEntry } from './event-window';
import type { LoadedBatch } from './loaded-texts';
import { LoadedTexts, detach } from './loaded-texts';

/** Text, or the slot of a loaded text. */
type Stored = string | number;

interface Collection {
  entries: Map<string, Stored>;
  sorted?: string[];
  /** Objects per namespace, so a delete knows when it empties a namespace's directory. */
  perNamespace?: Map<string, number>;
}

function namespaceOf(id: string): string {
  const slash = id.indexOf('/');
  return slash < 0 ? '' : id.slice(0, slash);
}

export class FileIndex {
  private readonly collections = new Map<string, Collection>();
  private count = 0;

  constructor(
    loaded: Map<string, Map<string, Stored>> = new Map(),
    private readonly texts = new LoadedTexts(),
  ) {
    for (const [id, entries] of loaded) {
      this.collections.set(id, { entries });
      this.count += entries.size;
    }
  }

  /** Objects held across every collection. */
  get size(): number {
    return this.count;
  }

  /** Objects held per collection id. */
  collectionSizes(): Map<string, number> {
    const sizes = new Map<string, number>();
    for (const [id, c] of this.collections) sizes.set(id, c.entries.size);
    return sizes;
  }

  /** The object's JSON (exactly what a GET returns). */
  json(collection: string, id: string): string | undefined {
    const stored = this.collections.get(collection)?.entries.get(id);
    return typeof stored === 'number' ? this.texts.text(stored) : stored;
  }

  get(collection: string, id: string): StoredEntry | undefined {
    const json = this.json(collection, id);
    if (json === undefined) return undefined;
    return { namespace: namespaceOf(id), id, json };
  }

  set(collection: string, entry: StoredEntry): void {
    let c = this.collections.get(collection);
    if (!c) {
      c = { entries: new Map() };
      this.collections.set(collection, c);
    }
    const previous = c.entries.get(entry.id);
    if (previous === undefined) {
      c.sorted = undefined;
      this.count++;
      if (c.perNamespace) bump(c.perNamespace, namespaceOf(entry.id), 1);
    }
    c.entries.set(entry.id, entry.json);
    if (typeof previous === 'number') this.release(previous);
  }

  remove(collection: string, id: string): void {
    const c = this.collections.get(collection);
    const previous = c?.entries.get(id);
    if (!c || previous === undefined) return;
    c.entries.delete(id);
    c.sorted = undefined;
    this.count--;
    if (c.perNamespace) bump(c.perNamespace, namespaceOf(id), -1);
    if (typeof previous === 'number') this.release(previous);
  }

  /** How many objects of the collection are in the namespace. */
  namespaceSize(collection: string, namespace: string): number {
    const c = this.collections.get(collection);
    if (!c) return 0;
    // Counted on first use (a start-up with 100k objects pays nothing until a delete asks).
    if (!c.perNamespace) {
      c.perNamespace = new Map();
      for (const id of c.entries.keys()) bump(c.perNamespace, namespaceOf(id), 1);
    }
    return c.perNamespace.get(namespace) ?? 0;
  }

  /** Every id in the collection, in key order. The array is shared: do not modify it. */
  sortedIds(collection: string): readonly string[] {
    const c = this.collections.get(collection);
    if (!c) return [];
    c.sorted ??= [...c.entries.keys()].sort(compareIds);
    return c.sorted;
  }

  private release(slot: number): void {
    const batch = this.texts.release(slot);
    if (batch) this.compact(batch);
  }

  /** Copies out the objects of a batch that are still served, so the batch can be released. */
  private compact(batch: LoadedBatch): void {
    const entries = this.collections.get(batch.collection)?.entries;
    batch.ids.forEach((id, k) => {
      const slot = batch.firstSlot + k;
      if (entries?.get(id) === slot) entries.set(id, detach(this.texts.text(slot)));
    });
    this.texts.drop(batch);
  }
}

function bump(counts: Map<string, number>, namespace: string, by: number): void {
  const next = (counts.get(namespace) ?? 0) + by;
  if (next > 0) counts.set(namespace, next);
  else counts.delete(namespace);
}

/** Byte order, as etcd orders keys (not locale order). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
