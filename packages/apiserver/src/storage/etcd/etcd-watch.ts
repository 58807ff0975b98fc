/**
 * One storage watch on top of an etcd watch (with prev_kv) over the collection's key range.
 * Events become ADDED / MODIFIED / DELETED as Kubernetes' etcd3 watcher makes them, and filter
 * transitions follow watch-filter.ts exactly as the file store does. When the gRPC stream
 * breaks, the etcd3 client re-creates the watch; we make it resume right after the last event
 * delivered, so a reconnect neither loses nor repeats events. A compacted revision ends the watch
 * with ExpiredError.
 */
import type { Etcd3, IEvent, IWatchResponse, Watcher } from 'etcd3';
import { BufferedWatch } from '../buffered-watch';
import { CorruptError, ExpiredError, StorageUnavailableError } from '../errors';
import type { KubeObject, WatchEvent, WatchOptions } from '../interface';
import { filteredEventType } from '../watch-filter';
import { decodeObject } from './etcd-codec';
import { describeError, isCompacted } from './etcd-errors';
import type { EtcdKeys } from './etcd-keys';

export interface EtcdWatchInput {
  client: Etcd3;
  keys: EtcdKeys;
  options: WatchOptions;
  /** Unread events after which the watch fails with WatchTooSlowError. */
  bufferSize: number;
  /** Events the replay may deliver on top of bufferSize (revisions between fromRevision and now). */
  backlog: number;
  /** How long etcd may take to accept the watch. */
  timeoutMs: number;
  /** Called once when the watch ends (closed, failed or too slow). */
  onClose: (watch: BufferedWatch) => void;
}

/** etcd cancels a watch on a compacted revision with compact_revision set and no reason text. */
function isCompactionCancel(err: Error): boolean {
  return isCompacted(err) || /Watcher canceled:\s*$/.test(err.message);
}

export async function openEtcdWatch(input: EtcdWatchInput): Promise<BufferedWatch> {
  const { options } = input;
  let lastDelivered = options.fromRevision;
  const watcher: Watcher = input.client
    .watch()
    .prefix(input.keys.scope(options))
    .withPreviousKV()
    .startRevision(String(options.fromRevision + 1))
    .watcher();
  /** Set once etcd itself ended the watch: cancelling it again would confuse etcd3's bookkeeping. */
  let endedByEtcd = false;
  const watch: BufferedWatch = new BufferedWatch(input.bufferSize, () => {
    input.onClose(watch);
    if (!endedByEtcd) void watcher.cancel().catch(() => {});
  });
  watch.allowBacklog(input.backlog);

  // Before every (re-)attach: resume after the last event this watch delivered. (etcd3 would
  // resume after the last response header's revision, which can skip replayed events that
  // were not yet sent when the stream broke.)
  watcher.on('connecting', () => {
    watcher.request.start_revision = String(lastDelivered + 1);
  });
  watcher.on('data', (response: IWatchResponse) => {
    for (const event of response.events) {
      if (watch.isClosed) return;
      try {
        const delivered = toWatchEvent(event, options.filter);
        lastDelivered = Number(event.kv.mod_revision);
        if (delivered) watch.push(delivered);
      } catch (err) {
        watch.fail(err as Error);
      }
    }
  });
  watcher.on('error', (err: Error) => {
    endedByEtcd = true;
    watch.fail(
      isCompactionCancel(err)
        ? new ExpiredError(lastDelivered, lastDelivered + 1)
        : new StorageUnavailableError(`etcd watch failed: ${describeError(err)}`),
    );
  });

  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      watcher.once('connected', () => resolve());
      watcher.once('error', reject);
      timer = setTimeout(
        () => reject(new StorageUnavailableError('etcd did not accept the watch in time')),
        input.timeoutMs,
      );
    });
  } catch (err) {
    watch.close();
    if (err instanceof Error && !(err instanceof StorageUnavailableError) && isCompactionCancel(err)) {
      throw new ExpiredError(options.fromRevision, options.fromRevision + 1);
    }
    throw err instanceof StorageUnavailableError
      ? err
      : new StorageUnavailableError(`etcd watch failed: ${describeError(err)}`);
  } finally {
    clearTimeout(timer);
  }
  return watch;
}

function toWatchEvent(event: IEvent, filter: WatchOptions['filter']): WatchEvent | undefined {
  const revision = Number(event.kv.mod_revision);
  const previous = event.prev_kv ? decodeObject(event.prev_kv.value, event.prev_kv.mod_revision) : undefined;
  let change: { type: WatchEvent['type']; object: KubeObject; previous?: KubeObject };
  if (event.type === 'Delete') {
    if (!previous)
      throw new CorruptError(`etcd delete event for ${event.kv.key.toString()} without its previous value`);
    change = {
      type: 'DELETED',
      object: { ...previous, metadata: { ...previous.metadata, resourceVersion: String(revision) } },
    };
  } else {
    const object = decodeObject(event.kv.value, revision);
    const created = event.kv.create_revision === event.kv.mod_revision;
    change = created ? { type: 'ADDED', object } : { type: 'MODIFIED', object, previous };
  }
  const type = filteredEventType(change, filter);
  if (!type) return undefined;
  if (type === 'DELETED' && change.type === 'MODIFIED' && previous) {
    // The object stopped matching: the watcher sees its last matching state, at this revision.
    const gone = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(revision) } };
    return { type, object: gone, revision };
  }
  return { type, object: change.object, revision };
}
