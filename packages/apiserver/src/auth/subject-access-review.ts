/**
 * Authorization asked of the kube-apiserver: POST authorization.k8s.io/v1 SubjectAccessReview
 * with the user and what the request does, as k8s' webhook authorizer sends it. "Allowed" and
 * "not allowed" answers are cached separately (the aggregator's availability probe and kubectl's
 * bursts repeat the same question); failed calls are not cached and surface as errors.
 */
import type { Authorizer, DecidedBy, Decision } from './authorizer';
import type { KubeClient } from './kube-client';
import { timedReview } from './review-metrics';
import type { ReviewMetrics } from './review-metrics';
import type { RequestAttributes } from './request-attributes';
import { TtlCache } from './ttl-cache';
import type { UserInfo } from './user';

export const SUBJECT_ACCESS_REVIEW_PATH = '/apis/authorization.k8s.io/v1/subjectaccessreviews';

export interface SubjectAccessReviewOptions {
  client: KubeClient;
  allowedTtlMs: number;
  deniedTtlMs: number;
  now?: () => number;
  maxEntries?: number;
  metrics?: ReviewMetrics;
}

const WEBHOOK: DecidedBy = { type: 'Webhook', name: 'webhook' };

interface ReviewStatus {
  allowed?: boolean;
  denied?: boolean;
  reason?: string;
}

export function createSubjectAccessReviewer(options: SubjectAccessReviewOptions): Authorizer {
  const cache = new TtlCache<Decision>({
    maxEntries: options.maxEntries ?? 10_000,
    now: options.now ?? Date.now,
  });
  return async (user, attributes) => {
    const spec = reviewSpec(user, attributes);
    // The whole question is the key, as k8s' webhook authorizer keys its cache.
    const key = JSON.stringify(spec);
    const cached = cache.get(key);
    options.metrics?.observeCache?.(cached ? 'hit' : 'miss');
    if (cached) return cached;
    const answer = await timedReview(options.metrics, () =>
      options.client.request({
        method: 'POST',
        path: SUBJECT_ACCESS_REVIEW_PATH,
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          metadata: { creationTimestamp: null },
          spec,
          status: { allowed: false },
        },
      }),
    );
    const status = ((answer as { status?: ReviewStatus }).status ?? {}) as ReviewStatus;
    // Denied and "no opinion" are both a no here: there is no other authorizer after this one.
    const decision: Decision =
      status.allowed === true
        ? { allowed: true, reason: status.reason ?? '', by: WEBHOOK }
        : { allowed: false, reason: status.reason ?? '', by: WEBHOOK };
    cache.set(key, decision, decision.allowed ? options.allowedTtlMs : options.deniedTtlMs);
    return decision;
  };
}

/** The SubjectAccessReview spec, with empty fields left out as Go's omitempty does. */
export function reviewSpec(user: UserInfo, attributes: RequestAttributes): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  if (attributes.resourceRequest) {
    spec.resourceAttributes = withoutEmpty({
      namespace: attributes.namespace,
      verb: attributes.verb,
      group: attributes.apiGroup,
      version: attributes.apiVersion,
      resource: attributes.resource,
      subresource: attributes.subresource,
      name: attributes.name,
    });
  } else {
    spec.nonResourceAttributes = withoutEmpty({ path: attributes.path, verb: attributes.verb });
  }
  spec.user = user.name;
  if (user.groups.length > 0) spec.groups = user.groups;
  if (user.extra && Object.keys(user.extra).length > 0) spec.extra = user.extra;
  if (user.uid) spec.uid = user.uid;
  return spec;
}

const withoutEmpty = (fields: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== ''));
