/**
 * At most so many requests at once, read-only and mutating counted apart (k8s' --max-requests-
 * inflight / --max-mutating-requests-inflight): beyond, 429 TooManyRequests with Retry-After: 1,
 * so a burst degrades into client retries instead of memory growth. Watches are long-running and
 * not counted. As in k8s, system:masters is never refused (it is served without taking a slot).
 */
import type { ApiRequest, ApiResponse, Next } from './exchange';
import { PRIVILEGED_GROUP } from '../auth/authorizer';
import { READ_ONLY_VERBS } from '../auth/request-attributes';
import type { UserInfo } from '../auth/user';
import { StatusError } from '../errors/status-error';
import { markTerminated } from './instrument-requests';
import { attributesOf, isLongRunning } from './request-info';

export interface MaxInFlightOptions {
  /** 0: no limit. */
  readOnly: number;
  /** 0: no limit. */
  mutating: number;
}

export function maxInFlight(options: MaxInFlightOptions) {
  const inFlight = { readOnly: 0, mutating: 0 };
  return (req: ApiRequest, res: ApiResponse, next: Next): void => {
    const attributes = attributesOf(req, res);
    if (isLongRunning(attributes)) return next();
    const kind = READ_ONLY_VERBS.has(attributes.verb) ? 'readOnly' : 'mutating';
    const limit = options[kind];
    if (limit <= 0) return next();
    if (inFlight[kind] >= limit) {
      const user = res.locals.user as UserInfo | undefined;
      if (user?.groups.includes(PRIVILEGED_GROUP)) return next();
      markTerminated(res, 429);
      return next(StatusError.tooManyRequests(1));
    }
    inFlight[kind] += 1;
    // 'close' comes once, whether the answer was sent or the client went away.
    res.once('close', () => {
      inFlight[kind] -= 1;
    });
    next();
  };
}
