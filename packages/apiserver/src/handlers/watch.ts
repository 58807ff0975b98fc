/**
 * WATCH: the events a watch request should see, as an async iterable the http layer streams.
 * - resourceVersion unset or "0" (legacy), or sendInitialEvents=true: synthetic ADDED events for
 *   every current object, then live events — with sendInitialEvents, a BOOKMARK annotated
 *   `k8s.io/initial-events-end` after the initial ones (streaming lists wait for it).
 * - resourceVersion N: exactly the events after N, then live events.
 * - N older than the retained window: one ERROR event carrying a 410 Expired Status, then the end
 *   (as the Kubernetes watch cache answers).
 */
import { StatusError } from '../errors/status-error';
import type { Status } from '../errors/status-error';
import { ExpiredError, WatchTooSlowError } from '../storage/errors';
import type { KubeObject, Watch } from '../storage/interface';
import type { RegistryStore } from '../registry/store';
import { selectorFilter } from './filter';
import type { ListParams } from './params';

export type WireEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WireEvent {
  type: WireEventType;
  object: KubeObject | Status;
  /** The revision this event brings the watcher to (for bookmarks). */
  revision?: number;
  /** When set: exactly `JSON.stringify(object)` (storage's bytes, see WatchEvent). */
  serialized?: string;
}

export interface WatchStream extends AsyncIterable<WireEvent> {
  /** Ends the stream (client gone, timeout, shutdown). */
  close(): void;
  /** The revision of the last event delivered, for bookmarks. */
  readonly revision: number;
}

export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

function expiredStatus(err: ExpiredError): Status {
  return StatusError.gone(err.message).toStatus();
}

export function bookmark(
  store: RegistryStore,
  revision: number,
  annotations?: Record<string, string>,
): WireEvent {
  const { group, version, kind } = store.strategy;
  const metadata: Record<string, unknown> = { resourceVersion: String(revision) };
  if (annotations) metadata.annotations = annotations;
  return { type: 'BOOKMARK', object: { apiVersion: `${group}/${version}`, kind, metadata }, revision };
}

export async function openWatch(
  store: RegistryStore,
  request: { namespace?: string; params: ListParams },
): Promise<WatchStream> {
  const { params, namespace } = request;
  const filter = selectorFilter(params.labelSelector, params.fieldSelector);
  const legacyInitial =
    params.sendInitialEvents === undefined &&
    (params.resourceVersion === undefined || params.resourceVersion === 0);
  const sendInitial = params.sendInitialEvents === true || legacyInitial;

  const initial: WireEvent[] = [];
  let from: number;
  if (sendInitial) {
    // One consistent snapshot (at least as new as a NotOlderThan revision), then watch from it.
    const snapshot = await store.list({
      namespace,
      filter,
      resourceVersion: params.sendInitialEvents ? params.resourceVersion : undefined,
    });
    from = snapshot.revision;
    for (const object of snapshot.items) initial.push({ type: 'ADDED', object });
    if (params.sendInitialEvents)
      initial.push(bookmark(store, from, { [INITIAL_EVENTS_END_ANNOTATION]: 'true' }));
  } else {
    // sendInitialEvents=false without a revision (or with "0") starts at the most recent one.
    from = params.resourceVersion || (await store.currentRevision());
  }

  let watch: Watch | undefined;
  let expired: ExpiredError | undefined;
  try {
    watch = await store.watch({ namespace, fromRevision: from, filter });
  } catch (err) {
    if (!(err instanceof ExpiredError)) throw err;
    expired = err;
  }

  let revision = from;
  let closed = false;
  return {
    get revision() {
      return revision;
    },
    close() {
      closed = true;
      watch?.close();
    },
    async *[Symbol.asyncIterator]() {
      if (expired) {
        yield { type: 'ERROR', object: expiredStatus(expired) };
        return;
      }
      for (const event of initial) {
        if (closed) return;
        yield event;
      }
      try {
        for await (const event of watch!) {
          if (closed) return;
          revision = event.revision;
          // Passed on as it is: reading `object` would decode what may only be sent as bytes.
          yield event;
        }
      } catch (err) {
        // A watcher too slow to keep up is closed; the client re-watches from its last
        // resourceVersion, exactly as after the kube watch cache drops a slow watcher.
        if (err instanceof WatchTooSlowError) return;
        throw err;
      }
    },
  };
}
