/**
 * /metrics serves kube-apiserver's request metrics with kube's names, label sets and buckets, so
 * dashboards and the kube-prometheus SLO rules read pwk as they read a kube-apiserver; reading it
 * is authorized as kube does (a non-resource `get /metrics`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FOOS, foo, startSecureServer } from '../security/secure-server';
import type { SecureServer } from '../security/secure-server';
import { parseExposition, sampleSum, samples } from '../support/exposition';
import type { Exposition } from '../support/exposition';

const ADMIN = 'admin-token';
const MONITOR = 'monitor-token';
const NOBODY = 'nobody-token';
const GROUP = 'bar.pwk.educative.io';

const REQUEST_LABELS = ['component', 'group', 'resource', 'scope', 'subresource', 'verb', 'version'];
/** Each family's label names exactly as kube-apiserver declares them (histograms add `le`). */
const LABEL_SETS: Record<string, string[]> = {
  apiserver_request_total: [...REQUEST_LABELS, 'code', 'dry_run'],
  apiserver_request_duration_seconds_bucket: [...REQUEST_LABELS, 'dry_run', 'le'],
  apiserver_request_sli_duration_seconds_bucket: [...REQUEST_LABELS, 'le'],
  apiserver_request_slo_duration_seconds_bucket: [...REQUEST_LABELS, 'le'],
  apiserver_response_sizes_bucket: [...REQUEST_LABELS, 'le'],
  apiserver_current_inflight_requests: ['request_kind'],
  apiserver_longrunning_requests: REQUEST_LABELS,
  apiserver_watch_events_total: ['group', 'kind', 'version'],
  apiserver_watch_events_sizes_bucket: ['group', 'kind', 'le', 'version'],
  apiserver_registered_watchers: ['group', 'kind', 'version'],
};

const policy = (spec: object) =>
  JSON.stringify({ apiVersion: 'abac.authorization.kubernetes.io/v1beta1', kind: 'Policy', spec });

describe('request metrics', () => {
  let dir: string;
  let pwk: SecureServer;
  let exposition: Exposition;

  const scrape = async (): Promise<Exposition> => {
    const res = await pwk.request('GET', '/metrics', { token: ADMIN });
    expect(res.status).toBe(200);
    return parseExposition(res.text);
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-metrics-'));
    await writeFile(
      path.join(dir, 'tokens.csv'),
      [`${ADMIN},admin,1,"system:masters"`, `${MONITOR},prometheus,2`, `${NOBODY},nobody,3`].join('\n'),
    );
    await writeFile(
      path.join(dir, 'policies.jsonl'),
      policy({ user: 'prometheus', nonResourcePath: '/metrics', readonly: true }),
    );
    pwk = await startSecureServer({
      flags: [`--token-auth-file=${dir}/tokens.csv`, `--authorization-policy-file=${dir}/policies.jsonl`],
    });
    // One of each verb kube reports, each exactly once.
    expect((await pwk.request('POST', FOOS, { token: ADMIN, body: foo('a') })).status).toBe(201);
    expect((await pwk.request('POST', `${FOOS}?dryRun=All`, { token: ADMIN, body: foo('b') })).status).toBe(
      201,
    );
    expect((await pwk.request('GET', `${FOOS}/a`, { token: ADMIN })).status).toBe(200);
    expect((await pwk.request('GET', `${FOOS}/missing`, { token: ADMIN })).status).toBe(404);
    expect((await pwk.request('GET', FOOS, { token: ADMIN })).status).toBe(200);
    expect((await pwk.request('GET', `/apis/${GROUP}/v1beta1/foos`, { token: ADMIN })).status).toBe(200);
    const apply = await pwk.request('PATCH', `${FOOS}/a?fieldManager=test&force=true`, {
      token: ADMIN,
      headers: { 'content-type': 'application/apply-patch+yaml' },
      body: JSON.stringify(foo('a', { replicas: 2 })),
    });
    expect(apply.status).toBe(200);
    const watch = await pwk.request('GET', `${FOOS}?watch=true&timeoutSeconds=1`, { token: ADMIN });
    expect(watch.status).toBe(200);
    expect((await pwk.request('DELETE', `${FOOS}/a`, { token: ADMIN })).status).toBe(200);
    exposition = await scrape();
  });

  afterAll(async () => {
    await pwk?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const request = (labels: Record<string, string>) => ({
    dry_run: '',
    group: GROUP,
    version: 'v1beta1',
    resource: 'foos',
    subresource: '',
    component: 'apiserver',
    ...labels,
  });

  it.each(Object.entries(LABEL_SETS))('gives every %s sample exactly kube’s labels', (name, labels) => {
    const found = samples(exposition, name);
    expect(found.length).toBeGreaterThan(0);
    for (const sample of found) expect(Object.keys(sample.labels).sort()).toEqual([...labels].sort());
  });

  it('counts each request once, with the verb, scope and code kube reports', () => {
    const count = (labels: Record<string, string>) =>
      sampleSum(exposition, 'apiserver_request_total', request(labels));
    expect(count({ verb: 'POST', scope: 'resource', code: '201' })).toBe(1);
    expect(count({ verb: 'POST', scope: 'resource', code: '201', dry_run: 'All' })).toBe(1);
    expect(count({ verb: 'GET', scope: 'resource', code: '200' })).toBe(1);
    expect(count({ verb: 'GET', scope: 'resource', code: '404' })).toBe(1);
    expect(count({ verb: 'LIST', scope: 'namespace', code: '200' })).toBe(1);
    expect(count({ verb: 'LIST', scope: 'cluster', code: '200' })).toBe(1);
    expect(count({ verb: 'APPLY', scope: 'resource', code: '200' })).toBe(1);
    expect(count({ verb: 'WATCH', scope: 'namespace', code: '200' })).toBe(1);
    expect(count({ verb: 'DELETE', scope: 'resource', code: '200' })).toBe(1);
  });

  it('leaves watches out of the SLI latency but not out of the request duration', () => {
    const watch = request({ verb: 'WATCH', scope: 'namespace' });
    delete (watch as Record<string, string>).dry_run;
    expect(sampleSum(exposition, 'apiserver_request_duration_seconds_count', { ...watch, dry_run: '' })).toBe(
      1,
    );
    expect(samples(exposition, 'apiserver_request_sli_duration_seconds_count', watch)).toEqual([]);
    const get = request({ verb: 'GET', scope: 'resource' });
    delete (get as Record<string, string>).dry_run;
    expect(sampleSum(exposition, 'apiserver_request_sli_duration_seconds_count', get)).toBe(2);
  });

  it('uses kube’s buckets', () => {
    const les = (name: string) => [...new Set(samples(exposition, name).map((s) => s.labels.le))];
    expect(les('apiserver_request_duration_seconds_bucket')).toEqual(
      [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60]
        .map(String)
        .concat('+Inf'),
    );
    expect(les('apiserver_request_sli_duration_seconds_bucket')).toEqual(
      [0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60]
        .map(String)
        .concat('+Inf'),
    );
    expect(les('apiserver_response_sizes_bucket')).toEqual([
      '1000',
      '10000',
      '100000',
      '1000000',
      '10000000',
      '100000000',
      '1000000000',
      '+Inf',
    ]);
  });

  it('observes the size of GET and LIST answers only', () => {
    const sizes = samples(exposition, 'apiserver_response_sizes_count').map((s) => s.labels.verb);
    expect(new Set(sizes)).toEqual(new Set(['GET', 'LIST']));
    const get = sampleSum(exposition, 'apiserver_response_sizes_sum', {
      verb: 'GET',
      scope: 'resource',
    });
    expect(get).toBeGreaterThan(100);
  });

  it('does not count scrapes or health checks, nor resources it does not serve', async () => {
    expect((await pwk.request('GET', '/healthz', { token: ADMIN })).status).toBe(200);
    expect(
      (await pwk.request('GET', `/apis/${GROUP}/v1beta1/namespaces/default/bars`, { token: ADMIN })).status,
    ).toBe(404);
    const after = await scrape();
    const all = samples(after, 'apiserver_request_total');
    expect(all.filter((s) => s.labels.resource === 'bars')).toEqual([]);
    expect(sampleSum(after, 'apiserver_request_total', { scope: '' })).toBe(0);
  });

  it('reports the watch it served in the watch and long-running metrics', () => {
    const type = { group: GROUP, version: 'v1beta1', kind: 'Foo' };
    // The watch saw ADDED a … DELETED a? It ended before the delete: ADDED and MODIFIED at least.
    expect(sampleSum(exposition, 'apiserver_watch_events_total', type)).toBeGreaterThanOrEqual(1);
    expect(sampleSum(exposition, 'apiserver_registered_watchers', type)).toBe(0);
    expect(sampleSum(exposition, 'apiserver_longrunning_requests', { verb: 'WATCH', resource: 'foos' })).toBe(
      0,
    );
  });

  it('serves Node’s process metrics', () => {
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_gc_duration_seconds_count',
    ]) {
      expect(exposition.has(name.replace(/_count$/, ''))).toBe(true);
    }
  });

  describe('who may read /metrics', () => {
    it('refuses an anonymous scrape with 401', async () => {
      expect((await pwk.request('GET', '/metrics')).status).toBe(401);
    });

    it('refuses a user without a grant with 403 and kube’s message', async () => {
      const res = await pwk.request('GET', '/metrics', { token: NOBODY });
      expect(res.status).toBe(403);
      expect(res.json()).toMatchObject({ message: 'forbidden: User "nobody" cannot get path "/metrics"' });
    });

    it('lets a user granted get /metrics by the policy file read it', async () => {
      const res = await pwk.request('GET', '/metrics', { token: MONITOR });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    });

    it('labels each decision with the authorizer of the union that made it', async () => {
      const scraped = parseExposition((await pwk.request('GET', '/metrics', { token: MONITOR })).text);
      const decisions = (type: string, name: string, decision: string) =>
        sampleSum(scraped, 'apiserver_authorization_decisions_total', { type, name, decision });
      expect(decisions('Privileged', 'privileged', 'allowed')).toBeGreaterThanOrEqual(10);
      // The monitor's scrape above and this one.
      expect(decisions('ABAC', 'abac', 'allowed')).toBe(2);
      expect(decisions('AlwaysDeny', 'standalone', 'denied')).toBe(1);
      expect(sampleSum(scraped, 'authentication_attempts', { result: 'failure' })).toBe(1);
    });
  });
});
