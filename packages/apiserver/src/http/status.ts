/**
 * The one place where errors become responses: StatusError, storage errors and anything
 * unexpected are turned into a metav1.Status with the Kubernetes reason and code.
 * Unexpected errors are logged with the request's audit id; the client never sees a stack
 * trace or a file path.
 */
import type { ServerResponse } from 'node:http';
import { StatusError } from '../errors/status-error';
import type { Status } from '../errors/status-error';
import { warningsOf } from '../errors/warnings';
import { StorageError } from '../storage/errors';
import type { ExpiredError } from '../storage/errors';
import { sendBytes } from './exchange';
import { setWarnings } from './respond';

const OBJECT_MODIFIED =
  'the object has been modified; please apply your changes to the latest version and try again';

/** Normalises anything thrown into a StatusError. */
export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  if (err instanceof StorageError) return fromStorageError(err);
  return StatusError.internal();
}

function fromStorageError(err: StorageError): StatusError {
  const ref = err.key ? { group: err.key.group, resource: err.key.resource } : undefined;
  const name = err.key?.name ?? '';
  switch (err.code) {
    case 'NotFound':
      return ref ? StatusError.notFound(ref, name) : new StatusError(404, 'NotFound', err.message);
    case 'AlreadyExists':
      return ref ? StatusError.alreadyExists(ref, name) : new StatusError(409, 'AlreadyExists', err.message);
    case 'Conflict':
      return ref
        ? StatusError.conflict(ref, name, err.message || OBJECT_MODIFIED)
        : new StatusError(409, 'Conflict', err.message);
    case 'Expired': {
      const fresh = (err as ExpiredError).freshContinue;
      return StatusError.gone(err.message, fresh ? { continue: fresh } : {});
    }
    case 'TooLargeResourceVersion':
      return new StatusError(504, 'Timeout', err.message, { details: { retryAfterSeconds: 1 } });
    case 'InvalidKey':
      return StatusError.badRequest(err.message);
    case 'StorageUnavailable':
      return StatusError.serviceUnavailable('storage is unavailable, please try again later');
    case 'WriteFailed':
      // What Kubernetes answers when etcd refuses a write (NewInternalError): a 500 that says
      // what failed. The message is built from an error code, never from a path.
      return StatusError.internal(err.message);
    case 'InvalidObject':
    case 'Corrupt':
    case 'WatchTooSlow':
      return StatusError.internal();
  }
}

/** The conflict message Kubernetes uses for a stale resourceVersion. */
export const objectModifiedMessage = OBJECT_MODIFIED;

/** Whether the error was expected (a client's mistake or a normal API outcome) rather than a server fault. */
export function isServerFault(err: unknown): boolean {
  return toStatusError(err).code >= 500;
}

/** Sends the error as a Status, with the warnings it carries. The caller logs server faults (with the audit id). */
export function sendStatusError(res: ServerResponse, err: unknown): Status {
  const status = toStatusError(err).toStatus();
  if (!res.headersSent) setWarnings(res, warningsOf(err));
  if (status.details?.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(status.details.retryAfterSeconds));
  }
  sendBytes(res, { status: status.code, contentType: 'application/json', body: JSON.stringify(status) });
  return status;
}
