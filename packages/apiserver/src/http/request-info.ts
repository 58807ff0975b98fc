/**
 * The request's authorization attributes (verb, resource, namespace, name, …), worked out once
 * per request and shared by the filters that need them: the timeout and the in-flight limit
 * (is it a long-running watch? does it mutate?) and authorization.
 */
import { requestUrl } from './exchange';
import type { ApiRequest, ApiResponse } from './exchange';
import { requestAttributes } from '../auth/request-attributes';
import type { RequestAttributes } from '../auth/request-attributes';

export function attributesOf(req: ApiRequest, res: ApiResponse): RequestAttributes {
  const known = res.locals.requestAttributes as RequestAttributes | undefined;
  if (known) return known;
  // originalUrl as sent: `new URL()` would resolve `..` segments the router does not.
  const url = requestUrl(req);
  const queryStart = url.indexOf('?');
  const attributes = requestAttributes({
    method: req.method,
    path: queryStart < 0 ? url : url.slice(0, queryStart),
    query: new URLSearchParams(queryStart < 0 ? '' : url.slice(queryStart + 1)),
  });
  res.locals.requestAttributes = attributes;
  return attributes;
}

/** Watches run as long as they like and hold no in-flight slot (k8s' LongRunningFunc). */
export function isLongRunning(attributes: RequestAttributes): boolean {
  return attributes.resourceRequest && attributes.verb === 'watch';
}
