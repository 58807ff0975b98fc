/**
 * A path with an invalid percent-escape (`%E0%A4%A`) is a 400 before anything else runs, as Go's
 * URL parser makes it for kube-apiserver. Left to the router it would fail while decoding a route
 * parameter, far from any Status mapping.
 */
import { requestPath } from './exchange';
import type { ApiRequest, ApiResponse, Next } from './exchange';
import { StatusError } from '../errors/status-error';

export function rejectMalformedPaths() {
  return (req: ApiRequest, _res: ApiResponse, next: Next): void => {
    try {
      const path = requestPath(req);
      if (path.includes('%')) decodeURIComponent(path);
      next();
    } catch {
      next(StatusError.badRequest('the request path contains an invalid URL escape'));
    }
  };
}
