/**
 * The API's error type: a metav1.Status waiting to be sent. Registry and handlers throw these;
 * http/status.ts turns them (and storage errors, and anything unexpected) into the response.
 * Reasons and messages follow k8s.io/apimachinery/pkg/api/errors.
 */

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The wire form of metav1.Status. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { resourceVersion?: string; continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** What a resource is called in messages: `widgets.example.com`. */
export interface ResourceRef {
  group: string;
  resource: string;
}

const qualified = (r: ResourceRef): string => (r.group ? `${r.resource}.${r.group}` : r.resource);

export class StatusError extends Error {
  readonly details?: StatusDetails;
  /** Extra metadata for the Status (e.g. a fresh continue token on 410). */
  readonly statusMetadata: Status['metadata'];

  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    extra: { details?: StatusDetails; metadata?: Status['metadata'] } = {},
  ) {
    super(message);
    this.name = `StatusError(${reason})`;
    this.details = extra.details;
    this.statusMetadata = extra.metadata ?? {};
  }

  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: this.statusMetadata,
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = this.details;
    return status;
  }

  static badRequest(message: string, causes?: StatusCause[]): StatusError {
    return new StatusError(400, 'BadRequest', message, causes ? { details: { causes } } : {});
  }

  static unauthorized(message = 'Unauthorized'): StatusError {
    return new StatusError(401, 'Unauthorized', message);
  }

  static forbidden(ref: ResourceRef, name: string, reason: string): StatusError {
    const subject = name ? `${qualified(ref)} "${name}"` : qualified(ref);
    return new StatusError(403, 'Forbidden', `${subject} is forbidden: ${reason}`, {
      details: { name: name || undefined, group: ref.group, kind: ref.resource },
    });
  }

  static notFound(ref: ResourceRef, name: string): StatusError {
    return new StatusError(404, 'NotFound', `${qualified(ref)} "${name}" not found`, {
      details: { name, group: ref.group, kind: ref.resource },
    });
  }

  static alreadyExists(ref: ResourceRef, name: string): StatusError {
    return new StatusError(409, 'AlreadyExists', `${qualified(ref)} "${name}" already exists`, {
      details: { name, group: ref.group, kind: ref.resource },
    });
  }

  static conflict(ref: ResourceRef, name: string, why: string): StatusError {
    return new StatusError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(ref)} "${name}": ${why}`,
      { details: { name, group: ref.group, kind: ref.resource } },
    );
  }

  /** 422: `Widget.example.com "x" is invalid: spec.replicas: Invalid value: ...`. */
  static invalid(kind: { group: string; kind: string }, name: string, causes: StatusCause[]): StatusError {
    const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
    // As field.ErrorList.ToAggregate() prints: one error bare, several in brackets.
    const summary = parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
    const qualifiedKind = kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
    return new StatusError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, {
      details: { name, group: kind.group, kind: kind.kind, causes },
    });
  }

  static methodNotAllowed(method: string, what: string): StatusError {
    return new StatusError(405, 'MethodNotAllowed', `${method} is not supported on ${what}`);
  }

  static notAcceptable(accept: string, supported: string[]): StatusError {
    return new StatusError(
      406,
      'NotAcceptable',
      `the server cannot respond with the requested content type "${accept}"; supported: ${supported.join(', ')}`,
    );
  }

  static gone(message: string, metadata: Status['metadata'] = {}): StatusError {
    return new StatusError(410, 'Expired', message, { metadata });
  }

  static requestEntityTooLarge(limitBytes: number): StatusError {
    return new StatusError(
      413,
      'RequestEntityTooLarge',
      `the request body exceeds the limit of ${limitBytes} bytes`,
    );
  }

  static unsupportedMediaType(contentType: string, supported: string[]): StatusError {
    return new StatusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${supported.join(', ')}`,
      contentType ? { details: { causes: [{ reason: 'UnsupportedMediaType', message: contentType }] } } : {},
    );
  }

  static tooManyRequests(retryAfterSeconds: number): StatusError {
    return new StatusError(429, 'TooManyRequests', 'Too many requests, please try again later.', {
      details: {
        retryAfterSeconds,
      },
    });
  }

  static internal(message = 'an internal error occurred'): StatusError {
    return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`);
  }

  static serviceUnavailable(message: string): StatusError {
    return new StatusError(503, 'ServiceUnavailable', message);
  }
}
