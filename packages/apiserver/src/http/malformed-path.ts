/**
 * A path with an invalid percent-escape (`%E0%A4%A`) is a 400 before anything else runs, as Go's
 * URL parser makes it for kube-apiserver. Left to the router it would fail while decoding a route
 * parameter, far from any Status mapping.
 */
import type { NextFunction, Request, Response } from 'express';
import { StatusError } from '../errors/status-error';

export function rejectMalformedPaths() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    try {
      decodeURIComponent(req.path);
      next();
    } catch {
      next(StatusError.badRequest('the request path contains an invalid URL escape'));
    }
  };
}
