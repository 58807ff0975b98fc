/**
 * kubectl end to end against pwk with ValidatingAdmissionPolicies, the upstream examples: with a
 * stand-in core API holding the policies, bindings, namespaces and a ConfigMap of params
 * (`object.spec.replicas <= 5`; a paramKind ConfigMap limit with a messageExpression; Warn and
 * Audit beside Deny; matchConditions excluding a namespace; a policy added later taking effect
 * once seen), and standalone, from the plugin's staticManifestsDir.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { ADMIN, GROUP, startAdmittedServer } from '../admission/cluster';
import type { AdmittedServer } from '../admission/cluster';
import { startSecureServer } from '../security/secure-server';
import type { SecureServer } from '../security/secure-server';
import { parseExposition, samples } from '../support/exposition';
import { FOO_REF, createKubectl, fooManifest, kubeconfigFor, kubectlWarnings } from './kubectl-helpers';
import type { Kubectl } from './kubectl-helpers';

jest.setTimeout(30_000);

/**
 * The policies' rules name v1beta1 while kubectl writes at v1, the preferred version:
 * matchPolicy Equivalent (the default) brings them every request, converted to v1beta1.
 */
const VERSION = 'v1';
const WARNINGS = kubectlWarnings(VERSION);

const fooRules = [
  { apiGroups: [GROUP], apiVersions: ['v1beta1'], operations: ['CREATE', 'UPDATE'], resources: ['foos'] },
];

const inNamespaces = (...names: string[]) => ({
  namespaceSelector: {
    matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: names }],
  },
});

const policy = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name },
  spec: { failurePolicy: 'Fail', matchConstraints: { resourceRules: fooRules }, ...spec },
});

const binding = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name },
  spec,
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('kubectl against pwk with ValidatingAdmissionPolicies from the core API', () => {
  let cluster: AdmittedServer;
  let kubectl: Kubectl;

  beforeAll(async () => {
    cluster = await startAdmittedServer({
      prepare: (kube) => {
        for (const ns of [
          'default',
          'limited',
          'unlimited',
          'advised',
          'conditions',
          'excluded',
          'late',
          'readme',
        ]) {
          kube.core.namespace(ns);
        }
        const put = (resource: string, object: Record<string, unknown>) =>
          kube.core.put(resource, object as never);
        put(
          'validatingadmissionpolicies',
          policy('max-replicas.example.com', {
            validations: [{ expression: 'object.spec.replicas <= 5' }],
          }),
        );
        put(
          'validatingadmissionpolicybindings',
          binding('max-replicas-binding.example.com', {
            policyName: 'max-replicas.example.com',
            validationActions: ['Deny'],
            matchResources: inNamespaces('default'),
          }),
        );
        // The README's example, as written there (its binding confined to one namespace here).
        put(
          'validatingadmissionpolicies',
          policy('readme.example.com', {
            validations: [
              {
                expression: 'object.spec.replicas <= 5',
                messageExpression: "'replicas must be at most 5, not ' + string(object.spec.replicas)",
              },
            ],
          }),
        );
        put(
          'validatingadmissionpolicybindings',
          binding('readme-binding.example.com', {
            policyName: 'readme.example.com',
            validationActions: ['Deny'],
            matchResources: inNamespaces('readme'),
          }),
        );
        put(
          'validatingadmissionpolicies',
          policy('replica-limit.example.com', {
            paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
            variables: [{ name: 'limit', expression: 'int(params.data.maxReplicas)' }],
            validations: [
              {
                expression: 'object.spec.replicas <= variables.limit',
                messageExpression: "'replicas must be no greater than ' + string(variables.limit)",
                reason: 'Forbidden',
              },
            ],
          }),
        );
        put(
          'validatingadmissionpolicybindings',
          binding('replica-limit-binding.example.com', {
            policyName: 'replica-limit.example.com',
            validationActions: ['Deny'],
            paramRef: { name: 'replica-limit', parameterNotFoundAction: 'Deny' },
            matchResources: inNamespaces('limited', 'unlimited'),
          }),
        );
        put('configmaps', {
          metadata: { name: 'replica-limit', namespace: 'limited' },
          data: { maxReplicas: '3' },
        });
        put(
          'validatingadmissionpolicies',
          policy('location-required.example.com', {
            validations: [{ expression: 'has(object.spec.location)', message: 'a location is required' }],
          }),
        );
        put(
          'validatingadmissionpolicybindings',
          binding('location-advice.example.com', {
            policyName: 'location-required.example.com',
            validationActions: ['Warn', 'Audit'],
            matchResources: inNamespaces('advised'),
          }),
        );
        put(
          'validatingadmissionpolicies',
          policy('ok-names.example.com', {
            matchConditions: [{ name: 'not-excluded', expression: "request.namespace != 'excluded'" }],
            validations: [{ expression: "object.metadata.name.startsWith('ok-')", reason: 'Forbidden' }],
          }),
        );
        put(
          'validatingadmissionpolicybindings',
          binding('ok-names-binding.example.com', {
            policyName: 'ok-names.example.com',
            validationActions: ['Deny'],
            matchResources: inNamespaces('conditions', 'excluded'),
          }),
        );
      },
    });
    kubectl = createKubectl({ kubeconfig: await kubeconfigFor(cluster.pwk, ADMIN), dir: cluster.pwk.dir });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('denies object.spec.replicas <= 5 as kube words it (422 Invalid), and creates nothing', async () => {
    const run = await kubectl.run(['create', '-f', '-'], {
      stdin: fooManifest({ name: 'big', spec: { replicas: 6 }, version: VERSION }),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      WARNINGS +
        `The foos "big" is invalid: : ValidatingAdmissionPolicy 'max-replicas.example.com' with binding 'max-replicas-binding.example.com' denied request: failed expression: object.spec.replicas <= 5\n`,
    );
    expect((await kubectl.run(['get', 'foo', 'big'])).stderr).toBe(
      `Error from server (NotFound): foos.${GROUP} "big" not found\n`,
    );
    expect(
      await kubectl.ok(['create', '-f', '-'], {
        stdin: fooManifest({ name: 'small', spec: { replicas: 5 }, version: VERSION }),
      }),
    ).toBe(`${FOO_REF}/small created\n`);
  });

  it('answers as the README shows for its example policy', async () => {
    const run = await kubectl.run(['create', '-n', 'readme', '-f', '-'], {
      stdin: fooManifest({ name: 'big', spec: { replicas: 6 }, version: VERSION }),
    });
    expect(run.stderr).toBe(
      WARNINGS +
        `The foos "big" is invalid: : ValidatingAdmissionPolicy 'readme.example.com' with binding 'readme-binding.example.com' denied request: replicas must be at most 5, not 6\n`,
    );
  });

  it('also stops an update past the limit (kubectl scale is not foos, kubectl patch is)', async () => {
    const run = await kubectl.run(['patch', 'foo', 'small', '--type=merge', '-p', '{"spec":{"replicas":9}}']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('denied request: failed expression: object.spec.replicas <= 5');
  });

  it('takes the limit from a ConfigMap param, with the messageExpression and the reason Forbidden', async () => {
    const run = await kubectl.run(['create', '-n', 'limited', '-f', '-'], {
      stdin: fooManifest({ name: 'four', spec: { replicas: 4 }, version: VERSION }),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      WARNINGS +
        `Error from server (Forbidden): error when creating "STDIN": foos.${GROUP} "four" is forbidden: ValidatingAdmissionPolicy 'replica-limit.example.com' with binding 'replica-limit-binding.example.com' denied request: replicas must be no greater than 3\n`,
    );
    expect(
      await kubectl.ok(['create', '-n', 'limited', '-f', '-'], {
        stdin: fooManifest({ name: 'three', spec: { replicas: 3 }, version: VERSION }),
      }),
    ).toBe(`${FOO_REF}/three created\n`);
  });

  it('refuses where the param is missing and parameterNotFoundAction is Deny', async () => {
    const run = await kubectl.run(['create', '-n', 'unlimited', '-f', '-'], {
      stdin: fooManifest({ name: 'one', spec: { replicas: 1 }, version: VERSION }),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      WARNINGS +
        `The foos "one" is invalid: : ValidatingAdmissionPolicy 'replica-limit.example.com' with binding 'replica-limit-binding.example.com' denied request: failed to configure binding: no params found for policy binding with \`Deny\` parameterNotFoundAction\n`,
    );
  });

  it('warns rather than denies where the binding says Warn (and Audit)', async () => {
    const run = await kubectl.run(['apply', '-n', 'advised', '-f', '-'], {
      stdin: fooManifest({ name: 'nowhere', spec: { replicas: 1 }, version: VERSION }),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${FOO_REF}/nowhere created\n`);
    expect(run.stderr).toBe(
      WARNINGS +
        "Warning: Validation failed for ValidatingAdmissionPolicy 'location-required.example.com' with binding 'location-advice.example.com': a location is required\n",
    );
  });

  it('skips a policy in a namespace its matchConditions exclude', async () => {
    const denied = await kubectl.run(['create', '-n', 'conditions', '-f', '-'], {
      stdin: fooManifest({ name: 'bad-name', spec: { replicas: 1 }, version: VERSION }),
    });
    expect(denied.stderr).toBe(
      WARNINGS +
        `Error from server (Forbidden): error when creating "STDIN": foos.${GROUP} "bad-name" is forbidden: ValidatingAdmissionPolicy 'ok-names.example.com' with binding 'ok-names-binding.example.com' denied request: failed expression: object.metadata.name.startsWith('ok-')\n`,
    );
    expect(
      await kubectl.ok(['create', '-n', 'excluded', '-f', '-'], {
        stdin: fooManifest({ name: 'bad-name', spec: { replicas: 1 }, version: VERSION }),
      }),
    ).toBe(`${FOO_REF}/bad-name created\n`);
  });

  it('applies a policy added to the cluster once pwk has seen it', async () => {
    expect(
      await kubectl.ok(['create', '-n', 'late', '-f', '-'], {
        stdin: fooManifest({ name: 'early', spec: { replicas: 2 }, version: VERSION }),
      }),
    ).toBe(`${FOO_REF}/early created\n`);
    cluster.kube.core.put(
      'validatingadmissionpolicies',
      policy('late.example.com', {
        validations: [{ expression: 'object.spec.replicas == 1', message: 'one replica only' }],
      }) as never,
    );
    cluster.kube.core.put(
      'validatingadmissionpolicybindings',
      binding('late-binding.example.com', {
        policyName: 'late.example.com',
        validationActions: ['Deny'],
        matchResources: inNamespaces('late'),
      }) as never,
    );
    let n = 0;
    const stderr = await until('the late policy to deny', async () => {
      const run = await kubectl.run(['create', '-n', 'late', '-f', '-'], {
        stdin: fooManifest({ name: `probe-${n++}`, spec: { replicas: 2 }, version: VERSION }),
      });
      return run.code === 0 ? undefined : run.stderr;
    });
    expect(stderr).toMatch(
      /ValidatingAdmissionPolicy 'late\.example\.com' with binding 'late-binding\.example\.com' denied request: one replica only\n$/,
    );
  });
});

describe('kubectl against pwk with ValidatingAdmissionPolicies from static manifests, standalone', () => {
  const TOKEN = 'standalone-admin';
  let dir: string;
  let pwk: SecureServer;
  let kubectl: Kubectl;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-static-policies-'));
    const manifests = path.join(dir, 'policies');
    await mkdir(manifests);
    await writeFile(
      path.join(manifests, 'max-replicas.yaml'),
      [
        stringify(
          policy('max-replicas.static.k8s.io', {
            validations: [{ expression: 'object.spec.replicas <= 5' }],
          }),
        ),
        stringify(
          binding('max-replicas-binding.static.k8s.io', {
            policyName: 'max-replicas.static.k8s.io',
            validationActions: ['Deny'],
          }),
        ),
      ].join('---\n'),
    );
    const config = path.join(dir, 'admission.yaml');
    await writeFile(
      config,
      stringify({
        apiVersion: 'apiserver.config.k8s.io/v1',
        kind: 'AdmissionConfiguration',
        plugins: [
          {
            name: 'ValidatingAdmissionPolicy',
            configuration: {
              apiVersion: 'apiserver.config.k8s.io/v1',
              kind: 'ValidatingAdmissionPolicyConfiguration',
              staticManifestsDir: manifests,
            },
          },
        ],
      }),
    );
    const tokens = path.join(dir, 'tokens.csv');
    await writeFile(tokens, `${TOKEN},admin,1,"system:masters"\n`);
    pwk = await startSecureServer({
      flags: [`--token-auth-file=${tokens}`, `--admission-control-config-file=${config}`],
    });
    kubectl = createKubectl({ kubeconfig: await kubeconfigFor(pwk, TOKEN), dir: pwk.dir });
  });
  afterAll(async () => {
    await pwk?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('denies with a static policy as with the cluster’s', async () => {
    const run = await kubectl.run(['create', '-f', '-'], {
      stdin: fooManifest({ name: 'big', spec: { replicas: 6 }, version: VERSION }),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      WARNINGS +
        `The foos "big" is invalid: : ValidatingAdmissionPolicy 'max-replicas.static.k8s.io' with binding 'max-replicas-binding.static.k8s.io' denied request: failed expression: object.spec.replicas <= 5\n`,
    );
    expect(
      await kubectl.ok(['create', '-f', '-'], {
        stdin: fooManifest({ name: 'small', spec: { replicas: 2 }, version: VERSION }),
      }),
    ).toBe(`${FOO_REF}/small created\n`);
  });

  it('counts each check in kube’s policy metrics on /metrics, by binding and enforcement action', async () => {
    const foos = `/apis/${GROUP}/v1beta1/namespaces/default/foos`;
    const write = (name: string, replicas: number) =>
      pwk.request('POST', foos, {
        token: TOKEN,
        body: { apiVersion: `${GROUP}/v1beta1`, kind: 'Foo', metadata: { name }, spec: { replicas } },
      });
    expect((await write('metrics-big', 9)).status).toBe(422);
    expect((await write('metrics-small', 1)).status).toBe(201);
    const exposition = parseExposition((await pwk.request('GET', '/metrics', { token: TOKEN })).text);
    const checks = (action: string) =>
      samples(exposition, 'apiserver_validating_admission_policy_check_total', {
        policy: 'max-replicas.static.k8s.io',
        policy_binding: 'max-replicas-binding.static.k8s.io',
        enforcement_action: action,
      });
    const denied = checks('deny');
    expect(denied).toHaveLength(1);
    expect(denied[0]!.labels.error_type).toBe('invalid_error');
    expect(denied[0]!.value).toBeGreaterThanOrEqual(1);
    // As kube's dispatcher: a check that passed is not counted, only one that failed to evaluate.
    expect(checks('allow')).toEqual([]);
    const durations = samples(
      exposition,
      'apiserver_validating_admission_policy_check_duration_seconds_count',
      {
        enforcement_action: 'deny',
      },
    );
    expect(durations.map((d) => d.value)).toEqual([denied[0]!.value]);
  });
});
