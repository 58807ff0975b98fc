/**
 * Bearer tokens checked by the kube-apiserver: POST authentication.k8s.io/v1 TokenReview, as k8s'
 * webhook token authenticator does. Answers (authenticated or not) are cached for the TTL under an
 * HMAC of the token — never the token itself — and concurrent requests with one token share one
 * review. Failed calls (network, non-2xx) are not cached: the next request asks again.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { KubeClient } from './kube-client';
import { timedReview } from './review-metrics';
import type { ReviewMetrics } from './review-metrics';
import { TtlCache } from './ttl-cache';
import type { UserInfo } from './user';
import { withAuthenticatedGroup } from './user';

export const TOKEN_REVIEW_PATH = '/apis/authentication.k8s.io/v1/tokenreviews';

export interface TokenReviewOptions {
  client: KubeClient;
  ttlMs: number;
  now?: () => number;
  maxEntries?: number;
  metrics?: ReviewMetrics;
}

/** The user a token belongs to, or undefined when the kube-apiserver says it is not valid. Throws when it cannot tell. */
export type TokenReviewer = (token: string) => Promise<UserInfo | undefined>;

interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  error?: string;
}

export function createTokenReviewer(options: TokenReviewOptions): TokenReviewer {
  const cache = new TtlCache<UserInfo | null>({
    maxEntries: options.maxEntries ?? 10_000,
    now: options.now ?? Date.now,
  });
  const inFlight = new Map<string, Promise<UserInfo | undefined>>();
  // A per-process key: cache keys reveal nothing about tokens even in a heap dump.
  const hmacKey = randomBytes(32);

  const review = async (token: string): Promise<UserInfo | undefined> => {
    const answer = await timedReview(options.metrics, () =>
      options.client.request({
        method: 'POST',
        path: TOKEN_REVIEW_PATH,
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenReview',
          metadata: { creationTimestamp: null },
          spec: { token },
          status: {},
        },
      }),
    );
    const status = ((answer as { status?: TokenReviewStatus }).status ?? {}) as TokenReviewStatus;
    if (status.authenticated !== true) return undefined;
    const user = status.user ?? {};
    if (!user.username) return undefined;
    const info: UserInfo = { name: user.username, groups: [...(user.groups ?? [])] };
    if (user.uid) info.uid = user.uid;
    if (user.extra && Object.keys(user.extra).length > 0) info.extra = user.extra;
    return info;
  };

  return async (token) => {
    const key = createHmac('sha256', hmacKey).update(token).digest('base64');
    const cached = cache.get(key);
    options.metrics?.observeCache?.(cached !== undefined ? 'hit' : 'miss');
    if (cached !== undefined) return cached === null ? undefined : withAuthenticatedGroup(cached);
    let pending = inFlight.get(key);
    if (!pending) {
      pending = review(token).then((user) => {
        cache.set(key, user ?? null, options.ttlMs);
        return user;
      });
      inFlight.set(key, pending);
      void pending.then(
        () => inFlight.delete(key),
        () => inFlight.delete(key),
      );
    }
    const user = await pending;
    return user && withAuthenticatedGroup(user);
  };
}
