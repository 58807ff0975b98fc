/**
 * Which webhooks a write reaches and in what order, through a real pwk behind the stand-in core
 * API: namespaceSelector (the namespace's labels) and objectSelector (new or old object), rules on
 * foos/status and foos/scale (the webhook sees an autoscaling/v1 Scale), matchConditions without a
 * CEL evaluator (failurePolicy decides), mutating webhooks in order with reinvocation, and a slow
 * webhook that holds only the writes it matches.
 */
import { deny, jsonPatch, startWebhookServer } from '../../support/webhook-server';
import type { ReceivedReview, WebhookServer } from '../../support/webhook-server';
import { ADMIN, GROUP, collection, startAdmittedServer } from '../cluster';
import type { AdmittedServer } from '../cluster';
import { configuration, fooRule, inNamespace, webhook } from './setup';

jest.setTimeout(30_000);

const item = (ns: string, name: string) => `${collection(ns)}/${name}`;

interface Stored {
  metadata: {
    name: string;
    resourceVersion: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: { replicas?: number; location?: string };
}

describe('which admission webhooks a write reaches', () => {
  let hooks: WebhookServer;
  let cluster: AdmittedServer;
  let releaseSlow: () => void = () => {};
  const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));

  const reviewsOf = (path: string, name: string) =>
    hooks.received.filter((r) => r.path === path && r.review.request.name === name);

  beforeAll(async () => {
    hooks = await startWebhookServer();
    hooks.on('/deny', (r) => deny({ code: 403, message: `no ${String(r.review.request.name)}` }));
    hooks.on('/slow', async () => {
      await slowGate;
      return { response: { allowed: true } };
    });
    // Reinvocation: "first" records what location it saw; "second" sets the location.
    const sawLocation = (r: ReceivedReview) => {
      const object = r.review.request.object as {
        metadata: { annotations?: object };
        spec?: { location?: string };
      };
      const annotations = {
        ...(object.metadata.annotations ?? {}),
        'first-saw': object.spec?.location ?? 'none',
      };
      return jsonPatch([{ op: 'add', path: '/metadata/annotations', value: annotations }]);
    };
    hooks.on('/first', sawLocation);
    hooks.on('/first-never', sawLocation);
    hooks.on('/second', () => jsonPatch([{ op: 'add', path: '/spec/location', value: 'Mars' }]));
    hooks.on('/scale-to-3', () => jsonPatch([{ op: 'replace', path: '/spec/replicas', value: 3 }]));
    hooks.on('/negative', () => jsonPatch([{ op: 'replace', path: '/spec/replicas', value: -1 }]));
    hooks.on('/broken-patch', () => jsonPatch([{ op: 'remove', path: '/spec/nothing/here' }]));
    hooks.on('/no-metadata', () => jsonPatch([{ op: 'replace', path: '/metadata', value: 'gone' }]));
    cluster = await startAdmittedServer({
      prepare: (kube) => {
        kube.core.namespace('team-blocked', 'Active', { team: 'blocked' });
        kube.core.namespace('team-free', 'Active', { team: 'free' });
        for (const ns of [
          'objects',
          'status',
          'scale',
          'scale-ok',
          'conditions',
          'conditions-excluded',
          'slow',
          'unmatched',
          'reinvoke',
          'never',
          'invalid',
        ]) {
          kube.core.namespace(ns);
        }
        kube.core.put(
          'validatingwebhookconfigurations',
          configuration('matching', [
            webhook(hooks, {
              name: 'blocked-teams.example.com',
              path: '/deny',
              namespace: '',
              extra: {
                namespaceSelector: {
                  matchExpressions: [{ key: 'team', operator: 'In', values: ['blocked'] }],
                },
              },
            }),
            webhook(hooks, {
              name: 'labelled.example.com',
              path: '/deny',
              namespace: 'objects',
              extra: {
                objectSelector: { matchLabels: { guarded: 'yes' } },
                rules: [fooRule({ operations: ['*'] })],
              },
            }),
            webhook(hooks, {
              name: 'status.example.com',
              path: '/deny',
              namespace: 'status',
              extra: { rules: [fooRule({ resources: ['foos/status'] })] },
            }),
            webhook(hooks, {
              name: 'scale.example.com',
              path: '/deny',
              namespace: 'scale',
              extra: { rules: [fooRule({ resources: ['foos/scale'] })], objectSelector: {} },
            }),
            webhook(hooks, {
              name: 'conditions-fail.example.com',
              path: '/deny',
              namespace: 'conditions',
              extra: {
                // A field the object lacks: an error at run time.
                matchConditions: [{ name: 'replicas-set', expression: 'object.spec.nothing == 1' }],
                objectSelector: { matchLabels: { policy: 'fail' } },
              },
            }),
            webhook(hooks, {
              name: 'conditions-ignore.example.com',
              path: '/deny',
              namespace: 'conditions',
              extra: {
                matchConditions: [{ name: 'replicas-set', expression: 'object.spec.nothing == 1' }],
                failurePolicy: 'Ignore',
                objectSelector: { matchLabels: { policy: 'ignore' } },
              },
            }),
            webhook(hooks, {
              name: 'conditions-compile.example.com',
              path: '/deny',
              namespace: 'conditions',
              extra: {
                matchConditions: [{ name: 'broken', expression: 'object.metadata.name.frobnicate()' }],
                objectSelector: { matchLabels: { policy: 'broken' } },
              },
            }),
            webhook(hooks, {
              name: 'conditions-exclude.example.com',
              path: '/deny',
              namespace: '',
              extra: {
                namespaceSelector: {
                  matchExpressions: [
                    {
                      key: 'kubernetes.io/metadata.name',
                      operator: 'In',
                      values: ['conditions', 'conditions-excluded'],
                    },
                  ],
                },
                matchConditions: [
                  { name: 'not-excluded', expression: "request.namespace != 'conditions-excluded'" },
                  { name: 'is-create', expression: "request.operation == 'CREATE'" },
                ],
                objectSelector: { matchLabels: { policy: 'exclude' } },
              },
            }),
            webhook(hooks, {
              name: 'slow.example.com',
              path: '/slow',
              namespace: 'slow',
              extra: { objectSelector: { matchExpressions: [{ key: 'fast', operator: 'DoesNotExist' }] } },
            }),
          ]),
        );
        const mutating = (name: string, path: string, ns: string, extra: Record<string, unknown> = {}) =>
          webhook(hooks, { name, path, namespace: ns, extra });
        // Configurations run in name order: a-… before b-….
        kube.core.put(
          'mutatingwebhookconfigurations',
          configuration('a-first', [
            mutating('first.example.com', '/first', 'reinvoke', { reinvocationPolicy: 'IfNeeded' }),
            mutating('first-never.example.com', '/first-never', 'never', { reinvocationPolicy: 'Never' }),
            mutating('scale-to-3.example.com', '/scale-to-3', 'scale', {
              rules: [fooRule({ resources: ['foos/scale'] })],
              namespaceSelector: {
                matchExpressions: [
                  { key: 'kubernetes.io/metadata.name', operator: 'In', values: ['scale', 'scale-ok'] },
                ],
              },
            }),
            mutating('negative.example.com', '/negative', 'invalid', {
              objectSelector: { matchLabels: { patch: 'negative' } },
            }),
            mutating('broken-patch.example.com', '/broken-patch', 'invalid', {
              objectSelector: { matchLabels: { patch: 'broken' } },
            }),
            mutating('no-metadata.example.com', '/no-metadata', 'invalid', {
              objectSelector: { matchLabels: { patch: 'no-metadata' } },
            }),
          ]),
        );
        kube.core.put(
          'mutatingwebhookconfigurations',
          configuration('b-second', [
            mutating('second.example.com', '/second', 'reinvoke'),
            {
              ...mutating('second-never.example.com', '/second', 'never'),
              namespaceSelector: inNamespace('never'),
            },
          ]),
        );
      },
    });
  });
  afterAll(async () => {
    releaseSlow();
    await cluster?.stop();
    await hooks?.close();
  });

  it('calls a webhook only in namespaces whose labels its namespaceSelector selects', async () => {
    const blocked = await cluster.create('team-blocked', 'x');
    expect(blocked.status).toBe(403);
    expect(blocked.json<{ message: string }>().message).toBe(
      'admission webhook "blocked-teams.example.com" denied the request: no x',
    );
    expect((await cluster.create('team-free', 'x')).status).toBe(201);
  });

  it('calls a webhook when its objectSelector selects the new object or the old one', async () => {
    expect((await cluster.create('objects', 'plain')).status).toBe(201);
    expect(reviewsOf('/deny', 'plain')).toEqual([]);
    const guarded = await cluster.create('objects', 'guarded', {
      body: { metadata: { name: 'guarded', labels: { guarded: 'yes' } } },
    });
    expect(guarded.status).toBe(403);
    // Taking the label off is still judged: the old object carries it.
    const stored = (
      await cluster.pwk.request('GET', item('objects', 'plain'), { token: ADMIN })
    ).json<Stored>();
    const relabel = await cluster.pwk.request('PATCH', item('objects', 'plain'), {
      token: ADMIN,
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { metadata: { labels: { guarded: 'yes' }, resourceVersion: stored.metadata.resourceVersion } },
    });
    expect(relabel.status).toBe(403);
  });

  it('calls a foos/status webhook for status writes only, not for the main resource', async () => {
    expect((await cluster.create('status', 'a')).status).toBe(201);
    const stored = (await cluster.pwk.request('GET', item('status', 'a'), { token: ADMIN })).json<Stored>();
    const status = await cluster.pwk.request('PUT', `${item('status', 'a')}/status`, {
      token: ADMIN,
      body: { ...stored, status: { observedGeneration: 1 } },
    });
    expect(status.status).toBe(403);
    const [review] = reviewsOf('/deny', 'a');
    expect(review!.review.request).toMatchObject({
      operation: 'UPDATE',
      subResource: 'status',
      requestSubResource: 'status',
      kind: { group: GROUP, version: 'v1beta1', kind: 'Foo' },
      resource: { group: GROUP, version: 'v1beta1', resource: 'foos' },
    });
  });

  it('shows a foos/scale webhook an autoscaling/v1 Scale, and folds its patch back into the Foo', async () => {
    expect((await cluster.create('scale', 'a')).status).toBe(201);
    expect(reviewsOf('/scale-to-3', 'a')).toEqual([]);
    // The mutating webhook sets the Scale's replicas to 3; the validating one then refuses.
    const res = await cluster.pwk.request('PATCH', `${item('scale', 'a')}/scale`, {
      token: ADMIN,
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { spec: { replicas: 7 } },
    });
    expect(res.status).toBe(403);
    const [mutated] = reviewsOf('/scale-to-3', 'a');
    expect(mutated!.review.request).toMatchObject({
      kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      subResource: 'scale',
      object: { apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 7 } },
    });
    const [validated] = reviewsOf('/deny', 'a').filter((r) => r.review.request.subResource === 'scale');
    expect(validated!.review.request.object).toMatchObject({ kind: 'Scale', spec: { replicas: 3 } });

    // Where nothing refuses, the Foo is stored with the webhook's replicas.
    expect((await cluster.create('scale-ok', 'b')).status).toBe(201);
    const scaled = await cluster.pwk.request('PUT', `${item('scale-ok', 'b')}/scale`, {
      token: ADMIN,
      body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'b' }, spec: { replicas: 7 } },
    });
    expect(scaled.status).toBe(200);
    expect(scaled.json()).toMatchObject({ spec: { replicas: 3 } });
    const stored = (await cluster.pwk.request('GET', item('scale-ok', 'b'), { token: ADMIN })).json<Stored>();
    expect(stored.spec.replicas).toBe(3);
  });

  it('refuses (403) where a webhook’s matchConditions fail at run time under Fail, and skips it under Ignore', async () => {
    const fail = await cluster.create('conditions', 'strict', {
      body: { metadata: { name: 'strict', labels: { policy: 'fail' } } },
    });
    expect(fail.status).toBe(403);
    expect(fail.json<{ message: string }>().message).toBe(
      `foos.${GROUP} "strict" is forbidden: expression 'object.spec.nothing == 1' resulted in error: field not found: nothing`,
    );
    const ignore = await cluster.create('conditions', 'lenient', {
      body: { metadata: { name: 'lenient', labels: { policy: 'ignore' } } },
    });
    expect(ignore.status).toBe(201);
    expect(reviewsOf('/deny', 'strict').concat(reviewsOf('/deny', 'lenient'))).toEqual([]);
  });

  it('refuses (403) where a webhook’s matchCondition does not compile, naming the compile error', async () => {
    const res = await cluster.create('conditions', 'broken', {
      body: { metadata: { name: 'broken', labels: { policy: 'broken' } } },
    });
    expect(res.status).toBe(403);
    expect(res.json<{ message: string }>().message).toBe(
      `foos.${GROUP} "broken" is forbidden: compilation error: compilation failed: ERROR: <input>:1:21: undeclared reference to 'frobnicate' (in container ''): not a function pwk's CEL has`,
    );
    expect(reviewsOf('/deny', 'broken')).toEqual([]);
  });

  it('calls a webhook whose matchConditions hold, and not where one is false (a namespace excluded)', async () => {
    const called = await cluster.create('conditions', 'matched', {
      body: { metadata: { name: 'matched', labels: { policy: 'exclude' } } },
    });
    expect(called.status).toBe(403);
    expect(reviewsOf('/deny', 'matched')).toHaveLength(1);
    const excluded = await cluster.create('conditions-excluded', 'skipped', {
      body: { metadata: { name: 'skipped', labels: { policy: 'exclude' } } },
    });
    expect(excluded.status).toBe(201);
    expect(reviewsOf('/deny', 'skipped')).toEqual([]);
  });

  it('reinvokes an IfNeeded webhook once a later webhook changed the object', async () => {
    const res = await cluster.create('reinvoke', 'r');
    expect(res.status).toBe(201);
    expect(res.json<Stored>()).toMatchObject({
      metadata: { annotations: { 'first-saw': 'Mars' } },
      spec: { location: 'Mars' },
    });
    expect(
      reviewsOf('/first', 'r').map(
        (r) => (r.review.request.object as unknown as Stored).spec.location ?? 'none',
      ),
    ).toEqual(['none', 'Mars']);
    expect(reviewsOf('/second', 'r')).toHaveLength(1);
  });

  it('does not reinvoke a webhook whose reinvocationPolicy is Never', async () => {
    const res = await cluster.create('never', 'n');
    expect(res.status).toBe(201);
    expect(res.json<Stored>()).toMatchObject({
      metadata: { annotations: { 'first-saw': 'none' } },
      spec: { location: 'Mars' },
    });
    expect(reviewsOf('/first-never', 'n')).toHaveLength(1);
  });

  it('validates what a webhook’s patch made (422) and refuses a patch that does not apply (500)', async () => {
    const negative = await cluster.create('invalid', 'neg', {
      body: { metadata: { name: 'neg', labels: { patch: 'negative' } } },
    });
    expect(negative.status).toBe(422);
    expect(negative.json<{ message: string }>().message).toMatch(
      /^Foo\.bar\.pwk\.educative\.io "neg" is invalid: spec\.replicas/,
    );
    const broken = await cluster.create('invalid', 'broken', {
      body: { metadata: { name: 'broken', labels: { patch: 'broken' } } },
    });
    expect(broken.status).toBe(500);
    expect(broken.json()).toMatchObject({ reason: 'InternalError' });
    const noMetadata = await cluster.create('invalid', 'bare', {
      body: { metadata: { name: 'bare', labels: { patch: 'no-metadata' } } },
    });
    expect(noMetadata.status).toBe(500);
    expect(noMetadata.json()).toMatchObject({
      message: "Internal error occurred: the patched object's metadata is not an object",
    });
    expect((await cluster.pwk.request('GET', item('invalid', 'broken'), { token: ADMIN })).status).toBe(404);
  });

  it('holds only the writes a slow webhook matches: others, in its namespace and elsewhere, complete meanwhile', async () => {
    let slowSettled = false;
    const slow = cluster.create('slow', 'held').finally(() => (slowSettled = true));
    await hooks.nextReview('/slow');
    // The slow webhook holds "held"; writes it does not match go through now.
    const elsewhere = await cluster.create('unmatched', 'quick');
    const sameNamespace = await cluster.create('slow', 'quick', {
      body: { metadata: { name: 'quick', labels: { fast: 'yes' } } },
    });
    expect([elsewhere.status, sameNamespace.status]).toEqual([201, 201]);
    expect(slowSettled).toBe(false);
    expect(hooks.received.filter((r) => r.path === '/slow').map((r) => r.review.request.name)).toEqual([
      'held',
    ]);
    releaseSlow();
    expect((await slow).status).toBe(201);
  });
});
