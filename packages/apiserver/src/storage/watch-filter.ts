/**
 * Turns a store event into what a filtered watcher should see, as the Kubernetes cacher does:
 * an object that starts matching is ADDED, one that stops matching is DELETED.
 * Shared by every backend so that watch semantics cannot drift between them.
 */
import type { KubeObject, ObjectFilter, WatchEventType } from './interface';

export interface RawChange {
  type: WatchEventType;
  /** The new state; for DELETED, the last state with the deletion's resourceVersion. */
  object: KubeObject;
  /** The state before the change (absent for ADDED). */
  previous?: KubeObject;
}

/** The event type to deliver, or undefined when the watcher should not see this change. */
export function filteredEventType(
  change: RawChange,
  filter: ObjectFilter | undefined,
): WatchEventType | undefined {
  if (!filter) return change.type;
  switch (change.type) {
    case 'ADDED':
      return filter(change.object) ? 'ADDED' : undefined;
    case 'DELETED':
      return filter(change.object) ? 'DELETED' : undefined;
    case 'MODIFIED': {
      const now = filter(change.object);
      const before = change.previous !== undefined && filter(change.previous);
      if (now && before) return 'MODIFIED';
      if (now) return 'ADDED';
      if (before) return 'DELETED';
      return undefined;
    }
  }
}
