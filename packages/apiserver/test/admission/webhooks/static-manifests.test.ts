/**
 * Webhooks without a cluster: --admission-control-config-file names kube's AdmissionConfiguration,
 * whose MutatingAdmissionWebhook / ValidatingAdmissionWebhook configurations point their
 * staticManifestsDir at webhook configurations on disk. They act as a cluster's would, are read
 * again when the directory changes, and a manifest kube would refuse stops start-up.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { stringify } from 'yaml';
import { parseCommandLine } from '../../../src/config/flags';
import { createLogger } from '../../../src/logging/logger';
import { startServer } from '../../../src/server/server';
import { startSecureServer } from '../../security/secure-server';
import type { SecureServer } from '../../security/secure-server';
import { deny, jsonPatch, startWebhookServer } from '../../support/webhook-server';
import type { WebhookServer } from '../../support/webhook-server';
import { GROUP, collection } from '../cluster';
import { webhook } from './setup';

jest.setTimeout(30_000);

const TOKEN = 'standalone-admin';

function manifest(kind: 'Validating' | 'Mutating', name: string, webhooks: unknown[]) {
  return stringify({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: `${kind}WebhookConfiguration`,
    metadata: { name },
    webhooks,
  });
}

/** Only what a manifest must say; the rest is defaulted as the API would. */
const minimal = (hooks: WebhookServer, name: string, p: string, ns: string) => {
  const {
    failurePolicy: _f,
    matchPolicy: _m,
    objectSelector: _o,
    timeoutSeconds: _t,
    ...rest
  } = webhook(hooks, {
    name,
    path: p,
    namespace: ns,
  });
  return rest;
};

async function writeAdmissionConfig(dir: string, plugins: Record<string, unknown>): Promise<string> {
  const file = path.join(dir, 'admission.yaml');
  await writeFile(
    file,
    stringify({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'AdmissionConfiguration',
      plugins: Object.entries(plugins).map(([name, configuration]) => ({ name, configuration })),
    }),
  );
  return file;
}

const webhookAdmission = (staticManifestsDir: string) => ({
  apiVersion: 'apiserver.config.k8s.io/v1',
  kind: 'WebhookAdmissionConfiguration',
  staticManifestsDir,
});

describe('static webhook manifests, standalone', () => {
  let hooks: WebhookServer;
  let dir: string;
  let pwk: SecureServer;
  let validatingDir: string;

  beforeAll(async () => {
    hooks = await startWebhookServer();
    hooks.on('/deny', () => deny({ message: 'not in this namespace' }));
    hooks.on('/deny-late', () => deny({ message: 'added later' }));
    hooks.on('/label', () => jsonPatch([{ op: 'add', path: '/metadata/labels', value: { static: 'yes' } }]));
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-static-webhooks-'));
    validatingDir = path.join(dir, 'validating');
    const mutatingDir = path.join(dir, 'mutating');
    await mkdir(validatingDir);
    await mkdir(mutatingDir);
    await writeFile(
      path.join(validatingDir, '10-deny.yaml'),
      manifest('Validating', 'deny.static.k8s.io', [minimal(hooks, 'deny.example.com', '/deny', 'closed')]),
    );
    await writeFile(path.join(validatingDir, 'README.md'), 'not a manifest');
    await writeFile(
      path.join(mutatingDir, 'label.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          JSON.parse(
            JSON.stringify({
              apiVersion: 'admissionregistration.k8s.io/v1',
              kind: 'MutatingWebhookConfiguration',
              metadata: { name: 'label.static.k8s.io' },
              webhooks: [minimal(hooks, 'label.example.com', '/label', 'labelled')],
            }),
          ),
        ],
      }),
    );
    const config = await writeAdmissionConfig(dir, {
      ValidatingAdmissionWebhook: webhookAdmission(validatingDir),
      MutatingAdmissionWebhook: webhookAdmission(mutatingDir),
    });
    const tokens = path.join(dir, 'tokens.csv');
    await writeFile(tokens, `${TOKEN},admin,1,"system:masters"\n`);
    pwk = await startSecureServer({
      flags: [`--token-auth-file=${tokens}`, `--admission-control-config-file=${config}`],
      start: { webhooks: { reloadIntervalMs: 50 } },
    });
  });
  afterAll(async () => {
    await pwk?.stop();
    await hooks?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const create = (ns: string, name: string) =>
    pwk.request('POST', collection(ns), {
      token: TOKEN,
      body: { apiVersion: `${GROUP}/v1beta1`, kind: 'Foo', metadata: { name }, spec: { replicas: 1 } },
    });

  it('denies with a static validating webhook; namespaceSelector sees kubernetes.io/metadata.name', async () => {
    const res = await create('closed', 'x');
    expect(res.status).toBe(400);
    expect(res.json<{ message: string }>().message).toBe(
      'admission webhook "deny.example.com" denied the request: not in this namespace',
    );
    expect((await create('open', 'x')).status).toBe(201);
  });

  it('mutates with a static mutating webhook from a v1 List in a JSON file', async () => {
    const res = await create('labelled', 'x');
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ metadata: { labels: { static: 'yes' } } });
  });

  it('says at start-up which plugins run and which are off', () => {
    expect(pwk.logs.find((l) => l.message === 'admission')).toMatchObject({
      plugins: ['MutatingAdmissionWebhook', 'ValidatingAdmissionWebhook'],
    });
    expect(pwk.logs.find((l) => String(l.message).includes('admission plugins are off'))).toMatchObject({
      plugins: ['NamespaceLifecycle', 'ValidatingAdmissionPolicy', 'ResourceQuota'],
    });
  });

  it('reads the directory again: a new manifest applies, a broken one keeps the last good set', async () => {
    await writeFile(
      path.join(validatingDir, '20-late.yaml'),
      manifest('Validating', 'late.static.k8s.io', [
        minimal(hooks, 'late.example.com', '/deny-late', 'later'),
      ]),
    );
    for (let i = 0; ; i++) {
      const res = await create('later', `try-${i}`);
      if (res.status === 400) break;
      expect(res.status).toBe(201);
      await new Promise((r) => setTimeout(r, 20));
    }
    await writeFile(path.join(validatingDir, '30-broken.yaml'), manifest('Validating', 'no-suffix', []));
    while (
      !pwk.logs.some((l) => String(l.message).includes('cannot reload the static webhook configurations'))
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const warned = pwk.logs.find((l) => String(l.message).includes('cannot reload'));
    expect(String(warned!.error)).toContain('"no-suffix" must have a name ending with ".static.k8s.io"');
    expect((await create('later', 'still-denied')).status).toBe(400);
  });
});

describe('a static manifest kube would refuse stops start-up', () => {
  let hooks: WebhookServer;
  let dir: string;
  beforeAll(async () => {
    hooks = await startWebhookServer();
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-static-bad-'));
    await writeFile(path.join(dir, 'tokens.csv'), `${TOKEN},admin,1,"system:masters"\n`);
  });
  afterAll(async () => {
    await hooks.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function startWith(files: Record<string, string>, configuration?: Record<string, unknown>) {
    const work = await mkdtemp(path.join(dir, 'server-'));
    const manifests = path.join(work, 'manifests');
    await mkdir(manifests);
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(manifests, name), text);
    const config = await writeAdmissionConfig(work, {
      ValidatingAdmissionWebhook: configuration ?? webhookAdmission(manifests),
    });
    const parsed = parseCommandLine([
      '--bind-address=127.0.0.1',
      '--secure-port=0',
      `--data-dir=${path.join(work, 'data')}`,
      `--cert-dir=${path.join(work, 'certs')}`,
      `--admission-control-config-file=${config}`,
      `--token-auth-file=${path.join(dir, 'tokens.csv')}`,
    ]);
    if (parsed.help) throw new Error('unexpected help');
    const logger = createLogger({ level: 'error', format: 'json', stream: new PassThrough() });
    return startServer({ config: parsed.config, logger, env: {} });
  }

  it.each([
    [
      'a name without the .static.k8s.io suffix',
      () => ({ 'a.yaml': manifest('Validating', 'plain-name', []) }),
      'ValidatingWebhookConfiguration "plain-name" must have a name ending with ".static.k8s.io"',
    ],
    [
      'a webhook reached through a service',
      () => ({
        'a.yaml': manifest('Validating', 'svc.static.k8s.io', [
          {
            ...minimal(hooks, 'svc.example.com', '/x', 'x'),
            clientConfig: { service: { namespace: 'a', name: 'b' } },
          },
        ]),
      }),
      'clientConfig.service is not supported for static manifests; use clientConfig.url instead',
    ],
    [
      'side effects',
      () => ({
        'a.yaml': manifest('Validating', 'se.static.k8s.io', [
          { ...minimal(hooks, 'se.example.com', '/x', 'x'), sideEffects: 'Some' },
        ]),
      }),
      'webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"',
    ],
    [
      'a timeout over 30 s',
      () => ({
        'a.yaml': manifest('Validating', 't.static.k8s.io', [
          { ...minimal(hooks, 't.example.com', '/x', 'x'), timeoutSeconds: 31 },
        ]),
      }),
      'webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds',
    ],
    [
      'the other plugin’s kind',
      () => ({ 'a.yaml': manifest('Mutating', 'm.static.k8s.io', []) }),
      'unsupported resource type admissionregistration.k8s.io/v1, Kind=MutatingWebhookConfiguration',
    ],
    [
      'one name twice',
      () => ({
        'a.yaml': manifest('Validating', 'dup.static.k8s.io', []),
        'b.yaml': manifest('Validating', 'dup.static.k8s.io', []),
      }),
      'duplicate ValidatingWebhookConfiguration name "dup.static.k8s.io"',
    ],
  ])('refuses %s', async (_what, files, message) => {
    await expect(startWith(files())).rejects.toThrow(message);
  });

  it('refuses a relative staticManifestsDir and a kubeConfigFile it cannot honour', async () => {
    await expect(startWith({}, webhookAdmission('relative/dir'))).rejects.toThrow(
      'staticManifestsDir: Invalid value: "relative/dir": must be an absolute file path',
    );
    await expect(
      startWith({}, { ...webhookAdmission(dir), kubeConfigFile: '/etc/kube/webhooks.yaml' }),
    ).rejects.toThrow('credentials for calling webhooks are not supported yet');
  });
});
