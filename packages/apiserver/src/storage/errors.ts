/**
 * Typed storage errors. The HTTP layer maps them to Kubernetes Status objects in one place
 * (http/status.ts); nothing else inspects error messages.
 */
import type { ObjectKey } from './interface';

export type StorageErrorCode =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Expired'
  | 'StorageUnavailable'
  | 'WriteFailed'
  | 'Corrupt'
  | 'InvalidKey'
  | 'InvalidObject'
  | 'TooLargeResourceVersion'
  | 'WatchTooSlow';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    readonly key?: ObjectKey,
  ) {
    super(message);
    this.name = `StorageError(${code})`;
  }
}

export class NotFoundError extends StorageError {
  constructor(key: ObjectKey) {
    super('NotFound', `${key.resource}.${key.group} "${key.name}" not found`, key);
  }
}

export class AlreadyExistsError extends StorageError {
  constructor(key: ObjectKey) {
    super('AlreadyExists', `${key.resource}.${key.group} "${key.name}" already exists`, key);
  }
}

/** A resourceVersion or uid precondition did not hold. */
export class ConflictError extends StorageError {
  constructor(key: ObjectKey, detail: string) {
    super('Conflict', detail, key);
  }
}

/** The requested revision is older than what the store retains (→ 410 Gone / Expired). */
export class ExpiredError extends StorageError {
  constructor(
    readonly requested: number,
    readonly oldest: number,
    /** For an expired continue token: a token that resumes the same listing at the current revision. */
    readonly freshContinue?: string,
  ) {
    super('Expired', `too old resource version: ${requested} (${oldest})`);
  }
}

/** A revision newer than the store has reached (Kubernetes answers 504 and the client retries). */
export class TooLargeResourceVersionError extends StorageError {
  constructor(
    readonly requested: number,
    readonly current: number,
  ) {
    super('TooLargeResourceVersion', `Too large resource version: ${requested}, current: ${current}`);
  }
}

export class StorageUnavailableError extends StorageError {
  constructor(message: string) {
    super('StorageUnavailable', message);
  }
}

/**
 * The backend refused or failed a write (a full or read-only disk, an I/O error, an etcd over
 * its quota). Nothing was stored. The reason is safe to show a client: it names what failed,
 * never a path (`storage write failed: no space left on device`).
 */
export class StorageWriteFailedError extends StorageError {
  constructor(
    readonly reason: string,
    key?: ObjectKey,
  ) {
    super('WriteFailed', `storage write failed: ${reason}`, key);
  }
}

/** Stored bytes could not be understood. */
export class CorruptError extends StorageError {
  constructor(message: string, key?: ObjectKey) {
    super('Corrupt', message, key);
  }
}

/** A key that could never name a stored object (e.g. a name that would escape the data dir). */
export class InvalidKeyError extends StorageError {
  constructor(message: string) {
    super('InvalidKey', message);
  }
}

/** An object the store cannot keep as given (e.g. a resourceVersion on create, a name that does not match its key). */
export class InvalidObjectError extends StorageError {
  constructor(message: string, key?: ObjectKey) {
    super('InvalidObject', message, key);
  }
}

/** A watcher's bounded buffer overflowed; it is closed rather than silently losing events. */
export class WatchTooSlowError extends StorageError {
  constructor(buffered: number) {
    super('WatchTooSlow', `watcher fell ${buffered} events behind and was closed`);
  }
}
