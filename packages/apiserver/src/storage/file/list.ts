/**
 * Lists one collection at one revision, from memory. The newest revision is served straight
 * from the index; an older one (a later page of a paged list, or resourceVersionMatch=Exact)
 * is rebuilt by overlaying the event window's record of what changed since. Runs without
 * awaiting, so a page can never mix two revisions.
 */
import { decodeContinue, encodeContinue } from '../continue-token';
import { ExpiredError, TooLargeResourceVersionError } from '../errors';
import type { KubeObject, ListOptions, ListResult } from '../interface';
import { collectionId } from '../keys';
import type { EventWindow, StoredEntry } from './event-window';
import type { FileIndex } from './file-index';
import { compareIds } from './file-index';

export interface ListInput {
  options: ListOptions;
  index: FileIndex;
  window: EventWindow;
  currentRevision: number;
}

/** The revision to serve and, for a continued list, the id to start after. */
function resolveRevision(options: ListOptions, current: number): { rev: number; after?: string } {
  if (options.continue) {
    const token = decodeContinue(options.continue);
    if (token.rev > current) throw new TooLargeResourceVersionError(token.rev, current);
    return { rev: token.rev, after: token.start };
  }
  const requested = options.resourceVersion;
  if (requested === undefined || requested === 0) return { rev: current };
  if (requested > current) throw new TooLargeResourceVersionError(requested, current);
  return { rev: options.resourceVersionMatch === 'Exact' ? requested : current };
}

/** Index of the first id greater than `after` (or ≥ `from` when after is unset). */
function lowerBound(ids: readonly string[], from: string, after: string | undefined): number {
  const strictlyAfter = after !== undefined && compareIds(after, from) >= 0;
  const pivot = strictlyAfter ? after : from;
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = compareIds(ids[mid]!, pivot);
    if (c < 0 || (strictlyAfter && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function listCollection(input: ListInput): ListResult {
  const { options, index, window, currentRevision } = input;
  const collection = collectionId(options);
  const { rev, after } = resolveRevision(options, currentRevision);

  let overlay: Map<string, StoredEntry | null> | undefined;
  let ids = index.sortedIds(collection);
  if (rev < currentRevision) {
    try {
      overlay = window.stateAt(rev, collection);
    } catch (err) {
      if (err instanceof ExpiredError && after !== undefined) {
        // As Kubernetes does: the token is too old, but a fresh one lets the client
        // continue (inconsistently) from the same place at the current revision.
        throw new ExpiredError(rev, err.oldest, encodeContinue({ rev: currentRevision, start: after }));
      }
      throw err;
    }
    if (overlay.size > 0) {
      const merged = new Set(ids);
      for (const id of overlay.keys()) merged.add(id);
      ids = [...merged].sort(compareIds);
    }
  }

  const prefix = options.namespace ? `${options.namespace}/` : '';
  const jsonAt = (id: string): string | undefined =>
    overlay?.has(id) ? overlay.get(id)?.json : index.json(collection, id);

  // The stored JSON of each item; objects are decoded only when a filter must look at them,
  // or later if a caller reads `items` (most lists are forwarded as they are stored).
  const serialized: string[] = [];
  const matched: KubeObject[] = [];
  const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
  // Ids sharing the namespace prefix are contiguous; '0' is the character after '/'.
  const end = prefix ? lowerBound(ids, `${options.namespace}0`, undefined) : ids.length;
  let i = lowerBound(ids, prefix, after);
  let lastId: string | undefined;
  let evaluated = 0;
  for (; i < end && serialized.length < limit; i++) {
    const id = ids[i]!;
    const json = jsonAt(id);
    if (json === undefined) continue;
    evaluated++;
    if (options.filter) {
      const obj = JSON.parse(json) as KubeObject;
      if (!options.filter(obj)) continue;
      matched.push(obj);
    }
    serialized.push(json);
    lastId = id;
  }

  const result = withItems(
    { revision: rev, serializedItems: serialized, evaluated },
    options.filter ? matched : undefined,
  );
  if (serialized.length < limit || lastId === undefined) return result;
  // Full page: is anything left in range?
  let remaining = overlay ? 0 : end - i;
  for (let j = i; overlay && j < end; j++) {
    if (jsonAt(ids[j]!) !== undefined) remaining++;
    // With a filter the count would need every object parsed; Kubernetes omits it too.
    if (options.filter && remaining > 0) break;
  }
  if (remaining === 0) return result;
  result.continue = encodeContinue({ rev, start: lastId });
  if (!options.filter) result.remainingItemCount = remaining;
  return result;
}

/**
 * The result with its items: the objects already decoded, or, when there are none, decoded from
 * the serialized items the first time `items` is read (each list call decodes its own copies, so
 * callers may still mutate them).
 */
function withItems(
  partial: { revision: number; serializedItems: readonly string[]; evaluated: number },
  decoded: KubeObject[] | undefined,
): ListResult {
  let items = decoded;
  const result = partial as ListResult;
  Object.defineProperty(result, 'items', {
    enumerable: true,
    configurable: true,
    get: () => (items ??= partial.serializedItems.map((json) => JSON.parse(json) as KubeObject)),
    set: (value: KubeObject[]) => {
      // New items: the serialized ones no longer describe them.
      items = value;
      delete result.serializedItems;
    },
  });
  return result;
}
