/**
 * The reconcile rule, as one function of a key that is safe to run any number of times
 * (controller-runtime's Reconciler): every Foo gets spec.location "Los Angeles", written with
 * the observed resourceVersion as precondition (a Conflict means "look again": requeue, never
 * overwrite a newer object); then status.observedGeneration and a Ready condition through the
 * status subresource, only when they differ, so an already-reconciled Foo costs zero writes;
 * and an Event per change, best effort. A Foo with spec.paused is left alone (Deployment's
 * pattern): no spec write, only observedGeneration and a Paused=True condition; unpausing turns
 * the condition False and reconciling resumes. Pure logic over a small client interface.
 */
import type { Condition, Foo, FooStatus } from './foo';
import { describeError, isConflict, isNotFound } from './api-error';
import type { Clock } from './clock';
import { systemClock } from './clock';
import { parseKey } from './object-key';
import { OwnWrites } from './own-writes';
import type { ObjectKey } from './object-key';

export const TARGET_LOCATION = 'Los Angeles';
export const READY_CONDITION = 'Ready';
export const REASON_RECONCILED = 'Reconciled';
export const EVENT_REASON_LOCATION_SET = 'LocationSet';
export const PAUSED_CONDITION = 'Paused';
export const REASON_PAUSED = 'SpecPaused';
export const REASON_RESUMED = 'SpecResumed';

/** An Event about a Foo (events.k8s.io/v1 fields; src/events.ts builds the object). */
export interface FooEvent {
  regarding: Foo;
  type: 'Normal' | 'Warning';
  reason: string;
  action: string;
  note: string;
}

/** What the reconciler needs from the cluster. */
export interface FooClient {
  /** The Foo as the informer's cache last saw it. */
  get(key: ObjectKey): Foo | undefined;
  /** Replaces the Foo; metadata.resourceVersion is the precondition (ApiError 409 when stale). */
  updateSpec(foo: Foo): Promise<Foo>;
  /** Replaces the Foo's status through the status subresource (same precondition). */
  updateStatus(foo: Foo): Promise<Foo>;
  /** Records an Event; may fail (callers treat it as best effort). */
  recordEvent(event: FooEvent): Promise<void>;
}

export interface DebugLog {
  debug(message: string, meta?: Record<string, unknown>): unknown;
}

export type ReconcileResult = 'changed' | 'unchanged' | 'requeued';

export interface ReconcileOutcome {
  result: ReconcileResult;
  /** The writes made, in order. */
  writes: Array<'spec' | 'status'>;
  /** Why, when the result alone does not say (conflict, gone, being deleted). */
  detail?: string;
}

export interface ReconcilerOptions {
  client: FooClient;
  log: DebugLog;
  clock?: Clock;
  /** Shared with the controller, which drops the watch events of our own writes (own-writes.ts). */
  ownWrites?: OwnWrites;
}

export type Reconcile = (key: string) => Promise<ReconcileOutcome>;

/** Returns the reconcile function; it throws only for errors worth a backoff. */
export function createReconciler(options: ReconcilerOptions): Reconcile {
  const { client, log } = options;
  const clock = options.clock ?? systemClock;
  const own = options.ownWrites ?? new OwnWrites();

  const emit = (event: FooEvent): void => {
    // Best effort, off the reconcile's path: a cluster without the Events API (pwk alone)
    // or a slow one never delays or fails a reconcile.
    client.recordEvent(event).catch((err: unknown) => {
      log.debug('event not recorded', {
        reason: event.reason,
        object: describe(event.regarding),
        error: describeError(err),
      });
    });
  };

  return async (key) => {
    const cached = client.get(parseKey(key));
    if (!cached) {
      own.forget(key);
      return { result: 'unchanged', writes: [], detail: 'not found' };
    }
    // A cache still showing a version our own write replaced is merely behind: skip it instead
    // of writing over a stale version and collecting a Conflict.
    if (own.isStale(key, versionOf(cached)))
      return { result: 'unchanged', writes: [], detail: 'cache behind our write' };
    own.forget(key);
    if (cached.metadata.deletionTimestamp)
      return { result: 'unchanged', writes: [], detail: 'being deleted' };
    const writes: ReconcileOutcome['writes'] = [];
    let current = cached;
    const write = async (update: () => Promise<Foo>): Promise<void> => {
      const replaced = versionOf(current);
      current = await update();
      own.wrote(key, replaced, versionOf(current));
    };

    const paused = isPaused(cached);
    const previous = cached.spec?.location;
    if (!paused && previous !== TARGET_LOCATION) {
      try {
        await write(() => client.updateSpec(withLocation(cached)));
      } catch (err) {
        return settle(err, writes);
      }
      writes.push('spec');
      emit({
        regarding: current,
        type: 'Normal',
        reason: EVENT_REASON_LOCATION_SET,
        action: 'Update',
        note: `spec.location set to "${TARGET_LOCATION}"${previous === undefined ? '' : ` (was "${previous}")`}`,
      });
    }

    const status = desiredStatus(current, clock.now());
    if (!sameJson(current.status ?? {}, status)) {
      try {
        await write(() => client.updateStatus({ ...current, status }));
      } catch (err) {
        return settle(err, writes);
      }
      writes.push('status');
    }
    return { result: writes.length > 0 ? 'changed' : 'unchanged', writes };
  };
}

/** Conflict → requeue (the cache will catch up); gone → done; anything else → throw (backoff). */
function settle(err: unknown, writes: ReconcileOutcome['writes']): ReconcileOutcome {
  if (isConflict(err)) return { result: 'requeued', writes, detail: 'conflict' };
  if (isNotFound(err)) return { result: writes.length > 0 ? 'changed' : 'unchanged', writes, detail: 'gone' };
  throw err;
}

function versionOf(foo: Foo): string {
  return foo.metadata.resourceVersion ?? '';
}

/** A copy with the target location; the cache's object is never mutated. */
function withLocation(foo: Foo): Foo {
  return { ...foo, metadata: { ...foo.metadata }, spec: { ...foo.spec, location: TARGET_LOCATION } };
}

/**
 * status.observedGeneration = the generation reconciled, and Ready=True/Reconciled — or, while
 * spec.paused, Paused=True with Ready left as it was. Other conditions are kept as they are.
 */
export function desiredStatus(foo: Foo, nowMs: number): FooStatus {
  const generation = foo.metadata.generation ?? 0;
  let conditions = foo.status?.conditions ?? [];
  const hasPaused = conditions.some((c) => c.type === PAUSED_CONDITION);
  if (isPaused(foo)) {
    conditions = withCondition(conditions, nowMs, {
      type: PAUSED_CONDITION,
      status: 'True',
      observedGeneration: generation,
      reason: REASON_PAUSED,
      message: 'spec.paused is true: the controller leaves this Foo alone',
    });
  } else {
    if (hasPaused) {
      conditions = withCondition(conditions, nowMs, {
        type: PAUSED_CONDITION,
        status: 'False',
        observedGeneration: generation,
        reason: REASON_RESUMED,
        message: 'spec.paused is false',
      });
    }
    conditions = withCondition(conditions, nowMs, {
      type: READY_CONDITION,
      status: 'True',
      observedGeneration: generation,
      reason: REASON_RECONCILED,
      message: `spec.location is "${TARGET_LOCATION}"`,
    });
  }
  return { ...foo.status, observedGeneration: generation, conditions };
}

/**
 * conditions with `wanted` in place of the condition of its type (or appended); the
 * lastTransitionTime moves only when the status changes (metav1 convention).
 */
function withCondition(
  conditions: readonly Condition[],
  nowMs: number,
  wanted: Omit<Condition, 'lastTransitionTime'>,
): Condition[] {
  const existing = conditions.find((c) => c.type === wanted.type);
  const next: Condition = {
    ...wanted,
    lastTransitionTime: existing?.status === wanted.status ? existing.lastTransitionTime : rfc3339(nowMs),
  };
  return existing ? conditions.map((c) => (c === existing ? next : c)) : [...conditions, next];
}

/** spec.paused (Foo v1): the user asked the controller to leave this Foo alone. */
function isPaused(foo: Foo): boolean {
  return foo.spec?.paused === true;
}

/** metav1.Time: RFC 3339 in whole seconds, UTC. */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function describe(foo: Foo): string {
  return `${foo.metadata.namespace ?? ''}/${foo.metadata.name ?? ''}`;
}

/** Deep equality of JSON values, ignoring key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const otherKeys = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return keys.length === otherKeys.length && keys.every((k) => sameJson(ra[k], rb[k]));
}
