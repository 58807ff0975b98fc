/**
 * Admission's audit annotations reach the audit log: a webhook's `auditAnnotations` as
 * `<webhook name>/<key>`, and the mutating webhook's own records (`mutation.webhook.admission.k8s.io`
 * at Metadata, `patch.webhook.admission.k8s.io` only at Request and above), as kube writes them.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { webhook } from '../admission/webhooks/setup';
import { FOOS, foo, startSecureServer } from '../security/secure-server';
import type { SecureServer } from '../security/secure-server';
import { allow, jsonPatch, startWebhookServer } from '../support/webhook-server';
import type { WebhookServer } from '../support/webhook-server';

const ADMIN = 'admin-token';
const WRITER = 'writer-token';

describe('admission annotations in the audit log', () => {
  let dir: string;
  let hooks: WebhookServer;
  let pwk: SecureServer;

  const eventsOf = async (auditID: string, stage = 'ResponseComplete') => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const text = await readFile(path.join(dir, 'audit.log'), 'utf8').catch(() => '');
      const found = text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { auditID: string; stage: string; annotations?: Record<string, string> })
        .filter((e) => e.auditID === auditID && e.stage === stage);
      if (found.length > 0 || Date.now() > deadline) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-audit-admission-'));
    hooks = await startWebhookServer();
    hooks.on('/review', () => allow({ auditAnnotations: { reviewed: 'yes' } }));
    hooks.on('/label', () => jsonPatch([{ op: 'add', path: '/metadata/labels', value: { audited: 'yes' } }]));
    const validating = path.join(dir, 'validating');
    const mutating = path.join(dir, 'mutating');
    await mkdir(validating);
    await mkdir(mutating);
    const manifest = (kind: string, name: string, hook: Record<string, unknown>) =>
      stringify({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind,
        metadata: { name },
        webhooks: [hook],
      });
    await writeFile(
      path.join(validating, 'review.yaml'),
      manifest(
        'ValidatingWebhookConfiguration',
        'review.static.k8s.io',
        webhook(hooks, { name: 'review.example.com', path: '/review', namespace: 'default' }),
      ),
    );
    await writeFile(
      path.join(mutating, 'label.yaml'),
      manifest(
        'MutatingWebhookConfiguration',
        'label.static.k8s.io',
        webhook(hooks, { name: 'label.example.com', path: '/label', namespace: 'default' }),
      ),
    );
    const plugin = (name: string, staticManifestsDir: string) => ({
      name,
      configuration: {
        apiVersion: 'apiserver.config.k8s.io/v1',
        kind: 'WebhookAdmissionConfiguration',
        staticManifestsDir,
      },
    });
    await writeFile(
      path.join(dir, 'admission.yaml'),
      stringify({
        apiVersion: 'apiserver.config.k8s.io/v1',
        kind: 'AdmissionConfiguration',
        plugins: [
          plugin('ValidatingAdmissionWebhook', validating),
          plugin('MutatingAdmissionWebhook', mutating),
        ],
      }),
    );
    await writeFile(
      path.join(dir, 'policy.yaml'),
      stringify({
        apiVersion: 'audit.k8s.io/v1',
        kind: 'Policy',
        rules: [
          { level: 'Metadata', users: ['writer'] },
          { level: 'Request', users: ['admin'] },
        ],
      }),
    );
    await writeFile(
      path.join(dir, 'tokens.csv'),
      [`${ADMIN},admin,1,"system:masters"`, `${WRITER},writer,2,"system:masters"`].join('\n'),
    );
    pwk = await startSecureServer({
      flags: [
        `--token-auth-file=${dir}/tokens.csv`,
        `--admission-control-config-file=${dir}/admission.yaml`,
        `--audit-policy-file=${dir}/policy.yaml`,
        `--audit-log-path=${dir}/audit.log`,
      ],
    });
  });
  afterAll(async () => {
    await pwk?.stop();
    await hooks?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the webhooks’ annotations beside authorization’s, each at its level', async () => {
    const atRequest = await pwk.request('POST', FOOS, { token: ADMIN, body: foo('annotated') });
    expect(atRequest.status).toBe(201);
    const [requestEvent] = await eventsOf(String(atRequest.headers['audit-id']));
    expect(requestEvent!.annotations).toMatchObject({
      'authorization.k8s.io/decision': 'allow',
      'review.example.com/reviewed': 'yes',
      'mutation.webhook.admission.k8s.io/round_0_index_0': expect.stringContaining('label.example.com'),
      'patch.webhook.admission.k8s.io/round_0_index_0': expect.stringContaining('/metadata/labels'),
    });

    const atMetadata = await pwk.request('POST', FOOS, { token: WRITER, body: foo('annotated-2') });
    expect(atMetadata.status).toBe(201);
    const [metadataEvent] = await eventsOf(String(atMetadata.headers['audit-id']));
    expect(metadataEvent!.annotations).toMatchObject({ 'review.example.com/reviewed': 'yes' });
    expect(Object.keys(metadataEvent!.annotations!)).not.toContain(
      'patch.webhook.admission.k8s.io/round_0_index_0',
    );
  });
});
