/**
 * The one error type the core sees for a failed API call, whatever client made it: the HTTP
 * code and the Status reason (Conflict, NotFound, …), as k8s.io/apimachinery's StatusError.
 * src/kube/ turns the library's exceptions into these; everything else only reads them.
 */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;

  constructor(options: { code: number; reason: string; message: string; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.name = 'ApiError';
    this.code = options.code;
    this.reason = options.reason;
  }
}

export function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.code === 409 && err.reason !== 'AlreadyExists';
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404;
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ApiError && err.code === 409 && err.reason === 'AlreadyExists';
}

/** "message: cause message: …" — errors logged with their cause, on one line. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}
