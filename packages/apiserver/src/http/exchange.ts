/**
 * The request and response every filter and resource route works with: Node's own
 * IncomingMessage and ServerResponse plus the few fields the API needs (route parameters, the
 * raw body, per-request values in `res.locals`). Express's request and response extend these, so
 * the same code runs inside Express's router and on the direct path (direct-routes.ts), which
 * never hands a request to Express: there Express's prototype swap and `res.send` alone cost
 * more than the rest of a GET.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import type { Query } from './query';

export interface ApiRequest extends IncomingMessage {
  /** Always set on a server's requests. */
  method: string;
  /** Route parameters (`namespace`, `name`): set by the router or by direct dispatch. */
  params?: unknown;
  /** The raw body, once the body reader has run. */
  body?: unknown;
  /** The URL as received; Express sets it, direct dispatch leaves `url` untouched. */
  originalUrl?: string;
}

export interface ApiResponse extends ServerResponse {
  /** Values filters hand to later filters and handlers (audit id, user, request attributes). */
  locals: Record<string, unknown>;
}

export type Next = (err?: unknown) => void;

/** A filter or route handler in Express's shape, on the plain request and response. */
export type ApiHandler = (req: ApiRequest, res: ApiResponse, next: Next) => void;

/** A request header's value; a repeated one gives its first value. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The URL as the client sent it (before any router rewrote `url`). */
export function requestUrl(req: ApiRequest): string {
  return req.originalUrl ?? req.url ?? '/';
}

/** The URL's path, still escaped as sent. */
export function requestPath(req: ApiRequest): string {
  const url = requestUrl(req);
  const queryStart = url.indexOf('?');
  return queryStart < 0 ? url : url.slice(0, queryStart);
}

const PARSED_QUERY = Symbol('parsed query');
const NO_QUERY: Query = Object.freeze({});

/**
 * The query parameters, parsed once per request as Express's "simple" parser does (repeated
 * names become arrays). Express's own `req.query` re-parses on every read.
 */
export function requestQuery(req: ApiRequest): Query {
  const cached = req as ApiRequest & { [PARSED_QUERY]?: Query };
  let query = cached[PARSED_QUERY];
  if (!query) {
    const url = requestUrl(req);
    const queryStart = url.indexOf('?');
    query = queryStart < 0 ? NO_QUERY : (parseQueryString(url.slice(queryStart + 1)) as Query);
    cached[PARSED_QUERY] = query;
  }
  return query;
}

/** Route parameter `name` ('' when absent). */
export function routeParam(req: ApiRequest, name: string): string {
  const params = (req.params ?? {}) as Record<string, unknown>;
  return String(params[name] ?? '');
}

/**
 * Ends the response with `body` as it is: status, Content-Type exactly as given (Kubernetes sends
 * the bare media type, no charset added), Content-Length. HEAD gets the headers only (Node drops
 * the body of a HEAD response).
 */
export function sendBytes(
  res: ServerResponse,
  answer: { status: number; contentType: string; body: Buffer | string },
): void {
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
  res.statusCode = answer.status;
  res.setHeader('Content-Type', answer.contentType);
  res.setHeader('Content-Length', body.length);
  res.end(body);
}
