/**
 * client-node's ApiException (HTTP code + a body that may be a Status object or its JSON text)
 * → our ApiError with the Status reason; other errors (network, timeout) pass through as they are.
 */
import { ApiException } from '@kubernetes/client-node';
import { ApiError } from '../api-error';

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

interface StatusLike {
  reason?: unknown;
  message?: unknown;
}

function statusOf(body: unknown): StatusLike {
  if (typeof body === 'string') {
    try {
      return statusOf(JSON.parse(body) as unknown);
    } catch {
      return { message: body };
    }
  }
  return body !== null && typeof body === 'object' ? (body as StatusLike) : {};
}

export function toApiError(err: unknown): unknown {
  if (!(err instanceof ApiException)) return err;
  const code = Number((err as ApiException<unknown>).code);
  const status = statusOf((err as ApiException<unknown>).body);
  const reason =
    typeof status.reason === 'string' && status.reason ? status.reason : (REASONS[code] ?? 'Unknown');
  const message = typeof status.message === 'string' && status.message ? status.message : `HTTP ${code}`;
  return new ApiError({ code, reason, message: `${reason} (${code}): ${message}` });
}

/** Runs an API call and rethrows its failure as an ApiError. */
export async function apiCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toApiError(err);
  }
}
