/**
 * MutatingAdmissionWebhook and ValidatingAdmissionWebhook against real HTTPS webhooks with
 * their own CAs, their configurations served by the stand-in core API as a cluster serves them:
 * allow, deny (the webhook's message and code), JSON Patch mutation (stored and answered),
 * timeouts and unreachable or untrusted webhooks under Fail and Ignore, dry runs against
 * sideEffects, warnings, services, and the AdmissionReview exactly as it is sent.
 */
import { createServer } from 'node:net';
import type { WebhookMetrics } from '../../../src/admission/webhook/metrics';
import type { AddressInfo } from 'node:net';
import { createCA } from '../../support/certificates';
import { allow, deny, jsonPatch, startWebhookServer } from '../../support/webhook-server';
import type { WebhookServer } from '../../support/webhook-server';
import { ADMIN, DEPRECATION_WARNING, GROUP, collection, startAdmittedServer } from '../cluster';
import type { AdmittedServer } from '../cluster';
import { configuration, fooRule, webhook } from './setup';

jest.setTimeout(30_000);

const item = (ns: string, name: string) => `${collection(ns)}/${name}`;
const foo = (
  name: string,
  spec: Record<string, unknown> = { replicas: 1 },
  labels?: Record<string, string>,
) => ({
  apiVersion: `${GROUP}/v1beta1`,
  kind: 'Foo',
  metadata: { name, ...(labels ? { labels } : {}) },
  spec,
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('admission webhooks called over HTTPS', () => {
  let hooks: WebhookServer;
  let svcHooks: WebhookServer;
  let cluster: AdmittedServer;
  let unreachablePort: number;
  const observed: Array<[string, Record<string, unknown>]> = [];
  const metrics: WebhookMetrics = {
    observeWebhook: (o) => observed.push(['webhook', o]),
    observeRejection: (o) => observed.push(['rejection', o]),
    observeFailOpen: (o) => observed.push(['failOpen', o]),
  };
  const NAMESPACES = [
    'late',
    'allow',
    'deny',
    'deny-bare',
    'mutate',
    'timeout-fail',
    'timeout-ignore',
    'unreachable',
    'wrong-ca',
    'bad-uid',
    'v1beta1',
    'dry-run',
    'warnings',
    'review',
    'service',
    'deletes',
  ];

  beforeAll(async () => {
    hooks = await startWebhookServer();
    svcHooks = await startWebhookServer({ serverNames: ['svc-hook.webhooks.svc'] });
    unreachablePort = await closedPort();
    const otherCa = createCA('not-the-webhooks-ca');
    hooks.on('/deny', () =>
      deny({ code: 403, reason: 'Forbidden', message: 'replicas above 100 are not allowed' }),
    );
    hooks.on('/deny-bare', () => deny({}));
    hooks.on('/hang', () => 'hang');
    hooks.on('/mutate', () =>
      jsonPatch([
        { op: 'add', path: '/metadata/labels', value: { 'mutated-by': 'webhook' } },
        { op: 'add', path: '/spec/location', value: 'Mars' },
        // A field Foo's schema does not know: pruned from the mutation, as a CRD prunes it.
        { op: 'add', path: '/spec/colour', value: 'red' },
      ]),
    );
    hooks.on('/bad-uid', () => ({
      raw: {
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        response: { uid: 'not-it', allowed: true },
      },
    }));
    hooks.on('/v1beta1', () => ({
      raw: { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', response: { allowed: true } },
    }));
    hooks.on('/warn', () => allow({ warnings: ['replicas will be capped', 'location is ignored'] }));
    hooks.on('/warn-deny', () => deny({ message: 'no' }, { warnings: ['you were warned'] }));
    svcHooks.on('/svc', () => deny({ message: 'reached through the service' }));
    cluster = await startAdmittedServer({
      start: {
        webhooks: {
          metrics,
          serviceResolver: (s) => {
            if (s.namespace === 'webhooks' && s.name === 'svc-hook' && s.port === 8443) {
              return { host: '127.0.0.1', port: svcHooks.port };
            }
            throw new Error(`no such service ${s.namespace}/${s.name}`);
          },
        },
      },
      prepare: (kube) => {
        for (const ns of NAMESPACES) kube.core.namespace(ns);
        kube.tokens.set('alice-token', {
          username: 'alice',
          uid: 'alice-uid',
          groups: ['devs'],
          extra: { 'example.com/team': ['blue'] },
        });
        kube.core.put(
          'validatingwebhookconfigurations',
          configuration('calls', [
            webhook(hooks, { name: 'allow.example.com', path: '/allow', namespace: 'allow' }),
            webhook(hooks, { name: 'deny.example.com', path: '/deny', namespace: 'deny' }),
            webhook(hooks, { name: 'deny-bare.example.com', path: '/deny-bare', namespace: 'deny-bare' }),
            webhook(hooks, {
              name: 'timeout-fail.example.com',
              path: '/hang',
              namespace: 'timeout-fail',
              extra: { timeoutSeconds: 1 },
            }),
            webhook(hooks, {
              name: 'timeout-ignore.example.com',
              path: '/hang',
              namespace: 'timeout-ignore',
              extra: { timeoutSeconds: 1, failurePolicy: 'Ignore' },
            }),
            webhook(
              { url: `https://127.0.0.1:${unreachablePort}`, caBundle: hooks.caBundle },
              { name: 'unreachable.example.com', path: '/gone', namespace: 'unreachable' },
            ),
            webhook(
              { url: hooks.url, caBundle: Buffer.from(otherCa.cert).toString('base64') },
              { name: 'wrong-ca.example.com', path: '/allow', namespace: 'wrong-ca' },
            ),
            webhook(hooks, { name: 'bad-uid.example.com', path: '/bad-uid', namespace: 'bad-uid' }),
            webhook(hooks, {
              name: 'v1beta1.example.com',
              path: '/v1beta1',
              namespace: 'v1beta1',
              extra: { admissionReviewVersions: ['v1beta1'] },
            }),
            webhook(hooks, { name: 'warn.example.com', path: '/warn', namespace: 'warnings' }),
            webhook(hooks, {
              name: 'review.example.com',
              path: '/review',
              namespace: 'review',
              extra: { rules: [fooRule({ operations: ['*'] })] },
            }),
            {
              ...webhook(hooks, { name: 'svc.example.com', path: '/svc', namespace: 'service' }),
              clientConfig: {
                service: { namespace: 'webhooks', name: 'svc-hook', port: 8443, path: '/svc' },
                caBundle: svcHooks.caBundle,
              },
            },
            {
              ...webhook(hooks, {
                name: 'lost-svc.example.com',
                path: '/',
                namespace: 'service',
                extra: { objectSelector: { matchLabels: { lost: 'yes' } } },
              }),
              clientConfig: { service: { namespace: 'webhooks', name: 'lost' } },
            },
            webhook(hooks, {
              name: 'no-deletes.example.com',
              path: '/deny',
              namespace: 'deletes',
              extra: { rules: [fooRule({ operations: ['DELETE'] })] },
            }),
          ]),
        );
        kube.core.put(
          'validatingwebhookconfigurations',
          configuration('dry-run', [
            // A webhook with side effects (admitted long ago through v1beta1, still served by v1).
            webhook(hooks, {
              name: 'side-effects.example.com',
              path: '/allow-some',
              namespace: 'dry-run',
              extra: { sideEffects: 'Some' },
            }),
            webhook(hooks, {
              name: 'dry-run-safe.example.com',
              path: '/allow-dry',
              namespace: 'dry-run',
              extra: { sideEffects: 'NoneOnDryRun' },
            }),
          ]),
        );
        kube.core.put(
          'mutatingwebhookconfigurations',
          configuration('mutate', [
            webhook(hooks, { name: 'mutate.example.com', path: '/mutate', namespace: 'mutate' }),
            webhook(hooks, {
              name: 'warn-deny.example.com',
              path: '/warn-deny',
              namespace: 'warnings',
              extra: { objectSelector: { matchLabels: { refuse: 'yes' } } },
            }),
          ]),
        );
      },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
    await hooks?.close();
    await svcHooks?.close();
  });

  it('creates what an allowing webhook was asked about', async () => {
    const res = await cluster.create('allow', 'ok');
    expect(res.status).toBe(201);
    const review = await hooks.nextReview('/allow');
    expect(review.review.request).toMatchObject({ operation: 'CREATE', name: 'ok', namespace: 'allow' });
  });

  it('refuses with the webhook’s message and code, and stores nothing', async () => {
    const res = await cluster.create('deny', 'big', { body: { spec: { replicas: 500 } } });
    expect(res.status).toBe(403);
    expect(res.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'admission webhook "deny.example.com" denied the request: replicas above 100 are not allowed',
      reason: 'Forbidden',
      code: 403,
    });
    expect((await cluster.pwk.request('GET', item('deny', 'big'), { token: ADMIN })).status).toBe(404);
  });

  it('refuses a denial without status with 400 "without explanation"', async () => {
    const res = await cluster.create('deny-bare', 'x');
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({
      message: 'admission webhook "deny-bare.example.com" denied the request without explanation',
      code: 400,
    });
  });

  it('applies a JSON Patch: the answer and the stored object carry the mutation', async () => {
    const res = await cluster.create('mutate', 'patched');
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({
      metadata: { name: 'patched', labels: { 'mutated-by': 'webhook' } },
      spec: { replicas: 1, location: 'Mars' },
    });
    const stored = (await cluster.pwk.request('GET', item('mutate', 'patched'), { token: ADMIN })).json();
    expect(stored).toMatchObject({
      metadata: { labels: { 'mutated-by': 'webhook' } },
      spec: { location: 'Mars' },
    });
  });

  it('prunes a field the webhook added that the schema does not know, silently even under Strict', async () => {
    const res = await cluster.create('mutate', 'patched-strict', { query: '?fieldValidation=Strict' });
    expect(res.status).toBe(201);
    // Only the version's deprecation: nothing about the pruned field.
    expect(res.headers.warning).toBe(DEPRECATION_WARNING);
    expect(res.json<{ spec: Record<string, unknown> }>().spec).toEqual({ replicas: 1, location: 'Mars' });
    const stored = (
      await cluster.pwk.request('GET', item('mutate', 'patched-strict'), { token: ADMIN })
    ).json<{ spec: Record<string, unknown>; metadata: { managedFields?: unknown[] } }>();
    expect(stored.spec).toEqual({ replicas: 1, location: 'Mars' });
    expect(JSON.stringify(stored.metadata.managedFields ?? [])).not.toContain('f:colour');
  });

  it('fails a timed-out webhook closed under failurePolicy Fail (500), and stores nothing', async () => {
    const res = await cluster.create('timeout-fail', 'late');
    expect(res.status).toBe(500);
    expect(res.json()).toMatchObject({
      reason: 'InternalError',
      message: `Internal error occurred: failed calling webhook "timeout-fail.example.com": failed to call webhook: Post "${hooks.url}/hang?timeout=1s": context deadline exceeded`,
    });
    expect((await cluster.pwk.request('GET', item('timeout-fail', 'late'), { token: ADMIN })).status).toBe(
      404,
    );
  });

  it('lets the write through past a timed-out webhook under failurePolicy Ignore', async () => {
    expect((await cluster.create('timeout-ignore', 'late')).status).toBe(201);
  });

  it('fails closed when the webhook cannot be reached', async () => {
    const res = await cluster.create('unreachable', 'x');
    expect(res.status).toBe(500);
    expect(res.json<{ message: string }>().message).toBe(
      `Internal error occurred: failed calling webhook "unreachable.example.com": failed to call webhook: Post "https://127.0.0.1:${unreachablePort}/gone?timeout=10s": dial tcp 127.0.0.1:${unreachablePort}: connect: connection refused`,
    );
  });

  it('refuses to talk to a webhook whose certificate the caBundle does not vouch for', async () => {
    const res = await cluster.create('wrong-ca', 'x');
    expect(res.status).toBe(500);
    expect(res.json<{ message: string }>().message).toBe(
      `Internal error occurred: failed calling webhook "wrong-ca.example.com": failed to call webhook: Post "${hooks.url}/allow?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    );
    expect(hooks.received.filter((r) => r.review.request.namespace === 'wrong-ca')).toEqual([]);
  });

  it('refuses an answer that does not echo the request’s uid', async () => {
    const res = await cluster.create('bad-uid', 'x');
    expect(res.status).toBe(500);
    const review = await hooks.nextReview('/bad-uid');
    expect(res.json<{ message: string }>().message).toBe(
      `Internal error occurred: failed calling webhook "bad-uid.example.com": received invalid webhook response: expected response.uid="${review.review.request.uid}", got "not-it"`,
    );
  });

  it('sends a v1beta1 review to a webhook that accepts only v1beta1', async () => {
    expect((await cluster.create('v1beta1', 'old')).status).toBe(201);
    const review = await hooks.nextReview('/v1beta1');
    expect(review.review.apiVersion).toBe('admission.k8s.io/v1beta1');
  });

  it('refuses a dry run where a webhook has side effects (400), whatever its failurePolicy', async () => {
    const before = hooks.received.length;
    const res = await cluster.create('dry-run', 'dry', { query: '?dryRun=All' });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({
      reason: 'BadRequest',
      message: 'admission webhook "side-effects.example.com" does not support dry run',
    });
    const called = hooks.received.slice(before);
    expect(called.filter((r) => r.path === '/allow-some')).toEqual([]);
    // Validating webhooks are called side by side: the NoneOnDryRun one was asked, told dryRun: true.
    expect(called.filter((r) => r.path === '/allow-dry').map((r) => r.review.request.dryRun)).toEqual([true]);
  });

  it('tells webhooks dryRun: false on a write that is not a dry run', async () => {
    const before = hooks.received.length;
    expect((await cluster.create('dry-run', 'wet')).status).toBe(201);
    const called = hooks.received.slice(before).filter((r) => r.review.request.name === 'wet');
    expect(called.map((r) => [r.path, r.review.request.dryRun]).sort()).toEqual([
      ['/allow-dry', false],
      ['/allow-some', false],
    ]);
  });

  it('returns a webhook’s warnings as Warning headers', async () => {
    const res = await cluster.create('warnings', 'warned');
    expect(res.status).toBe(201);
    expect(res.headers.warning).toBe(
      `${DEPRECATION_WARNING}, 299 - "replicas will be capped", 299 - "location is ignored"`,
    );
  });

  it('returns the warnings of a webhook beside its refusal', async () => {
    const res = await cluster.create('warnings', 'refused', {
      body: { metadata: { name: 'refused', labels: { refuse: 'yes' } } },
    });
    expect(res.status).toBe(400);
    expect(res.headers.warning).toBe(`${DEPRECATION_WARNING}, 299 - "you were warned"`);
  });

  it('reaches a webhook service at <name>.<namespace>.svc through the service resolver', async () => {
    const res = await cluster.create('service', 'x');
    expect(res.status).toBe(400);
    expect(res.json<{ message: string }>().message).toBe(
      'admission webhook "svc.example.com" denied the request: reached through the service',
    );
    const review = await svcHooks.nextReview('/svc');
    expect(review.headers.host).toBe('svc-hook.webhooks.svc:8443');
    expect(review.query).toBe('timeout=10s');
  });

  it('fails a webhook whose service cannot be resolved as a failed call, under its failurePolicy', async () => {
    const res = await cluster.create('service', 'lost', {
      body: { metadata: { name: 'lost', labels: { lost: 'yes' } } },
    });
    expect(res.status).toBe(500);
    expect(res.json<{ message: string }>().message).toBe(
      'Internal error occurred: failed calling webhook "lost-svc.example.com": failed to call webhook: Post "https://lost.webhooks.svc:443/?timeout=10s": no such service webhooks/lost',
    );
  });

  it('refuses a DELETE a webhook denies, and the object stays', async () => {
    expect((await cluster.create('deletes', 'kept')).status).toBe(201);
    const res = await cluster.pwk.request('DELETE', item('deletes', 'kept'), { token: ADMIN });
    expect(res.status).toBe(403);
    expect((await cluster.pwk.request('GET', item('deletes', 'kept'), { token: ADMIN })).status).toBe(200);
  });

  it('applies a configuration added to the cluster once pwk has seen it, and none once it is deleted', async () => {
    cluster.kube.core.put(
      'validatingwebhookconfigurations',
      configuration('late', [webhook(hooks, { name: 'late.example.com', path: '/deny', namespace: 'late' })]),
    );
    for (let i = 0; ; i++) {
      const res = await cluster.create('late', `before-${i}`);
      if (res.status === 403) break;
      expect(res.status).toBe(201);
      await new Promise((r) => setTimeout(r, 20));
    }
    cluster.kube.core.remove('validatingwebhookconfigurations', '', 'late');
    for (let i = 0; ; i++) {
      const res = await cluster.create('late', `after-${i}`);
      if (res.status === 201) break;
      expect(res.status).toBe(403);
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it('tells the metrics hook of calls, rejections and calls failed open', async () => {
    const named = (name: string) => observed.filter(([, o]) => o.name === name).map(([what, o]) => [what, o]);
    expect(named('deny.example.com')).toEqual(
      expect.arrayContaining([
        [
          'rejection',
          {
            name: 'deny.example.com',
            type: 'validating',
            operation: 'CREATE',
            errorType: 'no_error',
            code: 403,
          },
        ],
        ['webhook', expect.objectContaining({ name: 'deny.example.com', rejected: true, code: 403 })],
      ]),
    );
    expect(named('timeout-ignore.example.com')).toEqual(
      expect.arrayContaining([
        ['failOpen', { name: 'timeout-ignore.example.com', type: 'validating' }],
        ['webhook', expect.objectContaining({ rejected: false })],
      ]),
    );
    expect(named('allow.example.com')).toContainEqual([
      'webhook',
      expect.objectContaining({ type: 'validating', operation: 'CREATE', rejected: false, code: 200 }),
    ]);
  });

  it('sends the AdmissionReview kube sends: uid, kinds, resources, names, the authenticated user, objects and options', async () => {
    const res = await cluster.pwk.request(
      'POST',
      `${collection('review')}?fieldManager=tests&fieldValidation=Strict`,
      {
        token: 'alice-token',
        body: foo('exact'),
      },
    );
    expect(res.status).toBe(201);
    const created = await hooks.nextReview('/review');
    const { request } = created.review;
    expect(created.review.apiVersion).toBe('admission.k8s.io/v1');
    expect(created.review.kind).toBe('AdmissionReview');
    expect(created.headers['content-type']).toBe('application/json');
    expect(created.query).toBe('timeout=10s');
    const gvk = { group: GROUP, version: 'v1beta1', kind: 'Foo' };
    const gvr = { group: GROUP, version: 'v1beta1', resource: 'foos' };
    expect(request).toEqual({
      uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      kind: gvk,
      resource: gvr,
      requestKind: gvk,
      requestResource: gvr,
      name: 'exact',
      namespace: 'review',
      operation: 'CREATE',
      userInfo: {
        username: 'alice',
        uid: 'alice-uid',
        groups: ['devs', 'system:authenticated'],
        extra: { 'example.com/team': ['blue'] },
      },
      object: expect.objectContaining({
        apiVersion: `${GROUP}/v1beta1`,
        kind: 'Foo',
        spec: { replicas: 1 },
      }),
      oldObject: null,
      dryRun: false,
      options: {
        kind: 'CreateOptions',
        apiVersion: 'meta.k8s.io/v1',
        fieldManager: 'tests',
        fieldValidation: 'Strict',
      },
    });
    expect(request.object).toMatchObject({ metadata: { name: 'exact', namespace: 'review' } });

    const deleted = await cluster.pwk.request('DELETE', item('review', 'exact'), { token: 'alice-token' });
    expect(deleted.status).toBe(200);
    const review = await hooks.nextReview('/review', hooks.received.indexOf(created) + 1);
    expect(review.review.request).toMatchObject({
      operation: 'DELETE',
      name: 'exact',
      object: null,
      oldObject: { metadata: { name: 'exact', uid: expect.any(String) } },
      options: { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1' },
    });
    expect(review.review.request.uid).not.toBe(request.uid);
  });
});

describe('admission webhooks before the cluster’s configurations are known', () => {
  it('refuses writes with 403 "not yet ready to handle request" rather than letting them through', async () => {
    const cluster = await startAdmittedServer({
      flags: ['--disable-admission-plugins=NamespaceLifecycle,ResourceQuota'],
      admissionSyncTimeoutMs: 100,
      prepare: (kube) => {
        kube.core.failWith = 503;
      },
    });
    try {
      const res = await cluster.create('default', 'early');
      expect(res.status).toBe(403);
      expect(res.json<{ message: string }>().message).toBe(
        `foos.${GROUP} "early" is forbidden: not yet ready to handle request`,
      );
      expect(await cluster.storedNamespaces()).toEqual([]);
    } finally {
      await cluster.stop();
    }
  });
});
