/**
 * matchPolicy Equivalent across the versions Foo is served in, through a real pwk behind the
 * stand-in core API: a webhook whose rules name one version is called for requests made in the
 * other, and is sent the objects in the version it named (kind/resource that version,
 * requestKind/requestResource the request's); a mutating webhook's patch to that view reaches the
 * stored object; Exact keeps to the version named.
 */
import { allow, deny, jsonPatch, startWebhookServer } from '../../support/webhook-server';
import type { ReceivedReview, WebhookServer } from '../../support/webhook-server';
import { ADMIN, GROUP, startAdmittedServer } from '../cluster';
import type { AdmittedServer } from '../cluster';
import { configuration, fooRule, webhook } from './setup';

jest.setTimeout(30_000);

const PAUSED_ANNOTATION = `${GROUP}/v1-spec-paused`;
const foos = (version: string, ns: string) => `/apis/${GROUP}/${version}/namespaces/${ns}/foos`;
const v1Rule = (extra: Record<string, unknown> = {}) => fooRule({ apiVersions: ['v1'], ...extra });

/** A Foo as a review or an answer carries it. */
const asFoo = (object: unknown) => object as Foo;

interface Foo {
  apiVersion: string;
  metadata: { name: string; resourceVersion?: string; annotations?: Record<string, string> };
  spec: { replicas?: number; location?: string; paused?: boolean };
}

describe('admission webhooks under matchPolicy Equivalent, across Foo’s versions', () => {
  let hooks: WebhookServer;
  let cluster: AdmittedServer;

  const reviewsOf = (path: string, name: string) =>
    hooks.received.filter((r) => r.path === path && r.review.request.name === name);
  const only = (path: string, name: string): ReceivedReview['review']['request'] => {
    const reviews = reviewsOf(path, name);
    expect(reviews).toHaveLength(1);
    return reviews[0]!.review.request;
  };
  const write = (method: string, url: string, body?: object) =>
    cluster.pwk.request(method, url, { token: ADMIN, body });
  const foo = (version: string, name: string, extra: Partial<Foo> = {}) => ({
    apiVersion: `${GROUP}/${version}`,
    kind: 'Foo',
    metadata: { name, ...extra.metadata },
    spec: { replicas: 1, ...extra.spec },
  });

  beforeAll(async () => {
    hooks = await startWebhookServer();
    hooks.on('/allow', () => allow());
    hooks.on('/deny', (r) => deny({ code: 403, message: `no ${String(r.review.request.name)}` }));
    hooks.on('/pause', () =>
      jsonPatch([
        { op: 'add', path: '/spec/paused', value: true },
        { op: 'add', path: '/spec/location', value: 'Webhook City' },
      ]),
    );
    cluster = await startAdmittedServer({
      prepare: (kube) => {
        for (const ns of ['to-v1', 'to-v1beta1', 'exact', 'mutate', 'status', 'scale'])
          kube.core.namespace(ns);
        kube.core.put(
          'validatingwebhookconfigurations',
          configuration('equivalent', [
            webhook(hooks, {
              name: 'v1-only.example.com',
              path: '/allow',
              namespace: 'to-v1',
              extra: { rules: [v1Rule({ operations: ['*'] })] },
            }),
            webhook(hooks, {
              name: 'v1beta1-only.example.com',
              path: '/allow',
              namespace: 'to-v1beta1',
              extra: { rules: [fooRule()] },
            }),
            webhook(hooks, {
              name: 'v1-exact.example.com',
              path: '/deny',
              namespace: 'exact',
              extra: { rules: [v1Rule()], matchPolicy: 'Exact' },
            }),
            webhook(hooks, {
              name: 'v1-status.example.com',
              path: '/deny',
              namespace: 'status',
              extra: { rules: [v1Rule({ operations: ['UPDATE'], resources: ['foos/status'] })] },
            }),
            webhook(hooks, {
              name: 'v1-scale.example.com',
              path: '/allow',
              namespace: 'scale',
              extra: { rules: [v1Rule({ operations: ['UPDATE'], resources: ['foos/scale'] })] },
            }),
          ]),
        );
        kube.core.put(
          'mutatingwebhookconfigurations',
          configuration('equivalent', [
            webhook(hooks, {
              name: 'pause.example.com',
              path: '/pause',
              namespace: 'mutate',
              extra: { rules: [v1Rule({ operations: ['CREATE'] })], reinvocationPolicy: 'Never' },
            }),
          ]),
        );
      },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
    await hooks?.close();
  });

  it('sends a v1beta1 write to a webhook naming only v1, the objects converted to v1', async () => {
    const created = await write(
      'POST',
      foos('v1beta1', 'to-v1'),
      foo('v1beta1', 'a', {
        metadata: { name: 'a', annotations: { [PAUSED_ANNOTATION]: 'true', keep: 'me' } },
      }),
    );
    expect(created.status).toBe(201);
    const create = only('/allow', 'a');
    expect(create).toMatchObject({
      operation: 'CREATE',
      kind: { group: GROUP, version: 'v1', kind: 'Foo' },
      resource: { group: GROUP, version: 'v1', resource: 'foos' },
      requestKind: { group: GROUP, version: 'v1beta1', kind: 'Foo' },
      requestResource: { group: GROUP, version: 'v1beta1', resource: 'foos' },
      oldObject: null,
    });
    const sent = asFoo(create.object);
    expect(sent.apiVersion).toBe(`${GROUP}/v1`);
    expect(sent.spec).toMatchObject({ replicas: 1, paused: true });
    expect(sent.metadata.annotations).toEqual({ keep: 'me' });

    const stored = created.json<Foo>();
    const updated = await write('PUT', `${foos('v1beta1', 'to-v1')}/a`, {
      ...stored,
      spec: { ...stored.spec, replicas: 2 },
    });
    expect(updated.status).toBe(200);
    const deleted = await write('DELETE', `${foos('v1beta1', 'to-v1')}/a`);
    expect(deleted.status).toBe(200);
    const [, update, del] = reviewsOf('/allow', 'a').map((r) => r.review.request);
    expect([update?.operation, del?.operation]).toEqual(['UPDATE', 'DELETE']);
    for (const old of [update!.oldObject, del!.oldObject].map(asFoo)) {
      expect(old.apiVersion).toBe(`${GROUP}/v1`);
      expect(old.spec.paused).toBe(true);
      expect(old.metadata.annotations).toEqual({ keep: 'me' });
    }
    expect(asFoo(update!.object).spec).toMatchObject({ replicas: 2, paused: true });
  });

  it('sends a v1 write to a webhook naming only v1beta1, spec.paused in the annotation', async () => {
    const created = await write('POST', foos('v1', 'to-v1beta1'), foo('v1', 'b', { spec: { paused: true } }));
    expect(created.status).toBe(201);
    const request = only('/allow', 'b');
    expect(request).toMatchObject({
      kind: { version: 'v1beta1', kind: 'Foo' },
      requestKind: { version: 'v1', kind: 'Foo' },
    });
    const sent = asFoo(request.object);
    expect(sent.apiVersion).toBe(`${GROUP}/v1beta1`);
    expect(sent.spec).toEqual({ replicas: 1 });
    expect(sent.metadata.annotations).toEqual({ [PAUSED_ANNOTATION]: 'true' });
  });

  it('sends a request in the version named as it is, and keeps Exact to that version', async () => {
    expect((await write('POST', foos('v1', 'to-v1'), foo('v1', 'c'))).status).toBe(201);
    const request = only('/allow', 'c');
    expect([request.kind, request.requestKind]).toEqual([
      { group: GROUP, version: 'v1', kind: 'Foo' },
      { group: GROUP, version: 'v1', kind: 'Foo' },
    ]);
    expect((await write('POST', foos('v1beta1', 'exact'), foo('v1beta1', 'd'))).status).toBe(201);
    expect(reviewsOf('/deny', 'd')).toEqual([]);
    expect((await write('POST', foos('v1', 'exact'), foo('v1', 'e'))).status).toBe(403);
  });

  it('applies a mutating webhook’s patch to the v1 view and stores it, whichever version was written', async () => {
    const created = await write('POST', foos('v1beta1', 'mutate'), foo('v1beta1', 'f'));
    expect(created.status).toBe(201);
    expect(asFoo(only('/pause', 'f').object).apiVersion).toBe(`${GROUP}/v1`);
    // The answer is in the request's version: paused travels in the annotation.
    const answered = created.json<Foo>();
    expect(answered.apiVersion).toBe(`${GROUP}/v1beta1`);
    expect(answered.metadata.annotations?.[PAUSED_ANNOTATION]).toBe('true');
    expect(answered.spec.location).toBe('Webhook City');
    const read = (
      await cluster.pwk.request('GET', `${foos('v1', 'mutate')}/f`, { token: ADMIN })
    ).json<Foo>();
    expect(read.spec).toEqual({ replicas: 1, location: 'Webhook City', paused: true });
    expect(read.metadata.annotations).toBeUndefined();
  });

  it('judges a v1beta1 status write by a webhook naming v1 foos/status', async () => {
    const created = (await write('POST', foos('v1beta1', 'status'), foo('v1beta1', 'g'))).json<Foo>();
    const status = await write('PUT', `${foos('v1beta1', 'status')}/g/status`, {
      ...created,
      status: { observedGeneration: 1 },
    });
    expect(status.status).toBe(403);
    expect(only('/deny', 'g')).toMatchObject({
      subResource: 'status',
      kind: { version: 'v1', kind: 'Foo' },
      resource: { version: 'v1', resource: 'foos' },
      requestKind: { version: 'v1beta1', kind: 'Foo' },
      object: { apiVersion: `${GROUP}/v1` },
    });
  });

  it('sends a v1beta1 scale write to a webhook naming v1 foos/scale as the Scale it is', async () => {
    expect((await write('POST', foos('v1beta1', 'scale'), foo('v1beta1', 'h'))).status).toBe(201);
    const scaled = await cluster.pwk.request('PATCH', `${foos('v1beta1', 'scale')}/h/scale`, {
      token: ADMIN,
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { spec: { replicas: 4 } },
    });
    expect(scaled.status).toBe(200);
    expect(only('/allow', 'h')).toMatchObject({
      subResource: 'scale',
      kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      resource: { group: GROUP, version: 'v1', resource: 'foos' },
      requestKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      requestResource: { group: GROUP, version: 'v1beta1', resource: 'foos' },
      object: { apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 4 } },
    });
  });
});
