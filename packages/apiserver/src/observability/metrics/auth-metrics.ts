/**
 * Authentication and authorization metrics with kube-apiserver's names
 * (k8s.io/apiserver/pkg/endpoints/filters/metrics.go, pkg/authorization/metrics,
 * pkg/server/options' delegated authn/authz, the token cache's request counter):
 * authentication_attempts, authentication_duration_seconds, authenticated_user_requests,
 * apiserver_authorization_decisions_total, apiserver_delegated_authn/authz_request_total and
 * _duration_seconds, authentication_token_cache_request_total. The SubjectAccessReview cache has
 * no kube counterpart: pwk_authorization_cache_requests_total.
 */
import type { Registry } from 'prom-client';
import type { DecidedBy, Decision } from '../../auth/authorizer';
import type { ReviewMetrics } from '../../auth/review-metrics';
import { exponentialBuckets } from './buckets';
import { FastCounter, FastHistogram } from './fast-series';
import type { CounterChild, HistogramChild } from './fast-series';

export type AuthenticationResult = 'success' | 'failure' | 'error';

/** kube's compressUsername: known internal identities as they are, e-mails and others lumped. */
export function compressUsername(name: string): string {
  if (
    ['admin', 'client', 'kube_proxy', 'kubelet', 'system:serviceaccount:kube-system:default'].includes(name)
  )
    return name;
  return name.includes('@') ? 'email_id' : 'other';
}

const DELEGATED_BUCKETS = [0.25, 0.5, 0.7, 1, 1.5, 3, 5, 10];

function reviewMetrics(registry: Registry, kind: 'authn' | 'authz', cache: FastCounter): ReviewMetrics {
  const total = new FastCounter(
    `apiserver_delegated_${kind}_request_total`,
    `Number of HTTP requests partitioned by status code.`,
    ['code'],
    registry,
  );
  const duration = new FastHistogram({
    name: `apiserver_delegated_${kind}_request_duration_seconds`,
    help: 'Request latency in seconds. Broken down by status code.',
    labelNames: ['code'],
    buckets: DELEGATED_BUCKETS,
    registry,
  });
  const hit = cache.child(['hit']);
  const miss = cache.child(['miss']);
  return {
    observeCall: ({ code, seconds }) => {
      total.child([code]).inc();
      duration.child([code]).observe(seconds);
    },
    observeCache: (status) => (status === 'hit' ? hit : miss).inc(),
  };
}

export class AuthMetrics {
  private readonly attempts: Record<AuthenticationResult, CounterChild>;
  private readonly durations: Record<AuthenticationResult, HistogramChild>;
  private readonly users: FastCounter;
  private readonly userChildren = new Map<string, CounterChild>();
  private readonly decisions: FastCounter;
  private readonly decisionChildren = new Map<string, CounterChild>();
  readonly tokenReview: ReviewMetrics;
  readonly accessReview: ReviewMetrics;

  constructor(registry: Registry) {
    const attempts = new FastCounter(
      'authentication_attempts',
      'Counter of authenticated attempts.',
      ['result'],
      registry,
    );
    const durations = new FastHistogram({
      name: 'authentication_duration_seconds',
      help: 'Authentication duration in seconds broken out by result.',
      labelNames: ['result'],
      buckets: exponentialBuckets(0.001, 2, 15),
      registry,
    });
    const results: AuthenticationResult[] = ['success', 'failure', 'error'];
    this.attempts = Object.fromEntries(
      results.map((r) => [r, attempts.child([r])]),
    ) as AuthMetrics['attempts'];
    this.durations = Object.fromEntries(
      results.map((r) => [r, durations.child([r])]),
    ) as AuthMetrics['durations'];
    this.users = new FastCounter(
      'authenticated_user_requests',
      'Counter of authenticated requests broken out by username.',
      ['username'],
      registry,
    );
    this.decisions = new FastCounter(
      'apiserver_authorization_decisions_total',
      'Total number of terminal decisions made by an authorizer split by authorizer type, name, and decision.',
      ['type', 'name', 'decision'],
      registry,
    );
    const tokenCache = new FastCounter(
      'authentication_token_cache_request_total',
      'Number of TokenReview answers asked of the token cache, by hit or miss.',
      ['status'],
      registry,
    );
    const accessCache = new FastCounter(
      'pwk_authorization_cache_requests_total',
      'Number of SubjectAccessReview answers asked of the decision cache, by hit or miss.',
      ['status'],
      registry,
    );
    this.tokenReview = reviewMetrics(registry, 'authn', tokenCache);
    this.accessReview = reviewMetrics(registry, 'authz', accessCache);
  }

  /** kube's WithAuthentication: the attempt's result and duration, and who it was. */
  authenticated(result: AuthenticationResult, seconds: number, username?: string): void {
    this.attempts[result].inc();
    this.durations[result].observe(seconds);
    if (username === undefined) return;
    const compressed = compressUsername(username);
    let child = this.userChildren.get(compressed);
    if (!child) {
      child = this.users.child([compressed]);
      this.userChildren.set(compressed, child);
    }
    child.inc();
  }

  /** A decision of the union, by the authorizer that made it. */
  decided(decision: Decision): void {
    const by: DecidedBy = decision.by ?? { type: 'AlwaysDeny', name: 'unknown' };
    const verdict = decision.allowed ? 'allowed' : 'denied';
    const key = `${by.type} ${by.name} ${verdict}`;
    let child = this.decisionChildren.get(key);
    if (!child) {
      child = this.decisions.child([by.type, by.name, verdict]);
      this.decisionChildren.set(key, child);
    }
    child.inc();
  }
}
