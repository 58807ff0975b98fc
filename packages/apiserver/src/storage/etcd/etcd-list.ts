/**
 * Lists one collection from etcd at one revision. The first page pins the revision etcd
 * answered at; later pages (continue) and resourceVersionMatch=Exact read at that revision, so
 * a listing never mixes two revisions. With a filter, further batches are read until the page
 * is full. Expired and future revisions come from etcd's own answers.
 */
import type { IRangeResponse, KVClient } from 'etcd3';
import { decodeContinue, encodeContinue } from '../continue-token';
import { ExpiredError, TooLargeResourceVersionError } from '../errors';
import type { KubeObject, ListOptions, ListResult } from '../interface';
import { decodeObject } from './etcd-codec';
import { isCompacted, isFutureRevision } from './etcd-errors';
import type { EtcdKeys } from './etcd-keys';
import { prefixEnd } from './etcd-keys';

export interface EtcdListInput {
  options: ListOptions;
  keys: EtcdKeys;
  /** Runs one etcd call (mapping unavailability to StorageUnavailableError). */
  call: <T>(fn: (kv: KVClient) => Promise<T>) => Promise<T>;
  currentRevision: () => Promise<number>;
}

/** Keys read per round trip when a filter may discard some. */
const FILTERED_BATCH = 500;

interface Plan {
  /** undefined: the newest revision. */
  rev?: number;
  /** Serving the newest revision must reach at least this one. */
  atLeast: number;
  /** The id the previous page ended at. */
  after?: string;
}

function plan(options: ListOptions): Plan {
  if (options.continue) {
    const token = decodeContinue(options.continue);
    return { rev: token.rev, atLeast: 0, after: token.start };
  }
  const requested = options.resourceVersion ?? 0;
  if (requested > 0 && options.resourceVersionMatch === 'Exact') return { rev: requested, atLeast: 0 };
  return { atLeast: requested };
}

export async function listEtcd(input: EtcdListInput): Promise<ListResult> {
  const { options, keys, call } = input;
  const collection = keys.collection(options);
  const scope = keys.scope(options);
  const end = prefixEnd(scope);
  const { atLeast, after, ...pinned } = plan(options);
  let rev = pinned.rev;
  let start = scope;
  if (after !== undefined && `${collection}${after}\0` > scope) start = `${collection}${after}\0`;
  const limit = options.limit && options.limit > 0 ? options.limit : 0;
  const batch = limit === 0 ? 0 : options.filter ? Math.max(limit, FILTERED_BATCH) : limit;

  const read = async (from: string): Promise<IRangeResponse> => {
    try {
      return await call((kv) =>
        kv.range({ key: Buffer.from(from), range_end: end, limit: batch, revision: rev ?? 0 }),
      );
    } catch (err) {
      if (rev !== undefined && isCompacted(err)) {
        // etcd does not say how far it compacted; rev + 1 is the tightest bound known.
        if (after === undefined) throw new ExpiredError(rev, rev + 1);
        // As Kubernetes does: a token that resumes the listing (inconsistently) at the newest revision.
        const fresh = encodeContinue({ rev: await input.currentRevision(), start: after });
        throw new ExpiredError(rev, rev + 1, fresh);
      }
      if (rev !== undefined && isFutureRevision(err)) {
        throw new TooLargeResourceVersionError(rev, await input.currentRevision());
      }
      throw err;
    }
  };

  const items: KubeObject[] = [];
  const result: ListResult = { items, revision: 0 };
  for (;;) {
    const response = await read(start);
    if (rev === undefined) {
      rev = Number(response.header.revision);
      if (rev < atLeast) throw new TooLargeResourceVersionError(atLeast, rev);
    }
    const kvs = response.kvs;
    let i = 0;
    let lastKey = '';
    for (; i < kvs.length && (limit === 0 || items.length < limit); i++) {
      const kv = kvs[i]!;
      lastKey = kv.key.toString();
      const obj = decodeObject(kv.value, kv.mod_revision);
      if (!options.filter || options.filter(obj)) items.push(obj);
    }
    if (limit !== 0 && items.length >= limit) {
      if (i < kvs.length || response.more) {
        result.continue = encodeContinue({ rev, start: keys.idOf(collection, lastKey) });
        // With a filter the count would need every remaining object read; Kubernetes omits it too.
        if (!options.filter) result.remainingItemCount = Number(response.count) - i;
      }
      break;
    }
    if (!response.more || kvs.length === 0) break;
    start = `${lastKey}\0`;
  }
  result.revision = rev;
  return result;
}
