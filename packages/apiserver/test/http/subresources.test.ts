/**
 * The status and scale subresources over HTTP, as a CRD with both serves them: /status writes
 * change only status and never the generation, main-resource writes ignore status, /scale maps
 * spec.replicas to an autoscaling/v1 Scale; plus the deletion options kubectl and controllers
 * send (deletecollection with finalizers, propagationPolicy, preconditions) — nothing written on errors.
 * Run for Foo at each served version (v1 and v1beta1).
 */
import { FOO_FIXTURES } from '../support/kinds/fixtures';
import { startTestServer } from '../support/server';
import type { RequestOptions, TestResponse, TestServer } from '../support/server';

type Json = Record<string, unknown>;
interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  subresource?: string;
  fieldsV1: Json;
}
interface Foo {
  apiVersion: string;
  kind: string;
  metadata: Json & {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    generation: number;
    finalizers?: string[];
    deletionTimestamp?: string;
    managedFields?: ManagedFieldsEntry[];
  };
  spec?: { replicas?: number; location?: string };
  status?: Json;
}
interface Scale {
  kind: string;
  apiVersion: string;
  metadata: Json & { resourceVersion: string };
  spec: { replicas: number };
  status: Json;
}

const MERGE_PATCH = 'application/merge-patch+json';

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${++counter}`;

describe.each(FOO_FIXTURES)('status and scale subresources, and deletion options: $title', (k) => {
  const GROUP = k.group;
  const API_VERSION = k.apiVersion;
  const collection = (ns = 'default') => k.collection(ns);
  const item = (name: string, ns = 'default') => k.item(name, ns);
  const fooBody = (name: string, spec: Json = k.spec(2), metadata: Json = {}) => k.body(name, spec, metadata);

  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const revision = () => server.server.storage.currentRevision();
  const send = (method: string, path: string, options?: RequestOptions) =>
    server.request(method, path, options);
  const get = async (name: string, ns?: string): Promise<Foo> =>
    (await send('GET', item(name, ns))).json<Foo>();

  async function create(name: string, spec?: Json, metadata?: Json, ns?: string): Promise<Foo> {
    const res = await send('POST', collection(ns), { body: fooBody(name, spec, metadata) });
    expect(res.status).toBe(201);
    return res.json<Foo>();
  }

  /** A Foo that already has a status (written through /status). */
  async function createWithStatus(name: string): Promise<Foo> {
    const foo = await create(name);
    const res = await send('PUT', `${item(name)}/status`, {
      body: { ...foo, status: { observedGeneration: 1 } },
    });
    expect(res.status).toBe(200);
    return res.json<Foo>();
  }

  function patch(path: string, body: unknown, contentType = MERGE_PATCH): Promise<TestResponse> {
    return send('PATCH', path, { headers: { 'content-type': contentType }, body: JSON.stringify(body) });
  }

  /** Runs a request that must fail, and checks the store's revision did not move. */
  async function expectNothingWritten(request: () => Promise<TestResponse>): Promise<TestResponse> {
    const before = await revision();
    const res = await request();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await revision()).toBe(before);
    return res;
  }

  describe('/status', () => {
    it('answers GET with the whole object', async () => {
      const name = uniqueName('st-get');
      const foo = await createWithStatus(name);
      const res = await send('GET', `${item(name)}/status`);

      expect(res.status).toBe(200);
      expect(res.headers.warning).toBe(k.warning);
      expect(res.json()).toEqual(foo);
    });

    it('changes only status on PUT, ignoring spec and labels, without bumping generation', async () => {
      const name = uniqueName('st-put');
      const foo = await create(name);
      const res = await send('PUT', `${item(name)}/status?fieldManager=ctrl`, {
        body: {
          ...foo,
          metadata: { ...foo.metadata, labels: { sneaky: 'yes' } },
          spec: { replicas: 9, location: 'Nowhere' },
          status: { observedGeneration: 1, conditions: [] },
        },
      });

      expect(res.status).toBe(200);
      const updated = res.json<Foo>();
      expect(updated.spec).toEqual(foo.spec);
      expect(updated.metadata.labels).toBeUndefined();
      expect(updated.status).toEqual({ observedGeneration: 1, conditions: [] });
      expect(updated.metadata.generation).toBe(1);
      expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(foo.metadata.resourceVersion));
      expect(await get(name)).toEqual(updated);
    });

    it('changes only status on PATCH, without bumping generation', async () => {
      const name = uniqueName('st-patch');
      await createWithStatus(name);
      const res = await patch(`${item(name)}/status`, {
        spec: { replicas: 7 },
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              lastTransitionTime: '2024-01-01T00:00:00Z',
              reason: 'Up',
              message: 'up',
            },
          ],
        },
      });

      expect(res.status).toBe(200);
      const foo = res.json<Foo>();
      expect(foo.spec?.replicas).toBe(2);
      expect(foo.status).toMatchObject({
        observedGeneration: 1,
        conditions: [{ type: 'Ready', status: 'True' }],
      });
      expect(foo.metadata.generation).toBe(1);
    });

    it('records status writes in managedFields under subresource "status"', async () => {
      const name = uniqueName('st-mf');
      await create(name);
      const foo = (await send('GET', item(name))).json<Foo>();
      const res = await send('PUT', `${item(name)}/status?fieldManager=ctrl`, {
        body: { ...foo, spec: { replicas: 5 }, status: { observedGeneration: 1 } },
      });

      const entry = res.json<Foo>().metadata.managedFields?.find((e) => e.manager === 'ctrl');
      expect(entry).toMatchObject({
        operation: 'Update',
        subresource: 'status',
        fieldsV1: { 'f:status': { '.': {}, 'f:observedGeneration': {} } },
      });
    });

    it('answers 422 for an invalid status and writes nothing', async () => {
      const name = uniqueName('st-invalid');
      await create(name);
      const res = await expectNothingWritten(() =>
        patch(`${item(name)}/status`, { status: { observedGeneration: -1 } }),
      );

      expect(res.json()).toMatchObject({
        code: 422,
        reason: 'Invalid',
        details: { causes: [{ field: 'status.observedGeneration' }] },
      });
    });

    it('answers 409 for a PUT with a stale resourceVersion and 422 without one, writing nothing', async () => {
      const name = uniqueName('st-rv');
      const foo = await createWithStatus(name);
      const stale = {
        ...foo,
        metadata: { ...foo.metadata, resourceVersion: '1' },
        status: { observedGeneration: 3 },
      };
      const { resourceVersion: _rv, ...withoutRv } = foo.metadata;

      const conflict = await expectNothingWritten(() => send('PUT', `${item(name)}/status`, { body: stale }));
      const missing = await expectNothingWritten(() =>
        send('PUT', `${item(name)}/status`, { body: { ...foo, metadata: withoutRv } }),
      );

      expect(conflict.json()).toMatchObject({ code: 409, reason: 'Conflict' });
      expect(missing.json()).toMatchObject({
        code: 422,
        details: { causes: [{ field: 'metadata.resourceVersion' }] },
      });
    });

    it('takes a server-side apply of status, owned under subresource "status", ignoring spec', async () => {
      const name = uniqueName('st-apply');
      await create(name);
      const res = await send('PATCH', `${item(name)}/status?fieldManager=ctrl`, {
        headers: { 'content-type': 'application/apply-patch+yaml' },
        body: [
          `apiVersion: ${API_VERSION}`,
          'kind: Foo',
          `metadata: {name: ${name}}`,
          'spec: {replicas: 9}',
          'status: {observedGeneration: 1}',
          '',
        ].join('\n'),
      });

      expect(res.status).toBe(200);
      const foo = res.json<Foo>();
      expect(foo.spec?.replicas).toBe(2);
      expect(foo.status).toEqual({ observedGeneration: 1 });
      expect(foo.metadata.generation).toBe(1);
      expect(foo.metadata.managedFields?.find((e) => e.manager === 'ctrl')).toMatchObject({
        operation: 'Apply',
        subresource: 'status',
        fieldsV1: { 'f:status': { 'f:observedGeneration': {} } },
      });
    });

    it('answers 404 to a status apply for an object that does not exist, creating nothing', async () => {
      const name = uniqueName('st-apply-missing');
      const res = await expectNothingWritten(() =>
        send('PATCH', `${item(name)}/status?fieldManager=ctrl`, {
          headers: { 'content-type': 'application/apply-patch+yaml' },
          body: `apiVersion: ${API_VERSION}\nkind: Foo\nmetadata: {name: ${name}}\nstatus: {observedGeneration: 1}\n`,
        }),
      );

      expect(res.json()).toMatchObject({ code: 404, reason: 'NotFound' });
    });

    it('answers 422 for force on a non-apply status patch', async () => {
      const name = uniqueName('st-force');
      await create(name);
      const res = await expectNothingWritten(() =>
        send('PATCH', `${item(name)}/status?force=true`, {
          headers: { 'content-type': MERGE_PATCH },
          body: { status: { observedGeneration: 1 } },
        }),
      );

      expect(res.json()).toMatchObject({ code: 422, details: { causes: [{ field: 'force' }] } });
    });

    it('answers 404 for an object that does not exist', async () => {
      const res = await send('GET', `${item(uniqueName('st-missing'))}/status`);

      expect(res.json()).toMatchObject({ code: 404, reason: 'NotFound' });
    });

    it('answers 405 for a method the subresource does not serve', async () => {
      const name = uniqueName('st-405');
      await create(name);

      expect((await expectNothingWritten(() => send('DELETE', `${item(name)}/status`))).status).toBe(405);
    });
  });

  describe('main-resource writes ignore status', () => {
    it('keeps the stored status on PUT and PATCH, still bumping generation for spec changes', async () => {
      const name = uniqueName('main-status');
      const foo = await createWithStatus(name);
      const put = await send('PUT', item(name), {
        body: { ...foo, spec: { replicas: 4 }, status: { observedGeneration: 99 } },
      });
      const patched = await patch(item(name), { status: { observedGeneration: 42 } });

      expect(put.json<Foo>()).toMatchObject({ spec: { replicas: 4 }, status: { observedGeneration: 1 } });
      expect(put.json<Foo>().metadata.generation).toBe(2);
      expect(patched.json<Foo>().status).toEqual({ observedGeneration: 1 });
      expect(patched.json<Foo>().metadata.generation).toBe(2);
    });
  });

  describe('/scale', () => {
    const scalePath = (name: string) => `${item(name)}/scale`;

    it('answers GET with an autoscaling/v1 Scale of spec.replicas', async () => {
      const name = uniqueName('sc-get');
      const foo = await create(name, { replicas: 3 });
      const res = await send('GET', scalePath(name));

      expect(res.status).toBe(200);
      expect(res.headers.warning).toBe(k.warning);
      expect(res.json()).toEqual({
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: {
          name,
          namespace: 'default',
          uid: foo.metadata.uid,
          resourceVersion: foo.metadata.resourceVersion,
          creationTimestamp: foo.metadata.creationTimestamp,
        },
        spec: { replicas: 3 },
        status: { replicas: 0 },
      });
    });

    it('sets spec.replicas on PUT with the current resourceVersion, bumping generation', async () => {
      const name = uniqueName('sc-put');
      await create(name, { replicas: 1, location: 'Oslo' });
      const scale = (await send('GET', scalePath(name))).json<Scale>();
      const res = await send('PUT', scalePath(name), { body: { ...scale, spec: { replicas: 6 } } });

      expect(res.status).toBe(200);
      expect(res.json<Scale>().spec.replicas).toBe(6);
      expect(res.json<Scale>().metadata.resourceVersion).not.toBe(scale.metadata.resourceVersion);
      const foo = await get(name);
      expect(foo.spec).toEqual({ replicas: 6, location: 'Oslo', ...k.specDefaults });
      expect(foo.metadata.generation).toBe(2);
    });

    it('answers 409 for a PUT with a stale resourceVersion, writing nothing', async () => {
      const name = uniqueName('sc-stale');
      await create(name, { replicas: 1 });
      const scale = (await send('GET', scalePath(name))).json<Scale>();
      await patch(item(name), { metadata: { labels: { moved: 'on' } } });
      const res = await expectNothingWritten(() =>
        send('PUT', scalePath(name), { body: { ...scale, spec: { replicas: 6 } } }),
      );

      expect(res.json()).toMatchObject({ code: 409, reason: 'Conflict' });
      expect((await get(name)).spec?.replicas).toBe(1);
    });

    it('updates unconditionally on a PUT without resourceVersion', async () => {
      const name = uniqueName('sc-uncond');
      await create(name, { replicas: 1 });
      const res = await send('PUT', scalePath(name), {
        body: { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name }, spec: { replicas: 2 } },
      });

      expect(res.status).toBe(200);
      expect((await get(name)).spec?.replicas).toBe(2);
    });

    it('takes a PUT without Content-Type as JSON (kubectl scale --current-replicas)', async () => {
      const name = uniqueName('sc-noct');
      await create(name, { replicas: 1 });
      const scale = (await send('GET', scalePath(name))).json<Scale>();
      const res = await send('PUT', scalePath(name), {
        headers: { 'content-type': '' },
        body: JSON.stringify({ ...scale, spec: { replicas: 4 } }),
      });

      expect(res.status).toBe(200);
      expect(res.json<Scale>().spec.replicas).toBe(4);
    });

    it('applies a merge patch (kubectl scale) and answers the Scale', async () => {
      const name = uniqueName('sc-patch');
      await create(name, { replicas: 1, location: 'Lima' });
      const res = await patch(scalePath(name), { spec: { replicas: 9 } });

      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ kind: 'Scale', spec: { replicas: 9 } });
      expect((await get(name)).spec).toEqual({ replicas: 9, location: 'Lima', ...k.specDefaults });
    });

    it('applies a JSON patch to the Scale', async () => {
      const name = uniqueName('sc-jsonpatch');
      await create(name, { replicas: 1 });
      const res = await patch(
        scalePath(name),
        [{ op: 'replace', path: '/spec/replicas', value: 5 }],
        'application/json-patch+json',
      );

      expect(res.json()).toMatchObject({ kind: 'Scale', spec: { replicas: 5 } });
    });

    it.each([
      ['PUT', -1],
      ['PATCH', -1],
      ['PATCH', 1.5],
    ])('answers 422 for %s with replicas %p, writing nothing', async (method, replicas) => {
      const name = uniqueName('sc-invalid');
      await create(name, { replicas: 1 });
      const res = await expectNothingWritten(() =>
        method === 'PUT'
          ? send('PUT', scalePath(name), {
              body: { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name }, spec: { replicas } },
            })
          : patch(scalePath(name), { spec: { replicas } }),
      );

      expect(res.json()).toMatchObject({
        code: 422,
        reason: 'Invalid',
        message: `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`,
        details: {
          kind: 'Scale',
          group: 'autoscaling',
          causes: [{ reason: 'FieldValueInvalid', field: 'spec.replicas' }],
        },
      });
    });

    it('answers 400 for a PUT naming another object or kind, writing nothing', async () => {
      const name = uniqueName('sc-name');
      await create(name, { replicas: 1 });
      const otherName = await expectNothingWritten(() =>
        send('PUT', scalePath(name), {
          body: { kind: 'Scale', metadata: { name: 'other' }, spec: { replicas: 2 } },
        }),
      );
      const otherKind = await expectNothingWritten(() =>
        send('PUT', scalePath(name), { body: { kind: 'Foo', metadata: { name }, spec: { replicas: 2 } } }),
      );

      expect(otherName.json()).toMatchObject({ code: 400 });
      expect(otherKind.json()).toMatchObject({ code: 400 });
    });

    it('answers 404 for an object that does not exist, creating nothing', async () => {
      const name = uniqueName('sc-missing');
      const res = await expectNothingWritten(() => patch(scalePath(name), { spec: { replicas: 2 } }));

      expect(res.json()).toMatchObject({ code: 404, reason: 'NotFound' });
    });
  });

  describe('discovery', () => {
    it('advertises foos/status and foos/scale with get, patch and update', async () => {
      const res = await send('GET', `/apis/${API_VERSION}`);
      const resources = res.json<{ resources: Array<{ name: string; kind: string; verbs: string[] }> }>()
        .resources;

      expect(resources.find((r) => r.name === 'foos/status')).toMatchObject({
        kind: 'Foo',
        verbs: ['get', 'patch', 'update'],
      });
      expect(resources.find((r) => r.name === 'foos/scale')).toMatchObject({
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
    });
  });

  describe('deletion options', () => {
    it('marks objects with finalizers in a deletecollection and keeps them, deleting the rest', async () => {
      const ns = 'delcoll-final';
      const held = uniqueName('held');
      const free = uniqueName('free');
      await create(held, undefined, { labels: { batch: 'x' }, finalizers: ['example.com/hold'] }, ns);
      await create(free, undefined, { labels: { batch: 'x' } }, ns);
      const res = await send('DELETE', `${collection(ns)}?labelSelector=batch%3Dx`);

      expect(res.status).toBe(200);
      const deleted = res.json<{ items: Foo[] }>().items;
      expect(deleted.map((f) => f.metadata.name).sort()).toEqual([free, held].sort());
      const still = await send('GET', item(held, ns));
      expect(still.status).toBe(200);
      expect(still.json<Foo>().metadata.deletionTimestamp).toMatch(/Z$/);
      expect((await send('GET', item(free, ns))).status).toBe(404);

      // Released once its finalizer goes.
      await patch(item(held, ns), { metadata: { finalizers: null } });
      expect((await send('GET', item(held, ns))).status).toBe(404);
    });

    it.each(['Background', 'Foreground', 'Orphan'])(
      'accepts propagationPolicy %s in the body and the query',
      async (policy) => {
        const inBody = uniqueName('prop');
        const inQuery = uniqueName('prop');
        await create(inBody);
        await create(inQuery);

        const body = await send('DELETE', item(inBody), {
          body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: policy },
        });
        const query = await send('DELETE', `${item(inQuery)}?propagationPolicy=${policy}`);

        expect(body.status).toBe(200);
        expect(query.status).toBe(200);
      },
    );

    it('answers 422 for an unsupported propagationPolicy, deleting nothing', async () => {
      const name = uniqueName('prop-bad');
      await create(name);
      const res = await expectNothingWritten(() =>
        send('DELETE', item(name), { body: { propagationPolicy: 'Sideways' } }),
      );

      expect(res.json()).toMatchObject({
        code: 422,
        reason: 'Invalid',
        message:
          'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"',
        details: { causes: [{ reason: 'FieldValueNotSupported', field: 'propagationPolicy' }] },
      });
      expect((await send('GET', item(name))).status).toBe(200);
    });

    it('answers 422 for propagationPolicy beside orphanDependents, in the query too', async () => {
      const name = uniqueName('prop-both');
      await create(name);
      const res = await expectNothingWritten(() =>
        send('DELETE', `${item(name)}?propagationPolicy=Orphan&orphanDependents=true`),
      );
      const collectionRes = await expectNothingWritten(() =>
        send('DELETE', `${collection()}?propagationPolicy=Sideways`),
      );

      expect(res.json()).toMatchObject({
        code: 422,
        message:
          'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set',
      });
      expect(collectionRes.json()).toMatchObject({ code: 422 });
      expect((await send('GET', item(name))).status).toBe(200);
    });

    it('honours uid and resourceVersion preconditions in the body', async () => {
      const name = uniqueName('pre');
      const foo = await create(name);
      const wrongUid = await expectNothingWritten(() =>
        send('DELETE', item(name), { body: { preconditions: { uid: 'not-it' } } }),
      );
      const staleRv = await expectNothingWritten(() =>
        send('DELETE', item(name), {
          body: { preconditions: { uid: foo.metadata.uid, resourceVersion: '1' } },
        }),
      );
      const ok = await send('DELETE', item(name), {
        body: { preconditions: { uid: foo.metadata.uid, resourceVersion: foo.metadata.resourceVersion } },
      });

      expect(wrongUid.json()).toMatchObject({
        code: 409,
        // rest.BeforeDelete's wording: it names the kind (Foo.<group>), not the resource.
        message: `Operation cannot be fulfilled on Foo.${GROUP} "${name}": the UID in the precondition (not-it) does not match the UID in record (${foo.metadata.uid}). The object might have been deleted and then recreated`,
      });
      expect(staleRv.json()).toMatchObject({
        code: 409,
        message: `Operation cannot be fulfilled on Foo.${GROUP} "${name}": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${foo.metadata.resourceVersion}). The object might have been modified`,
      });
      expect(ok.json()).toMatchObject({ status: 'Success', details: { name, uid: foo.metadata.uid } });
    });

    it('checks preconditions before marking an object with finalizers', async () => {
      const name = uniqueName('pre-final');
      await create(name, undefined, { finalizers: ['example.com/hold'] });
      const res = await expectNothingWritten(() =>
        send('DELETE', item(name), { body: { preconditions: { uid: 'not-it' } } }),
      );

      expect(res.status).toBe(409);
      expect((await get(name)).metadata.deletionTimestamp).toBeUndefined();
    });
  });
});
