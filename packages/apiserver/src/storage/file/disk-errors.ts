/**
 * What a failed disk operation means to a client. Node's own messages name the path
 * (`ENOSPC: no space left on device, open '/var/lib/pwk/…'`), which a client must not see, so
 * the reason is rebuilt from the error code alone, in the words Linux (and Go, and so etcd and
 * Kubernetes) use for it.
 */
import { StorageWriteFailedError } from '../errors';
import type { ObjectKey } from '../interface';

const STRERROR: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in system',
  ENOMEM: 'cannot allocate memory',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  ENAMETOOLONG: 'file name too long',
  EBUSY: 'device or resource busy',
  ESTALE: 'stale file handle',
  ENXIO: 'no such device or address',
  ENODEV: 'no such device',
};

/**
 * The change is visible under its final name (a rename or unlink happened) but the directory
 * fsync that makes it durable failed: the disk may now differ from what the store serves.
 */
export class NotDurableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`a directory fsync failed after the change was made: ${String(cause)}`);
    this.name = 'NotDurableError';
  }
}

/**
 * An operating-system error, as Node reports them: a code and the failed system call. Checked by
 * shape, not `instanceof Error`: errors made by Node's core may come from another realm.
 */
function isOsError(err: unknown): err is NodeJS.ErrnoException {
  if (typeof err !== 'object' || err === null) return false;
  const { code, syscall } = err as NodeJS.ErrnoException;
  return typeof code === 'string' && typeof syscall === 'string';
}

/** `no space left on device` for an OS error; undefined for anything else. */
export function describeOsError(err: unknown): string | undefined {
  const cause = err instanceof NotDurableError ? err.cause : err;
  if (!isOsError(cause)) return undefined;
  const code = cause.code!;
  return STRERROR[code] ?? `error ${code}`;
}

/** A StorageWriteFailedError for a failed disk operation; any other error as it is. */
export function toWriteFailure(err: unknown, key?: ObjectKey): unknown {
  const reason = describeOsError(err);
  return reason === undefined ? err : new StorageWriteFailedError(reason, key);
}
