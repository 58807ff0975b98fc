/**
 * Builds the events.k8s.io/v1 Event for a FooEvent, as client-go's events recorder does: name
 * `<object>.<hex unix nanos>`, eventTime as MicroTime (exactly six fractional digits: Go's
 * parser rejects the three that Date#toISOString gives), and the reporting controller and
 * instance that v1 Events require.
 */
import type { FooEvent } from './reconciler';

export const REPORTING_CONTROLLER = 'pwk.educative.io/pwk-controller';

export interface EventSource {
  /** e.g. "pwk-controller-<hostname>"; at most 128 characters. */
  reportingInstance: string;
}

export interface EventObject {
  apiVersion: 'events.k8s.io/v1';
  kind: 'Event';
  metadata: { name: string; namespace: string };
  eventTime: string;
  reportingController: string;
  reportingInstance: string;
  action: string;
  reason: string;
  note: string;
  type: 'Normal' | 'Warning';
  regarding: {
    apiVersion: string;
    kind: string;
    namespace?: string;
    name?: string;
    uid?: string;
    resourceVersion?: string;
  };
}

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits, UTC. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function buildEvent(event: FooEvent, options: { source: EventSource; nowMs: number }): EventObject {
  const { regarding } = event;
  const name = regarding.metadata.name ?? 'unknown';
  const nanos = BigInt(Math.trunc(options.nowMs)) * 1_000_000n;
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: `${name}.${nanos.toString(16)}`, namespace: regarding.metadata.namespace ?? 'default' },
    eventTime: microTime(options.nowMs),
    reportingController: REPORTING_CONTROLLER,
    reportingInstance: options.source.reportingInstance.slice(0, 128),
    action: event.action,
    reason: event.reason,
    note: event.note.slice(0, 1024),
    type: event.type,
    regarding: {
      apiVersion: regarding.apiVersion,
      kind: regarding.kind,
      namespace: regarding.metadata.namespace,
      name: regarding.metadata.name,
      uid: regarding.metadata.uid,
      resourceVersion: regarding.metadata.resourceVersion,
    },
  };
}
