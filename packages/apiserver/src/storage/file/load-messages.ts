/**
 * What the start-up scan (load-scan.ts) reports to the loader (loader.ts): plain data, so it can
 * cross from a worker thread (structured clone) as well as be handed over in-process.
 */
export type LoadMessage =
  /**
   * Objects of one collection whose texts fit in one byte per character, packed: object k is
   * `text.slice(ends[k - 1] ?? 0, ends[k])` and has id `ids[k]`.
   */
  | { kind: 'batch'; collection: string; text: string; ids: string[]; ends: Int32Array }
  /** An object on its own (its text has characters that do not fit in one byte). */
  | { kind: 'object'; collection: string; id: string; json: string }
  | { kind: 'warn'; message: string; fields: Record<string, unknown> }
  /** The scan is complete: nothing follows. */
  | { kind: 'done'; highestRevision: number; quarantined: number; tempFilesRemoved: number }
  /** The scan failed (e.g. a directory could not be read): nothing follows. */
  | { kind: 'failed'; message: string; code?: string };
