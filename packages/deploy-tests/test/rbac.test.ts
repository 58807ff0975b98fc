/**
 * RBAC names every Kubernetes API call pwk's code makes: the controller's client-node calls and
 * the apiserver's delegated-auth requests are read from their sources, then checked against the
 * rendered roles and bindings.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GROUP, RESOURCE } from '@pwk/api';
import { AUTHENTICATION_CONFIGMAP_PATH } from '../../apiserver/src/auth/authentication-sources';
import { NAMESPACES_PATH } from '../../apiserver/src/admission/namespace-lifecycle';
import { PARAM_KINDS } from '../../apiserver/src/admission/policy/params';
import {
  VALIDATING_ADMISSION_POLICIES_PATH,
  VALIDATING_ADMISSION_POLICY_BINDINGS_PATH,
} from '../../apiserver/src/admission/policy/types';
import { RESOURCE_QUOTAS_PATH } from '../../apiserver/src/admission/resource-quota';
import {
  MUTATING_WEBHOOK_CONFIGURATIONS_PATH,
  VALIDATING_WEBHOOK_CONFIGURATIONS_PATH,
} from '../../apiserver/src/admission/webhook/types';
import { SUBJECT_ACCESS_REVIEW_PATH } from '../../apiserver/src/auth/subject-access-review';
import { TOKEN_REVIEW_PATH } from '../../apiserver/src/auth/token-review';
import { accessOfMethod, accessOfPath, controllerCalls } from '../src/code-calls';
import { REPO_ROOT } from '../src/deploy-fixture';
import { findObject, kustomize } from '../src/kube-objects';
import type { KubeObject } from '../src/kube-objects';
import { grantsFor, isAllowed } from '../src/rbac';
import type { Grant } from '../src/rbac';

let objects: KubeObject[];
let controllerGrants: Grant[];
let apiserverGrants: Grant[];
let controllerNamespace: string;

beforeAll(() => {
  // RBAC is the same in every overlay; the base needs no certificates.
  objects = kustomize(path.join(REPO_ROOT, 'deploy/base'));
  const controller = findObject(objects, 'Deployment', 'pwk-controller');
  controllerNamespace = controller.metadata.namespace!;
  controllerGrants = grantsFor(objects, { namespace: controllerNamespace, name: 'pwk-controller' });
  apiserverGrants = grantsFor(objects, { namespace: 'pwk-system', name: 'pwk-apiserver' });
});

describe('the controller', () => {
  const calls = () => controllerCalls(path.join(REPO_ROOT, 'packages/controller/src'));

  it('makes the calls the scan finds: foos, foos/status, events and leases', () => {
    const found = new Set(calls().map((c) => `${c.access.verb} ${c.access.group}/${c.access.resource}`));
    expect([...found].sort()).toEqual(
      expect.arrayContaining([
        `list ${GROUP}/${RESOURCE}`,
        `watch ${GROUP}/${RESOURCE}`,
        `update ${GROUP}/${RESOURCE}`,
        `update ${GROUP}/${RESOURCE}/status`,
        'create events.k8s.io/events',
        'get coordination.k8s.io/leases',
        'create coordination.k8s.io/leases',
        'update coordination.k8s.io/leases',
      ]),
    );
  });

  it('is allowed every call it makes: Foos and Events in any namespace, its Lease in its own', () => {
    const denied = calls().filter((c) => {
      // The Lease lives in the controller's namespace; Foos and their Events in any user namespace.
      const namespace =
        c.scope === 'cluster'
          ? undefined
          : c.access.group === 'coordination.k8s.io'
            ? controllerNamespace
            : 'default';
      return !isAllowed(controllerGrants, { ...c.access, namespace });
    });
    expect(denied.map((c) => `${c.file}: ${c.call}`)).toEqual([]);
  });

  it('is allowed patch on foos, foos/status and events, and nothing the issue did not ask for', () => {
    for (const resource of [RESOURCE, `${RESOURCE}/status`]) {
      expect(
        isAllowed(controllerGrants, { verb: 'patch', group: GROUP, resource, namespace: 'default' }),
      ).toBe(true);
    }
    expect(
      isAllowed(controllerGrants, {
        verb: 'patch',
        group: 'events.k8s.io',
        resource: 'events',
        namespace: 'x',
      }),
    ).toBe(true);
    expect(
      isAllowed(controllerGrants, { verb: 'delete', group: GROUP, resource: RESOURCE, namespace: 'default' }),
    ).toBe(false);
    expect(
      isAllowed(controllerGrants, { verb: 'create', group: '', resource: 'events', namespace: 'default' }),
    ).toBe(false);
    expect(
      isAllowed(controllerGrants, {
        verb: 'update',
        group: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'default',
      }),
    ).toBe(false);
    const wildcards = controllerGrants
      .flatMap((g) => g.rules)
      .filter((r) => JSON.stringify(r).includes('"*"'));
    expect(wildcards).toEqual([]);
  });
});

describe('the apiserver', () => {
  it('sends requests to exactly the three paths of delegated auth', () => {
    const authDir = path.join(REPO_ROOT, 'packages/apiserver/src/auth');
    const paths = new Set<string>();
    for (const file of readdirSync(authDir)) {
      const code = readFileSync(path.join(authDir, file), 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
        .join('\n');
      for (const m of code.matchAll(/'(\/apis?\/[^']*)'/g)) paths.add(m[1]!);
    }
    expect([...paths].sort()).toEqual(
      [AUTHENTICATION_CONFIGMAP_PATH, SUBJECT_ACCESS_REVIEW_PATH, TOKEN_REVIEW_PATH].sort(),
    );
  });

  it.each([
    ['POST', TOKEN_REVIEW_PATH],
    ['POST', SUBJECT_ACCESS_REVIEW_PATH],
    ['GET', AUTHENTICATION_CONFIGMAP_PATH],
  ] as const)('is allowed %s %s', (method, apiPath) => {
    expect(isAllowed(apiserverGrants, accessOfPath(method, apiPath))).toBe(true);
  });

  it('sends admission’s core-API requests to exactly the namespaces, ResourceQuotas and webhook configuration paths', () => {
    const admissionDir = path.join(REPO_ROOT, 'packages/apiserver/src/admission');
    const paths = new Set<string>();
    // Every file under admission/, its subfolders (webhook/, …) included.
    const files = readdirSync(admissionDir, { recursive: true, withFileTypes: true }).filter((e) =>
      e.isFile(),
    );
    for (const file of files) {
      const code = readFileSync(path.join(file.parentPath, file.name), 'utf8');
      for (const m of code.matchAll(/['`](\/apis?\/[^'`]*)['`]/g)) paths.add(m[1]!);
    }
    expect([...paths].sort()).toEqual(
      [
        NAMESPACES_PATH,
        RESOURCE_QUOTAS_PATH,
        '/api/v1/namespaces/${encodeURIComponent(namespace)}/resourcequotas/${encodeURIComponent(name)}',
        MUTATING_WEBHOOK_CONFIGURATIONS_PATH,
        VALIDATING_WEBHOOK_CONFIGURATIONS_PATH,
        VALIDATING_ADMISSION_POLICIES_PATH,
        VALIDATING_ADMISSION_POLICY_BINDINGS_PATH,
        // ConfigMap params: read only where an operator grants it (not in deploy/).
        PARAM_KINDS['v1/ConfigMap']!.path,
      ].sort(),
    );
  });

  it.each([
    ['list', 'namespaces', undefined],
    ['watch', 'namespaces', undefined],
    ['get', 'namespaces', undefined],
    ['list', 'resourcequotas', undefined],
    ['watch', 'resourcequotas', undefined],
    ['get', 'resourcequotas', 'team-a'],
    ['update', 'resourcequotas/status', 'team-a'],
  ])('is allowed %s %s for admission', (verb, resource, namespace) => {
    expect(isAllowed(apiserverGrants, { verb, group: '', resource, namespace })).toBe(true);
  });

  it.each([
    ['list', MUTATING_WEBHOOK_CONFIGURATIONS_PATH],
    ['watch', MUTATING_WEBHOOK_CONFIGURATIONS_PATH],
    ['get', `${MUTATING_WEBHOOK_CONFIGURATIONS_PATH}/some-webhook`],
    ['list', VALIDATING_WEBHOOK_CONFIGURATIONS_PATH],
    ['watch', VALIDATING_WEBHOOK_CONFIGURATIONS_PATH],
    ['get', `${VALIDATING_WEBHOOK_CONFIGURATIONS_PATH}/some-webhook`],
  ])('is allowed to %s %s for the admission webhooks', (verb, apiPath) => {
    expect(isAllowed(apiserverGrants, { ...accessOfPath('GET', apiPath), verb })).toBe(true);
  });

  it.each([
    ['list', VALIDATING_ADMISSION_POLICIES_PATH],
    ['watch', VALIDATING_ADMISSION_POLICIES_PATH],
    ['get', `${VALIDATING_ADMISSION_POLICIES_PATH}/some-policy`],
    ['list', VALIDATING_ADMISSION_POLICY_BINDINGS_PATH],
    ['watch', VALIDATING_ADMISSION_POLICY_BINDINGS_PATH],
    ['get', `${VALIDATING_ADMISSION_POLICY_BINDINGS_PATH}/some-binding`],
  ])('is allowed to %s %s for ValidatingAdmissionPolicy', (verb, apiPath) => {
    expect(isAllowed(apiserverGrants, { ...accessOfPath('GET', apiPath), verb })).toBe(true);
  });

  it('may not change policies or bindings', () => {
    for (const verb of ['create', 'update', 'patch', 'delete']) {
      for (const apiPath of [VALIDATING_ADMISSION_POLICIES_PATH, VALIDATING_ADMISSION_POLICY_BINDINGS_PATH]) {
        expect(isAllowed(apiserverGrants, { ...accessOfPath('GET', apiPath), verb })).toBe(false);
      }
    }
  });

  it('may not change webhook configurations', () => {
    for (const verb of ['create', 'update', 'patch', 'delete']) {
      for (const apiPath of [MUTATING_WEBHOOK_CONFIGURATIONS_PATH, VALIDATING_WEBHOOK_CONFIGURATIONS_PATH]) {
        expect(isAllowed(apiserverGrants, { ...accessOfPath('GET', apiPath), verb })).toBe(false);
      }
    }
  });

  it('may not change namespaces or quotas themselves', () => {
    for (const verb of ['create', 'update', 'patch', 'delete']) {
      for (const resource of ['namespaces', 'resourcequotas']) {
        expect(isAllowed(apiserverGrants, { verb, group: '', resource, namespace: 'team-a' })).toBe(false);
      }
    }
  });

  it('is not allowed to read other ConfigMaps in kube-system', () => {
    expect(
      isAllowed(
        apiserverGrants,
        accessOfPath('GET', '/api/v1/namespaces/kube-system/configmaps/kubeadm-config'),
      ),
    ).toBe(false);
  });
});

describe('the scan', () => {
  it('maps client-node method names to RBAC verbs and resources', () => {
    expect(accessOfMethod('CustomObjectsApi', 'replaceNamespacedCustomObjectStatus')).toEqual({
      verb: 'update',
      group: GROUP,
      resource: `${RESOURCE}/status`,
      scope: 'namespaced',
    });
    expect(accessOfMethod('CoordinationV1Api', 'readNamespacedLease')).toMatchObject({
      verb: 'get',
      resource: 'leases',
    });
    expect(accessOfMethod('CustomObjectsApi', 'listClusterCustomObject')).toMatchObject({
      verb: 'list',
      scope: 'cluster',
    });
  });

  it('refuses calls it cannot classify, so a new kind of call cannot slip past RBAC', () => {
    expect(() => accessOfMethod('CoreV1Api', 'connectGetNamespacedPodExec')).toThrow(
      /not a call this scan understands/,
    );
    expect(() => accessOfMethod('AppsV1Api', 'readNamespacedDeployment')).toThrow(
      /not a call this scan understands/,
    );
    expect(() => accessOfPath('GET', '/healthz')).toThrow(/not a resource path/);
  });

  it('reads a ConfigMap path as a get of one named object in its namespace', () => {
    expect(accessOfPath('GET', AUTHENTICATION_CONFIGMAP_PATH)).toEqual({
      verb: 'get',
      group: '',
      namespace: 'kube-system',
      resource: 'configmaps',
      name: 'extension-apiserver-authentication',
    });
  });

  it('fails when a binding names a role that exists nowhere', () => {
    const broken = objects.map((o) =>
      o.kind === 'ClusterRoleBinding' && o.metadata.name === 'pwk-controller'
        ? { ...o, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'missing' } }
        : o,
    );
    expect(() => grantsFor(broken, { namespace: controllerNamespace, name: 'pwk-controller' })).toThrow(
      /ClusterRole missing exists nowhere/,
    );
  });
});
