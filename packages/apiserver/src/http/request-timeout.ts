/**
 * A deadline for every request but watches (k8s' WithTimeoutForNonLongRunningRequests): after
 * --request-timeout, or the shorter `?timeout=` the client asked for, the client gets 504 Timeout
 * and whatever the handler writes later is dropped — as k8s' timeout writer does, the handler is
 * not interrupted, its answer just no longer goes anywhere.
 */
import { requestQuery } from './exchange';
import type { ApiRequest, ApiResponse, Next } from './exchange';
import { parseDuration } from '@pwk/process';
import { StatusError } from '../errors/status-error';
import { queryValue } from './query';
import { markAborted, markTerminated } from './instrument-requests';
import { attributesOf, isLongRunning } from './request-info';
import { sendStatusError } from './status';

export interface RequestTimeoutOptions {
  /** 0: no server-side limit (a client's `?timeout=` still applies). */
  timeoutMs: number;
}

export function requestTimeout(options: RequestTimeoutOptions) {
  return (req: ApiRequest, res: ApiResponse, next: Next): void => {
    if (isLongRunning(attributesOf(req, res))) return next();
    const timeoutMs = deadlineMs(queryValue(requestQuery(req), 'timeout'), options.timeoutMs);
    if (timeoutMs <= 0) return next();
    const timer = setTimeout(() => expire(req, res), timeoutMs);
    res.once('close', () => clearTimeout(timer));
    next();
  };
}

/** The client's `?timeout=` when valid and shorter; a malformed one is the router's 400 to give. */
function deadlineMs(asked: string | undefined, serverMs: number): number {
  const askedMs = asked ? parseDuration(asked) : undefined;
  if (askedMs === undefined || askedMs <= 0) return serverMs;
  return serverMs > 0 ? Math.min(askedMs, serverMs) : askedMs;
}

function expire(req: ApiRequest, res: ApiResponse): void {
  if (res.writableEnded) return;
  if (!req.complete) {
    // The body is still arriving: close the connection after the answer, so the handler's body
    // read fails and a create or update that timed out is never stored.
    res.setHeader('Connection', 'close');
  }
  if (res.headersSent) {
    // Half an answer cannot be turned into a Status: cut the connection, as k8s does.
    markAborted(res);
    res.destroy();
  } else {
    markTerminated(res, 504);
    sendStatusError(
      res,
      new StatusError(
        504,
        'Timeout',
        'Timeout: request did not complete within requested timeout - context deadline exceeded',
        {
          details: {},
        },
      ),
    );
  }
  silence(res);
}

/** Later writes by the still-running handler go nowhere instead of throwing "headers already sent". */
function silence(res: ApiResponse): void {
  const quiet = res as unknown as Record<string, unknown>;
  quiet.setHeader = () => res;
  quiet.appendHeader = () => res;
  quiet.removeHeader = () => undefined;
  quiet.writeHead = () => res;
  quiet.flushHeaders = () => undefined;
  quiet.write = () => true;
  quiet.end = () => res;
}
