/**
 * deploy/components: the monitoring component (metrics Services, kube-prometheus ServiceMonitors,
 * the Grafana dashboard) and the audit component (the example policy, mounted and passed to the
 * apiserver) render onto the overlays, point at what exists, and the dashboard asks only for
 * metrics the binaries expose.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { createApiserverMetrics } from '../../apiserver/src/observability/metrics/apiserver-metrics';
import { loadAuditPolicy } from '../../apiserver/src/observability/audit/policy';
import { createMetrics } from '../../controller/src/metrics';
import { flagName, flagsOf, flagValue } from '../src/binary-flags';
import { deployCopyWithCerts, REPO_ROOT } from '../src/deploy-fixture';
import type { DeployCopy } from '../src/deploy-fixture';
import { field, findObject, kustomize } from '../src/kube-objects';
import type { KubeObject } from '../src/kube-objects';
import { validateObject } from '../src/schema-validation';

const COMPONENTS = path.join(REPO_ROOT, 'deploy/components');
let copy: DeployCopy;
const rendered: Record<string, KubeObject[]> = {};

/** An overlay in the deploy copy: `base` plus both components. */
function withComponents(base: string): KubeObject[] {
  const dir = path.join(copy.dir, 'overlays', `with-components-${base}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'kustomization.yaml'),
    stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [`../${base}`],
      components: ['../../components/monitoring', '../../components/audit'],
    }),
  );
  return kustomize(dir);
}

beforeAll(() => {
  copy = deployCopyWithCerts();
  rendered.default = withComponents('default');
  rendered['dev-insecure'] = withComponents('dev-insecure');
});
afterAll(() => rmSync(path.dirname(copy.dir), { recursive: true, force: true }));

const labelsMatch = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe.each(['default', 'dev-insecure'])('the components on the %s overlay', (overlay) => {
  const objects = () => rendered[overlay]!;

  it('render, and every Kubernetes object passes the schemas (ServiceMonitors are CRDs: checked below)', () => {
    const builtin = objects().filter((o) => o.kind !== 'ServiceMonitor');
    expect(builtin.flatMap(validateObject)).toEqual([]);
    expect(
      objects()
        .filter((o) => o.kind === 'ServiceMonitor')
        .map((o) => o.metadata.name),
    ).toEqual(['pwk-apiserver', 'pwk-controller']);
  });

  it.each([
    ['pwk-apiserver', 'https-metrics', 'https'],
    ['pwk-controller', 'http-metrics', 'http'],
  ])(
    '%s: the ServiceMonitor selects a Service whose port reaches the pod’s metrics port',
    (name, port, scheme) => {
      const monitor = findObject(objects(), 'ServiceMonitor', name);
      const selector = field<Record<string, string>>(monitor, 'spec', 'selector', 'matchLabels');
      const services = objects().filter(
        (o) => o.kind === 'Service' && labelsMatch(selector, o.metadata.labels as Record<string, string>),
      );
      expect(services.map((s) => s.metadata.name)).toEqual([`${name}-metrics`]);
      const service = services[0]!;
      expect(field<string[]>(monitor, 'spec', 'namespaceSelector', 'matchNames')).toEqual([
        service.metadata.namespace,
      ]);
      const endpoint = field<Array<Record<string, unknown>>>(monitor, 'spec', 'endpoints')[0]!;
      expect(endpoint).toMatchObject({ port, path: '/metrics' });
      expect(endpoint.scheme ?? 'http').toBe(scheme);
      const servicePort = field<Array<{ name: string; targetPort: string }>>(service, 'spec', 'ports').find(
        (p) => p.name === port,
      )!;
      const deployment = findObject(objects(), 'Deployment', name);
      const podLabels = field<Record<string, string>>(deployment, 'spec', 'template', 'metadata', 'labels');
      expect(labelsMatch(field(service, 'spec', 'selector'), podLabels)).toBe(true);
      const ports = field<Array<{ containerPort: number; name: string }>>(
        deployment,
        'spec',
        'template',
        'spec',
        'containers',
        0,
        'ports',
      );
      expect(ports.map((p) => p.name)).toContain(servicePort.targetPort);
    },
  );

  it('verifies the apiserver with the CA in its serving-certificate Secret, under a name the certificate carries', () => {
    const endpoint = field<Array<Record<string, unknown>>>(
      findObject(objects(), 'ServiceMonitor', 'pwk-apiserver'),
      'spec',
      'endpoints',
    )[0]!;
    const tls = endpoint.tlsConfig as { serverName: string; ca: { secret: { name: string; key: string } } };
    if (overlay === 'default') {
      const secret = findObject(objects(), 'Secret', tls.ca.secret.name);
      expect(Object.keys(field<Record<string, string>>(secret, 'data'))).toContain(tls.ca.secret.key);
    }
    const service = findObject(objects(), 'Service', 'pwk-apiserver');
    expect(tls.serverName).toBe(`${service.metadata.name}.${service.metadata.namespace}.svc`);
  });

  it('mounts the example audit policy and points --audit-policy-file at it, logging to stdout', async () => {
    const deployment = findObject(objects(), 'Deployment', 'pwk-apiserver');
    const spec = field<Record<string, unknown>>(deployment, 'spec', 'template', 'spec');
    const c = (
      spec.containers as Array<{ args: string[]; volumeMounts: Array<{ name: string; mountPath: string }> }>
    )[0]!;
    const known = flagsOf(path.join(REPO_ROOT, 'packages/apiserver/dist/main.js'));
    for (const arg of c.args) expect(known.has(flagName(arg))).toBe(true);
    expect(flagValue(c.args, 'audit-log-path')).toBe('-');
    const policyFile = flagValue(c.args, 'audit-policy-file')!;
    const mount = c.volumeMounts.find((m) => policyFile.startsWith(`${m.mountPath}/`))!;
    const volume = (spec.volumes as Array<{ name: string; configMap?: { name: string } }>).find(
      (v) => v.name === mount.name,
    )!;
    const configMap = findObject(objects(), 'ConfigMap', volume.configMap!.name);
    const text = field<Record<string, string>>(configMap, 'data')[path.basename(policyFile)]!;
    // The policy pwk will read is one pwk accepts.
    const tmp = path.join(path.dirname(copy.dir), 'audit-policy.yaml');
    writeFileSync(tmp, text);
    const policy = await loadAuditPolicy(tmp);
    expect(policy.rules.at(-1)).toEqual({ level: 'Metadata' });
  });

  it('ships the dashboard as a ConfigMap for Grafana’s sidecar', () => {
    const configMap = findObject(objects(), 'ConfigMap', 'pwk-grafana-dashboard');
    expect(configMap.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    const dashboard = JSON.parse(field<Record<string, string>>(configMap, 'data')['pwk.json']!) as {
      uid: string;
    };
    expect(dashboard.uid).toBe('pwk-overview');
  });
});

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(
    readFileSync(path.join(COMPONENTS, 'monitoring/dashboards/pwk.json'), 'utf8'),
  ) as {
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  };
  const PROMQL_WORDS = new Set([
    'sum',
    'by',
    'rate',
    'max',
    'histogram_quantile',
    'le',
    'or',
    'without',
    'on',
  ]);

  /** The metric names an expression selects: identifiers followed by a selector or a range. */
  const metricNames = (expr: string): string[] =>
    [...expr.replace(/"[^"]*"/g, '""').matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=\{|\[)/g)]
      .map((m) => m[1]!)
      .filter((name) => !PROMQL_WORDS.has(name));

  /** Every family the binaries expose (both storage backends), with histograms' series names. */
  const exposed = async (): Promise<Set<string>> => {
    const texts = [
      await createApiserverMetrics({ storage: 'file' }).registry.metrics(),
      await createApiserverMetrics({ storage: 'etcd', processMetrics: false }).registry.metrics(),
      await createMetrics({
        queue: { depth: () => 0, processingStartedAt: () => [], now: Date.now },
        maxConcurrentReconciles: 1,
        processMetrics: true,
      }).registry.metrics(),
    ];
    const names = new Set<string>();
    for (const text of texts) {
      for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
        names.add(name!);
        if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${name}${s}`);
      }
    }
    return names;
  };

  it('asks only for metrics pwk-apiserver and pwk-controller expose', async () => {
    const names = await exposed();
    const used = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr)));
    expect(used.length).toBeGreaterThan(20);
    expect(used.filter((name) => !names.has(name))).toEqual([]);
  });

  it('would notice a renamed metric', () => {
    expect(metricNames('sum(rate(pwk_controller_reconcile_total{x="y"}[5m]))')).toEqual([
      'pwk_controller_reconcile_total',
    ]);
  });

  it('covers what the issue asks of it: rates, latency, errors, storage, objects, watchers and the controller', () => {
    const used = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr))));
    for (const name of [
      'apiserver_request_total',
      'apiserver_request_sli_duration_seconds_bucket',
      'apiserver_storage_request_duration_seconds_bucket',
      'etcd_request_duration_seconds_bucket',
      'apiserver_storage_objects',
      'apiserver_registered_watchers',
      'controller_runtime_reconcile_total',
      'controller_runtime_reconcile_errors_total',
      'workqueue_depth',
    ]) {
      expect(used).toContain(name);
    }
  });
});
