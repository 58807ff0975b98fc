/**
 * Fans committed changes out to watchers. A new watch first replays the event window after
 * its revision, then receives live changes; both happen without awaiting, so no change can
 * fall between replay and live delivery. Each watcher has its own bounded buffer: a slow one
 * is closed with WatchTooSlowError and never holds up writers or other watchers.
 */
import { BufferedWatch } from '../buffered-watch';
import { TooLargeResourceVersionError } from '../errors';
import type { KubeObject, Watch, WatchEvent, WatchOptions } from '../interface';
import { collectionId } from '../keys';
import { filteredEventType } from '../watch-filter';
import type { EventWindow, LoggedChange } from './event-window';

interface Watcher {
  collection: string;
  options: WatchOptions;
  watch: BufferedWatch;
}

export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  constructor(
    private readonly window: EventWindow,
    private readonly bufferSize: number,
  ) {}

  get count(): number {
    return this.watchers.size;
  }

  /** Throws ExpiredError below the window, TooLargeResourceVersionError past the newest revision. */
  watch(options: WatchOptions, currentRevision: number): Watch {
    if (options.fromRevision > currentRevision) {
      throw new TooLargeResourceVersionError(options.fromRevision, currentRevision);
    }
    const backlog = this.window.since(options.fromRevision);
    const watcher: Watcher = {
      collection: collectionId(options),
      options,
      watch: new BufferedWatch(this.bufferSize, () => this.watchers.delete(watcher)),
    };
    watcher.watch.allowBacklog(backlog.length);
    for (const change of backlog) this.deliver(watcher, change);
    this.watchers.add(watcher);
    return watcher.watch;
  }

  publish(change: LoggedChange): void {
    for (const watcher of this.watchers) this.deliver(watcher, change);
  }

  closeAll(): void {
    for (const watcher of [...this.watchers]) watcher.watch.close();
  }

  private deliver(watcher: Watcher, change: LoggedChange): void {
    if (change.collection !== watcher.collection) return;
    const { namespace, filter } = watcher.options;
    if (namespace && change.entry.namespace !== namespace) return;
    const event = toEvent(change, filter);
    if (event) watcher.watch.push(event);
  }
}

function toEvent(change: LoggedChange, filter: WatchOptions['filter']): WatchEvent | undefined {
  if (!filter) return storedEvent(change.type, change.entry.json, change.rev);
  // The filter reads decoded objects; the watcher still gets its own copy (a fresh parse).
  const object = JSON.parse(change.entry.json) as KubeObject;
  const previous = change.previous ? (JSON.parse(change.previous.json) as KubeObject) : undefined;
  const type = filteredEventType({ type: change.type, object, previous }, filter);
  if (!type) return undefined;
  if (type === 'DELETED' && change.type === 'MODIFIED' && previous) {
    // The object stopped matching: the watcher sees its last matching state, at this revision
    // (as the Kubernetes watch cache does).
    const gone = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(change.rev) } };
    return { type, object: gone, revision: change.rev };
  }
  return { type, object, revision: change.rev, serialized: change.entry.json };
}

/**
 * An event carrying the stored JSON, decoded only if its consumer reads `object` — and then for
 * this watcher alone, since consumers may mutate what they receive. A JSON watch stream sends the
 * bytes as they are, so a change fanned out to N watchers is not decoded and re-encoded N times.
 */
function storedEvent(type: WatchEvent['type'], json: string, revision: number): WatchEvent {
  let object: KubeObject | undefined;
  return {
    type,
    get object() {
      return (object ??= JSON.parse(json) as KubeObject);
    },
    serialized: json,
    revision,
  };
}
