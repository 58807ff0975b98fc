/**
 * Reading etcd's answers: which failures mean "etcd cannot be reached" (→ StorageUnavailable,
 * 503, not ready) and which are etcd telling us a revision is compacted or in the future.
 * etcd reports the latter only as error text; these strings are its stable API (Kubernetes
 * matches the same ones via rpctypes).
 */
import { ClientClosedError, GRPCCancelledError, GRPCDeadlineExceededError, isRecoverableError } from 'etcd3';

const COMPACTED = 'required revision has been compacted';
const FUTURE = 'required revision is a future revision';
/** rpctypes.ErrGRPCNoSpace: over --quota-backend-bytes, etcd raises NOSPACE and refuses writes. */
export const NO_SPACE = 'etcdserver: mvcc: database space exceeded';
/** Server-side answers that mean the cluster cannot serve right now. */
const UNAVAILABLE_TEXTS = [
  'etcdserver: no leader',
  'etcdserver: request timed out',
  'etcdserver: leader changed',
  'etcdserver: server stopped',
  'etcdserver: too many requests',
];

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function isCompacted(err: unknown): boolean {
  return messageOf(err).includes(COMPACTED);
}

export function isNoSpace(err: unknown): boolean {
  return messageOf(err).includes(NO_SPACE);
}

export function isFutureRevision(err: unknown): boolean {
  return messageOf(err).includes(FUTURE);
}

/** True when the call failed because etcd could not be reached or could not serve. */
export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (isRecoverableError(err)) return true;
  if (err instanceof GRPCDeadlineExceededError || err instanceof GRPCCancelledError) return true;
  if (err instanceof ClientClosedError) return true;
  const message = err.message;
  return (
    UNAVAILABLE_TEXTS.some((text) => message.includes(text)) ||
    /No connection established|ECONNREFUSED/.test(message)
  );
}

export function describeError(err: unknown): string {
  return messageOf(err).split('\n')[0] ?? '';
}
