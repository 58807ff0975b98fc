/**
 * Authentication and authorization metrics under kube's names: attempts and their duration by
 * result, requests by (compressed) user, decisions by authorizer and verdict, and — delegated —
 * the TokenReview and SubjectAccessReview calls by code and their caches' hits; `get /metrics`
 * itself is asked of the cluster as a non-resource SubjectAccessReview, as kube does.
 */
import { startFakeKubeApiserver } from '../security/fake-kube-apiserver';
import type { FakeKubeApiserver } from '../security/fake-kube-apiserver';
import { FOOS, startSecureServer } from '../security/secure-server';
import type { SecureServer } from '../security/secure-server';
import { parseExposition, sampleSum } from '../support/exposition';

describe('authentication and authorization metrics, delegated', () => {
  let kube: FakeKubeApiserver;
  let pwk: SecureServer;

  beforeAll(async () => {
    kube = await startFakeKubeApiserver();
    kube.configMapData = undefined;
    kube.tokens.set('monitor-token', { username: 'system:serviceaccount:monitoring:prometheus' });
    kube.tokens.set('alice-token', { username: 'alice@example.com' });
    kube.tokens.set('broken-token', 'error');
    kube.decide = (spec) => {
      const user = String(spec.user);
      const nonResource = spec.nonResourceAttributes as { path?: string; verb?: string } | undefined;
      // system:monitoring's grant: get /metrics.
      if (user.endsWith(':prometheus'))
        return { allowed: nonResource?.path === '/metrics' && nonResource.verb === 'get' };
      return { allowed: false, reason: 'no RBAC rule' };
    };
    pwk = await startSecureServer({ flags: [`--kubeconfig=${kube.kubeconfig}`] });
  });

  afterAll(async () => {
    await pwk?.stop();
    await kube?.close();
  });

  it('lets a user the cluster grants get /metrics scrape, and records what happened on the way', async () => {
    expect((await pwk.request('GET', FOOS, { token: 'alice-token' })).status).toBe(403);
    expect((await pwk.request('GET', FOOS, { token: 'alice-token' })).status).toBe(403);
    expect((await pwk.request('GET', FOOS, { token: 'wrong-token' })).status).toBe(401);
    expect((await pwk.request('GET', FOOS, { token: 'broken-token' })).status).toBe(401);
    expect((await pwk.request('GET', '/metrics', { token: 'alice-token' })).status).toBe(403);
    const res = await pwk.request('GET', '/metrics', { token: 'monitor-token' });
    expect(res.status).toBe(200);
    expect(kube.accessReviews.map((r) => r.spec)).toContainEqual(
      expect.objectContaining({ nonResourceAttributes: { path: '/metrics', verb: 'get' } }),
    );
    const exposition = parseExposition(res.text);

    expect(sampleSum(exposition, 'authentication_attempts', { result: 'success' })).toBe(4);
    expect(sampleSum(exposition, 'authentication_attempts', { result: 'failure' })).toBe(2);
    expect(sampleSum(exposition, 'authentication_duration_seconds_count', { result: 'success' })).toBe(4);
    expect(sampleSum(exposition, 'authenticated_user_requests', { username: 'email_id' })).toBe(3);
    expect(sampleSum(exposition, 'authenticated_user_requests', { username: 'other' })).toBe(1);

    const decisions = (decision: string) =>
      sampleSum(exposition, 'apiserver_authorization_decisions_total', {
        type: 'Webhook',
        name: 'webhook',
        decision,
      });
    expect(decisions('denied')).toBe(3);
    expect(decisions('allowed')).toBe(1);

    // Tokens: alice (miss, then cached twice), wrong and broken (misses), monitor (miss).
    expect(sampleSum(exposition, 'authentication_token_cache_request_total', { status: 'hit' })).toBe(2);
    expect(sampleSum(exposition, 'authentication_token_cache_request_total', { status: 'miss' })).toBe(4);
    expect(sampleSum(exposition, 'apiserver_delegated_authn_request_total', { code: '201' })).toBe(3);
    expect(sampleSum(exposition, 'apiserver_delegated_authn_request_total', { code: '500' })).toBe(1);
    expect(sampleSum(exposition, 'apiserver_delegated_authn_request_duration_seconds_count')).toBe(4);
    // Reviews: alice's foos (asked, then cached), alice's /metrics, the monitor's /metrics.
    expect(sampleSum(exposition, 'apiserver_delegated_authz_request_total', { code: '201' })).toBe(3);
    expect(sampleSum(exposition, 'pwk_authorization_cache_requests_total', { status: 'hit' })).toBe(1);
  });
});
