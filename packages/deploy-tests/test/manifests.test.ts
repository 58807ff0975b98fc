/**
 * deploy/: every kustomization renders, every object passes the Kubernetes schemas, and the
 * pieces point at each other and at what the binaries really serve.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { byVersionPriority, fooKind } from '@pwk/api';
import { flagName, flagsOf, flagValue } from '../src/binary-flags';
import { deployCopyWithCerts, REPO_ROOT } from '../src/deploy-fixture';
import type { DeployCopy } from '../src/deploy-fixture';
import { field, findObject, kustomize } from '../src/kube-objects';
import type { KubeObject } from '../src/kube-objects';
import { validateObject } from '../src/schema-validation';

interface Container {
  name: string;
  args: string[];
  ports: { name: string; containerPort: number }[];
  volumeMounts: { name: string; mountPath: string }[];
  readinessProbe?: { httpGet: { path: string; port: string | number; scheme?: string } };
  livenessProbe?: { httpGet: { path: string; port: string | number; scheme?: string } };
  startupProbe?: { httpGet: { path: string; port: string | number; scheme?: string } };
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext: Record<string, unknown>;
}

const container = (deployment: KubeObject): Container =>
  field<Container[]>(deployment, 'spec', 'template', 'spec', 'containers')[0]!;

const portNumber = (c: Container, port: string | number): number | undefined =>
  typeof port === 'number' ? port : c.ports.find((p) => p.name === port)?.containerPort;

/** `:8081`, `0.0.0.0:8081` → 8081. */
const bindPort = (address: string | undefined): number | undefined =>
  address === undefined ? undefined : Number(address.slice(address.lastIndexOf(':') + 1));

const DEPLOY = path.join(REPO_ROOT, 'deploy');
let certs: DeployCopy;
const renderings: Record<string, KubeObject[]> = {};

beforeAll(() => {
  certs = deployCopyWithCerts();
  renderings['deploy/base'] = kustomize(path.join(DEPLOY, 'base'));
  renderings['deploy/overlays/dev-insecure'] = kustomize(path.join(DEPLOY, 'overlays/dev-insecure'));
  renderings['deploy/overlays/default'] = kustomize(path.join(certs.dir, 'overlays/default'));
  renderings['deploy/'] = kustomize(certs.dir);
  renderings['deploy/overlays/etcd-ha'] = kustomize(path.join(certs.dir, 'overlays/etcd-ha'));
});

afterAll(() => rmSync(path.dirname(certs.dir), { recursive: true, force: true }));

describe('kustomize', () => {
  it('renders the base, every overlay and deploy/ itself, which is the default overlay', () => {
    for (const [name, objects] of Object.entries(renderings))
      expect([name, objects.length > 10]).toEqual([name, true]);
    expect(renderings['deploy/']).toEqual(renderings['deploy/overlays/default']);
  });

  it('refuses to render the default overlay before hack/gen-certs.sh has written its files', () => {
    const copy = deployCopyWithCerts();
    rmSync(copy.generated, { recursive: true });
    expect(() => kustomize(copy.dir)).toThrow(/serving-cert-secret\.yaml/);
    rmSync(path.dirname(copy.dir), { recursive: true });
  });

  it('lays every object in pwk-system except the binding that must live in kube-system', () => {
    const namespaced = renderings['deploy/']!.filter((o) => o.metadata.namespace !== undefined);
    const elsewhere = namespaced.filter((o) => o.metadata.namespace !== 'pwk-system');
    expect(elsewhere.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'RoleBinding/kube-system/pwk-apiserver-authentication-reader',
    ]);
  });
});

describe('schemas', () => {
  it.each([
    'deploy/base',
    'deploy/overlays/dev-insecure',
    'deploy/overlays/default',
    'deploy/overlays/etcd-ha',
  ])('every object %s renders passes the Kubernetes schemas with no unknown field', (name) => {
    expect(renderings[name]!.flatMap(validateObject)).toEqual([]);
  });

  it('catches a wrong type, a missing required field and a misspelt field', () => {
    const deployment = structuredClone(findObject(renderings['deploy/base']!, 'Deployment', 'pwk-apiserver'));
    const c = container(deployment) as unknown as Record<string, unknown>;
    c.ports = [{ name: 'https', containerPort: 'eight' }];
    c.securityContext = { readOnlyRootFileSystem: true };
    delete c.name;
    const problems = validateObject(deployment).join('\n');
    expect(problems).toMatch(/containerPort must be integer/);
    expect(problems).toMatch(/must have required property name/);
    expect(problems).toMatch(/securityContext\.readOnlyRootFileSystem: unknown field/);
  });

  it('knows no schema for a kind Kubernetes does not have', () => {
    const bogus = { apiVersion: 'v1', kind: 'Bogus', metadata: { name: 'x' } };
    expect(validateObject(bogus)).toEqual(['Bogus/x: no schema for v1 Bogus']);
  });
});

describe('the etcd overlay (several apiserver replicas)', () => {
  const objects = () => renderings['deploy/overlays/etcd-ha']!;
  const deployment = () => findObject(objects(), 'Deployment', 'pwk-apiserver');

  it('runs three replicas on etcd and keeps nothing on a volume claim', () => {
    expect(field(deployment(), 'spec', 'replicas')).toBe(3);
    const args = container(deployment()).args;
    expect(flagValue(args, 'storage')).toBe('etcd');
    expect(flagValue(args, 'etcd-servers')).toMatch(/^https?:\/\//);
    expect(flagValue(args, 'data-dir')).toBeUndefined();
    expect(objects().filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
    expect(container(deployment()).volumeMounts.map((m) => m.mountPath)).not.toContain('/data');
  });

  it('keeps a replica serving through rollouts and disruptions: the APIService must never be unavailable', () => {
    expect(field(deployment(), 'spec', 'strategy')).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
    const pdb = findObject(objects(), 'PodDisruptionBudget', 'pwk-apiserver');
    expect(field(pdb, 'spec', 'minAvailable')).toBe(2);
    const podLabels = field<Record<string, string>>(deployment(), 'spec', 'template', 'metadata', 'labels');
    const selector = field<Record<string, string>>(pdb, 'spec', 'selector', 'matchLabels');
    for (const [k, v] of Object.entries(selector)) expect(podLabels[k]).toBe(v);
  });
});

describe('the apiserver', () => {
  const objects = () => renderings['deploy/']!;
  const deployment = () => findObject(objects(), 'Deployment', 'pwk-apiserver');

  it('runs one replica, replaced with Recreate because the file store is locked exclusively', () => {
    expect(field(deployment(), 'spec', 'replicas')).toBe(1);
    expect(field(deployment(), 'spec', 'strategy', 'type')).toBe('Recreate');
  });

  it('keeps its file store on the PersistentVolumeClaim mounted at /data', () => {
    const c = container(deployment());
    expect(flagValue(c.args, 'data-dir')).toBe('/data');
    const mount = c.volumeMounts.find((m) => m.mountPath === '/data')!;
    const volumes = field<{ name: string; persistentVolumeClaim?: { claimName: string } }[]>(
      deployment(),
      'spec',
      'template',
      'spec',
      'volumes',
    );
    const claim = volumes.find((v) => v.name === mount.name)!.persistentVolumeClaim!.claimName;
    expect(findObject(objects(), 'PersistentVolumeClaim', claim).metadata.namespace).toBe('pwk-system');
  });

  it('passes only flags the built pwk-apiserver accepts', () => {
    const known = flagsOf(path.join(REPO_ROOT, 'packages/apiserver/dist/main.js'));
    for (const name of ['deploy/', 'deploy/overlays/dev-insecure', 'deploy/overlays/etcd-ha']) {
      const args = container(findObject(renderings[name]!, 'Deployment', 'pwk-apiserver')).args;
      expect(args.map(flagName).filter((f) => !known.has(f))).toEqual([]);
    }
  });

  it('serves the certificate of the generated Secret, mounted where its flags point', () => {
    const c = container(deployment());
    const volumes = field<{ name: string; secret?: { secretName: string } }[]>(
      deployment(),
      'spec',
      'template',
      'spec',
      'volumes',
    );
    const secretName = volumes.find((v) => v.secret)!.secret!.secretName;
    const secret = findObject(objects(), 'Secret', secretName);
    expect(secret.type).toBe('kubernetes.io/tls');
    const mount = c.volumeMounts.find((m) => m.name === volumes.find((v) => v.secret)!.name)!;
    expect(flagValue(c.args, 'tls-cert-file')).toBe(`${mount.mountPath}/tls.crt`);
    expect(flagValue(c.args, 'tls-private-key-file')).toBe(`${mount.mountPath}/tls.key`);
  });

  it('probes /readyz and /livez over HTTPS on the port it serves (--secure-port)', () => {
    const c = container(deployment());
    const securePort = Number(flagValue(c.args, 'secure-port'));
    expect(c.readinessProbe!.httpGet).toMatchObject({ path: '/readyz', scheme: 'HTTPS' });
    expect(c.livenessProbe!.httpGet).toMatchObject({ path: '/livez', scheme: 'HTTPS' });
    for (const probe of [c.readinessProbe!, c.livenessProbe!, c.startupProbe!]) {
      expect(portNumber(c, probe.httpGet.port)).toBe(securePort);
    }
  });

  it('runs as non-root with a read-only root filesystem, no privilege escalation, and sized resources', () => {
    const c = container(deployment());
    expect(field(deployment(), 'spec', 'template', 'spec', 'securityContext', 'runAsNonRoot')).toBe(true);
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
    expect(Object.keys(c.resources.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(c.resources.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
  });

  it('is selected by the Service, whose target port is the serving port', () => {
    const service = findObject(objects(), 'Service', 'pwk-apiserver');
    const selector = field<Record<string, string>>(service, 'spec', 'selector');
    const podLabels = field<Record<string, string>>(deployment(), 'spec', 'template', 'metadata', 'labels');
    expect(podLabels).toMatchObject(selector);
    const controllerPods = field<Record<string, string>>(
      findObject(objects(), 'Deployment', 'pwk-controller'),
      'spec',
      'template',
      'metadata',
      'labels',
    );
    expect(controllerPods).not.toMatchObject(selector);
    const port = field<{ port: number; targetPort: string | number }[]>(service, 'spec', 'ports')[0]!;
    expect(port.port).toBe(443);
    expect(portNumber(container(deployment()), port.targetPort)).toBe(
      Number(flagValue(container(deployment()).args, 'secure-port')),
    );
  });
});

describe('the APIServices', () => {
  // The kind the apiserver registers (packages/apiserver/src/apis/registered-kinds.ts).
  const GROUP = fooKind.group;
  const served = fooKind.versions.filter((v) => v.served).map((v) => v.name);
  const apiService = (rendering: string, version: string) =>
    findObject(renderings[rendering]!, 'APIService', `${version}.${GROUP}`);

  it('register every served version of @pwk/api, the preferred one with the highest versionPriority', () => {
    const apiServices = renderings['deploy/']!.filter((o) => o.kind === 'APIService');
    expect(apiServices.map((o) => o.metadata.name).sort()).toEqual(served.map((v) => `${v}.${GROUP}`).sort());
    const byPriority = [...apiServices]
      .sort(
        (a, b) => field<number>(b, 'spec', 'versionPriority') - field<number>(a, 'spec', 'versionPriority'),
      )
      .map((o) => field<string>(o, 'spec', 'version'));
    expect(byPriority).toEqual(byVersionPriority(served));
  });

  it.each(served)('%s points at the Service and its port', (version) => {
    const spec = field<Record<string, unknown>>(apiService('deploy/', version), 'spec');
    const service = findObject(renderings['deploy/']!, 'Service', 'pwk-apiserver');
    expect(spec).toMatchObject({
      group: GROUP,
      version,
      groupPriorityMinimum: 1000,
      service: {
        name: service.metadata.name,
        namespace: service.metadata.namespace,
        port: field<{ port: number }[]>(service, 'spec', 'ports')[0]!.port,
      },
    });
  });

  it.each(served)('%s verifies the server with the generated CA in the default overlay', (version) => {
    const spec = field<Record<string, unknown>>(apiService('deploy/', version), 'spec');
    const ca = readFileSync(path.join(certs.generated, 'ca.crt'));
    expect(Buffer.from(String(spec.caBundle), 'base64')).toEqual(ca);
    expect(spec.insecureSkipTLSVerify).toBeUndefined();
  });

  it.each(served)('%s skips verification only in the overlay named dev-insecure', (version) => {
    const insecure = apiService('deploy/overlays/dev-insecure', version);
    expect(field(insecure, 'spec', 'insecureSkipTLSVerify')).toBe(true);
    expect(field(insecure, 'spec', 'caBundle')).toBeUndefined();
    for (const name of ['deploy/base', 'deploy/overlays/default']) {
      expect(field(apiService(name, version), 'spec', 'insecureSkipTLSVerify')).toBeUndefined();
    }
  });
});

describe('the controller', () => {
  const deployment = () => findObject(renderings['deploy/']!, 'Deployment', 'pwk-controller');

  it('runs two replicas with leader election on', () => {
    expect(field(deployment(), 'spec', 'replicas')).toBe(2);
    expect(flagValue(container(deployment()).args, 'leader-elect')).toBe('true');
  });

  it('passes only flags the built pwk-controller accepts', () => {
    const known = flagsOf(path.join(REPO_ROOT, 'packages/controller/dist/main.js'));
    expect(
      container(deployment())
        .args.map(flagName)
        .filter((f) => !known.has(f)),
    ).toEqual([]);
  });

  it('probes /healthz and /readyz on the health port and exposes the metrics port it binds', () => {
    const c = container(deployment());
    expect(c.livenessProbe!.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe!.httpGet.path).toBe('/readyz');
    const healthPort = bindPort(flagValue(c.args, 'health-probe-bind-address'));
    expect(portNumber(c, c.livenessProbe!.httpGet.port)).toBe(healthPort);
    expect(portNumber(c, c.readinessProbe!.httpGet.port)).toBe(healthPort);
    expect(portNumber(c, 'metrics')).toBe(bindPort(flagValue(c.args, 'metrics-bind-address')));
  });

  it('runs as non-root with a read-only root filesystem and sized resources', () => {
    const c = container(deployment());
    expect(field(deployment(), 'spec', 'template', 'spec', 'securityContext', 'runAsNonRoot')).toBe(true);
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
    expect(Object.keys(c.resources.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
  });
});

describe('Deployments', () => {
  it.each(['pwk-apiserver', 'pwk-controller'])(
    '%s selects its own pods and runs as its own ServiceAccount',
    (name) => {
      const deployment = findObject(renderings['deploy/']!, 'Deployment', name);
      const selector = field<Record<string, string>>(deployment, 'spec', 'selector', 'matchLabels');
      expect(field(deployment, 'spec', 'template', 'metadata', 'labels')).toMatchObject(selector);
      const account = field<string>(deployment, 'spec', 'template', 'spec', 'serviceAccountName');
      expect(findObject(renderings['deploy/']!, 'ServiceAccount', account).metadata.namespace).toBe(
        deployment.metadata.namespace,
      );
    },
  );
});
