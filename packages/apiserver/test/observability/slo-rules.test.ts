/**
 * kube-prometheus' apiserver SLO rules read pwk's metrics: every raw metric selector of the
 * availability and burn-rate recording rules — kubernetes-monitoring/kubernetes-mixin
 * rules/kube_apiserver-availability.libsonnet and rules/kube_apiserver-burnrate.libsonnet, which
 * kube-prometheus renders into manifests/kubernetesControlPlane-prometheusRule.yaml — with the
 * mixin's default config (read/write verb selectors, the non-streaming subresource selector, the
 * 1 s / 5 s / 30 s read and 1 s write latency buckets), is evaluated against pwk's exposition.
 * `job="apiserver"` is left out: Prometheus adds `job` from the scrape target, the server does not
 * expose it. Selectors of 5xx series select nothing on a healthy server; for them the test checks
 * that every label they match on exists on the family, so they select 5xx answers once there are.
 */
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';
import { parseExposition, samples } from '../support/exposition';
import type { Exposition } from '../support/exposition';
import { parseSelector, select } from '../support/promql-selector';

const READ = 'verb=~"LIST|GET"';
const WRITE = 'verb=~"POST|PUT|PATCH|DELETE"';
const NON_STREAMING = 'subresource!~"proxy|attach|log|exec|portforward"';

/** The raw selectors, as the rules spell them (config substituted). */
const AVAILABILITY = [
  'apiserver_request_sli_duration_seconds_bucket',
  `apiserver_request_total{${READ}}`,
  `apiserver_request_total{${WRITE}}`,
  'apiserver_request_total{verb=~"LIST|GET|POST|PUT|PATCH|DELETE",code=~"2.."}',
  'apiserver_request_total{verb=~"LIST|GET|POST|PUT|PATCH|DELETE",code=~"4.."}',
];
const BURNRATE = [
  `apiserver_request_sli_duration_seconds_count{${READ},${NON_STREAMING}}`,
  `apiserver_request_sli_duration_seconds_bucket{${READ},${NON_STREAMING},scope=~"resource|",le="1"}`,
  `apiserver_request_sli_duration_seconds_bucket{${READ},${NON_STREAMING},scope="namespace",le="5"}`,
  `apiserver_request_sli_duration_seconds_bucket{${READ},${NON_STREAMING},scope="cluster",le="30"}`,
  `apiserver_request_total{${READ}}`,
  `apiserver_request_sli_duration_seconds_count{${WRITE},${NON_STREAMING}}`,
  `apiserver_request_sli_duration_seconds_bucket{${WRITE},${NON_STREAMING},le="1"}`,
  `apiserver_request_total{${WRITE}}`,
];
/** Selectors of error series: empty on a healthy server. */
const ERRORS = [
  'apiserver_request_total{verb=~"LIST|GET|POST|PUT|PATCH|DELETE",code=~"5.."}',
  'apiserver_request_total{verb=~"LIST|GET|POST|PUT|PATCH|DELETE",code=~"3.."}',
  `apiserver_request_total{${READ},code=~"5.."}`,
  `apiserver_request_total{${WRITE},code=~"5.."}`,
];
/** What the rules aggregate by (`sum by (…)`), which must be labels of the series. */
const GROUPED_BY: Record<string, string[]> = {
  apiserver_request_total: ['code', 'verb', 'resource'],
  apiserver_request_sli_duration_seconds_bucket: ['verb', 'scope', 'le'],
  apiserver_request_sli_duration_seconds_count: ['verb', 'scope'],
};

const FOOS = '/apis/bar.pwk.educative.io/v1beta1/namespaces/default/foos';

describe('kube-prometheus apiserver SLO rules over pwk’s metrics', () => {
  let server: TestServer;
  let exposition: Exposition;

  beforeAll(async () => {
    server = await startTestServer();
    const body = {
      apiVersion: 'bar.pwk.educative.io/v1beta1',
      kind: 'Foo',
      metadata: { name: 'slo' },
      spec: { replicas: 1 },
    };
    expect((await server.request('POST', FOOS, { body })).status).toBe(201);
    expect((await server.request('GET', `${FOOS}/slo`)).status).toBe(200);
    expect((await server.request('GET', `${FOOS}/nothing`)).status).toBe(404);
    expect((await server.request('GET', FOOS)).status).toBe(200);
    expect((await server.request('GET', '/apis/bar.pwk.educative.io/v1beta1/foos')).status).toBe(200);
    const patch = await server.request('PATCH', `${FOOS}/slo`, {
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { spec: { replicas: 2 } },
    });
    expect(patch.status).toBe(200);
    expect((await server.request('DELETE', `${FOOS}/slo`)).status).toBe(200);
    exposition = parseExposition((await server.request('GET', '/metrics')).text);
  });
  afterAll(() => server.stop());

  it.each([...AVAILABILITY, ...BURNRATE])('%s selects pwk’s series', (selector) => {
    expect(select(exposition, parseSelector(selector)).length).toBeGreaterThan(0);
  });

  it.each(ERRORS)('%s matches on labels pwk’s series carry', (text) => {
    const selector = parseSelector(text);
    const family = samples(exposition, selector.name);
    expect(family.length).toBeGreaterThan(0);
    for (const matcher of selector.matchers) expect(Object.keys(family[0]!.labels)).toContain(matcher.label);
  });

  it.each(Object.entries(GROUPED_BY))('%s carries the labels the rules sum by', (name, labels) => {
    for (const sample of samples(exposition, name)) {
      for (const label of labels) expect(Object.keys(sample.labels)).toContain(label);
    }
  });

  it('splits reads by the scopes whose latency targets differ', () => {
    const scopes = (verb: string) =>
      new Set(
        select(exposition, parseSelector(`apiserver_request_sli_duration_seconds_count{verb="${verb}"}`)).map(
          (s) => s.labels.scope,
        ),
      );
    expect(scopes('GET')).toEqual(new Set(['resource']));
    expect(scopes('LIST')).toEqual(new Set(['namespace', 'cluster']));
  });
});
