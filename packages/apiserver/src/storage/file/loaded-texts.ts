/**
 * The texts of the objects loaded at start-up, kept in the batch strings the scan packed them in
 * (load-scan.ts): a batch is one string of a few hundred KB, so 100k objects are ~240 strings
 * outside V8's young generation instead of 100k small ones that each pass through it. An object is a
 * slot: a number the index holds in place of its text, resolved here to a view into its batch.
 *
 * A batch stays in memory while any of its slots is referenced. So that replaced objects do not
 * keep batches alive for good, a batch is compacted (its remaining objects copied out) once fewer
 * than half of its objects are left, and released when none are: loaded texts never take more
 * than twice the memory of the loaded objects still served.
 */

export interface LoadedBatch {
  readonly collection: string;
  /** Undefined once released. */
  text: string | undefined;
  /** The id of each slot, in order (shared with the index's keys). */
  ids: readonly string[];
  readonly firstSlot: number;
  /** Slots the index still refers to. */
  live: number;
}

export class LoadedTexts {
  private readonly batches: LoadedBatch[] = [];
  /** Per slot: where its text ends in its batch (it starts where the previous slot's ends). */
  private ends = new Int32Array(1024);
  private slots = 0;

  /** Adds a batch (see LoadMessage); returns the slot of its first object. */
  add(collection: string, text: string, ids: string[], ends: Int32Array): number {
    const firstSlot = this.slots;
    if (firstSlot + ids.length > this.ends.length) {
      const grown = new Int32Array(Math.max(this.ends.length * 2, firstSlot + ids.length));
      grown.set(this.ends.subarray(0, firstSlot));
      this.ends = grown;
    }
    this.ends.set(ends, firstSlot);
    this.slots += ids.length;
    this.batches.push({ collection, text, ids, firstSlot, live: ids.length });
    return firstSlot;
  }

  /** Batches still in memory. */
  get retained(): number {
    return this.batches.filter((b) => b.text !== undefined).length;
  }

  /** Once loading is done: gives back the room left for growth. */
  seal(): void {
    this.ends = this.ends.slice(0, this.slots);
  }

  /** The text of a slot the index still refers to (a view: no copy is made). */
  text(slot: number): string {
    const batch = this.batchOf(slot);
    const start = slot === batch.firstSlot ? 0 : this.ends[slot - 1]!;
    return batch.text!.slice(start, this.ends[slot]);
  }

  /**
   * The index no longer refers to `slot`. Returns its batch when that should now be compacted:
   * the caller copies out the slots it still refers to, then calls drop().
   */
  release(slot: number): LoadedBatch | undefined {
    const batch = this.batchOf(slot);
    batch.live--;
    if (batch.live === 0) {
      this.drop(batch);
      return undefined;
    }
    return batch.live * 2 < batch.ids.length ? batch : undefined;
  }

  /** Releases a batch: none of its slots may be used any more. */
  drop(batch: LoadedBatch): void {
    batch.text = undefined;
    batch.ids = [];
    batch.live = 0;
  }

  private batchOf(slot: number): LoadedBatch {
    let lo = 0;
    let hi = this.batches.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.batches[mid]!.firstSlot <= slot) lo = mid;
      else hi = mid - 1;
    }
    return this.batches[lo]!;
  }
}

/**
 * A copy of a view that does not keep its batch alive: V8 makes a substring of 13 characters or
 * more a view into its parent, so the text is re-created from its bytes. Batch texts have only
 * one-byte characters, which latin1 maps one to one.
 */
export function detach(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}
