/**
 * Runs handlers in order with Express's `next` contract — `next()` goes on, `next(err)` (or a
 * throw) skips to `onError` — for a flat list, without a router: the filters and the direct
 * routes need nothing more.
 */
import type { ApiHandler, ApiRequest, ApiResponse } from './exchange';

export function runHandlers(
  req: ApiRequest,
  res: ApiResponse,
  handlers: readonly ApiHandler[],
  onError: (err: unknown) => void,
): void {
  let i = 0;
  const step = (err?: unknown): void => {
    if (err !== undefined && err !== null) return onError(err);
    const handler = handlers[i++];
    if (!handler) return;
    try {
      handler(req, res, step);
    } catch (thrown) {
      onError(thrown);
    }
  };
  step();
}
