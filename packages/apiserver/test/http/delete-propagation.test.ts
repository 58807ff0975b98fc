/**
 * DELETE with DeleteOptions as the garbage collector and kubectl --cascade use them: Background
 * removes at once; Orphan and Foreground mark the object (deletionTimestamp + the GC's finalizer)
 * and leave the rest to the garbage collector — played here by requests shaped as
 * kube-controller-manager's (a metadata-only merge patch of the finalizers with the
 * resourceVersion it read). Preconditions, the legacy orphanDependents, dry runs and
 * deletecollection follow the same rules; malformed options are refused and change nothing.
 * Run for Foo at each served version (v1 and v1beta1).
 */
import { FOO_FIXTURES } from '../support/kinds/fixtures';
import { startTestServer } from '../support/server';
import type { TestResponse, TestServer } from '../support/server';

const METADATA_ACCEPT =
  'application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

interface Foo {
  metadata: {
    name: string;
    uid: string;
    resourceVersion: string;
    generation?: number;
    finalizers?: string[];
    deletionTimestamp?: string;
    deletionGracePeriodSeconds?: number;
  };
  spec: { replicas: number };
}

describe.each(FOO_FIXTURES)('deletion propagation: $title', (k) => {
  const collection = (ns: string) => k.collection(ns);
  let server: TestServer;
  let counter = 0;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const ns = 'cascade';
  const item = (name: string) => `${collection(ns)}/${name}`;

  async function create(metadata: Record<string, unknown> = {}): Promise<Foo> {
    counter += 1;
    const res = await server.request('POST', collection(ns), {
      body: {
        apiVersion: k.apiVersion,
        kind: 'Foo',
        metadata: { name: `owner-${counter}`, ...metadata },
        spec: { replicas: 1 },
      },
    });
    expect(res.status).toBe(201);
    return res.json<Foo>();
  }

  const remove = (name: string, body?: object, query = '') =>
    server.request('DELETE', `${item(name)}${query}`, body ? { body } : {});
  const get = (name: string) => server.request('GET', item(name));

  /** The garbage collector's removeFinalizer: a metadata-only merge patch with the resourceVersion it read. */
  async function gcRemovesFinalizer(name: string, finalizer: string): Promise<TestResponse> {
    const read = await server.request('GET', item(name), { headers: { accept: METADATA_ACCEPT } });
    const meta = read.json<{ metadata: { resourceVersion: string; finalizers?: string[] } }>().metadata;
    const left = (meta.finalizers ?? []).filter((f) => f !== finalizer);
    return server.request('PATCH', item(name), {
      headers: { 'content-type': 'application/merge-patch+json', accept: METADATA_ACCEPT },
      body: { metadata: { resourceVersion: meta.resourceVersion, finalizers: left.length ? left : null } },
    });
  }

  function expectMarked(res: TestResponse, finalizers: string[], before: Foo): Foo {
    expect(res.status).toBe(200);
    const marked = res.json<Foo>();
    expect(marked.metadata.finalizers).toEqual(finalizers);
    expect(marked.metadata.deletionTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(0);
    // A kind without graceful deletion bumps the generation when it is first marked (markAsDeleting).
    expect(marked.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
    return marked;
  }

  it('deletes at once with Background, the default', async () => {
    for (const body of [undefined, { propagationPolicy: 'Background' }]) {
      const foo = await create();
      const res = await remove(foo.metadata.name, body);
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({
        kind: 'Status',
        status: 'Success',
        details: { uid: foo.metadata.uid },
      });
      expect((await get(foo.metadata.name)).status).toBe(404);
    }
  });

  it('marks with the orphan finalizer on Orphan and is gone once the garbage collector removes it', async () => {
    const foo = await create();
    const marked = expectMarked(
      await remove(foo.metadata.name, { propagationPolicy: 'Orphan' }),
      ['orphan'],
      foo,
    );
    expect((await get(foo.metadata.name)).json<Foo>()).toEqual(marked);
    const released = await gcRemovesFinalizer(foo.metadata.name, 'orphan');
    expect(released.status).toBe(200);
    expect(released.json()).toMatchObject({
      kind: 'PartialObjectMetadata',
      metadata: { name: foo.metadata.name },
    });
    expect((await get(foo.metadata.name)).status).toBe(404);
  });

  it('marks with the foregroundDeletion finalizer on Foreground, keeping other finalizers', async () => {
    const foo = await create({ finalizers: ['example.com/hold'] });
    const marked = expectMarked(
      await remove(foo.metadata.name, { propagationPolicy: 'Foreground' }),
      ['example.com/hold', 'foregroundDeletion'],
      foo,
    );
    expect((await gcRemovesFinalizer(foo.metadata.name, 'foregroundDeletion')).status).toBe(200);
    const held = (await get(foo.metadata.name)).json<Foo>();
    expect(held.metadata.finalizers).toEqual(['example.com/hold']);
    expect(held.metadata.deletionTimestamp).toBe(marked.metadata.deletionTimestamp);
  });

  it('reads the policy from the query when there is no body', async () => {
    const foo = await create();
    expectMarked(await remove(foo.metadata.name, undefined, '?propagationPolicy=Orphan'), ['orphan'], foo);
  });

  it('takes the legacy orphanDependents: true as Orphan, and false as Background with 202 while held', async () => {
    const orphaned = await create();
    expectMarked(await remove(orphaned.metadata.name, { orphanDependents: true }), ['orphan'], orphaned);

    const cascaded = await create();
    const gone = await remove(cascaded.metadata.name, { orphanDependents: false });
    expect(gone.status).toBe(200);
    expect(gone.json()).toMatchObject({ kind: 'Status', status: 'Success' });

    const held = await create({ finalizers: ['example.com/hold'] });
    const accepted = await remove(held.metadata.name, undefined, '?orphanDependents=false');
    expect(accepted.status).toBe(202);
    expect(accepted.json<Foo>().metadata.finalizers).toEqual(['example.com/hold']);
  });

  it('lets a later delete switch the garbage collector’s finalizer, keeping the first deletionTimestamp', async () => {
    const foo = await create();
    const first = expectMarked(
      await remove(foo.metadata.name, { propagationPolicy: 'Foreground' }),
      ['foregroundDeletion'],
      foo,
    );
    const again = await remove(foo.metadata.name, { propagationPolicy: 'Orphan' });
    expect(again.status).toBe(200);
    expect(again.json<Foo>().metadata).toMatchObject({
      finalizers: ['orphan'],
      deletionTimestamp: first.metadata.deletionTimestamp,
      generation: first.metadata.generation,
    });
  });

  it('deletes at once when a Background delete removes the only (orphan) finalizer', async () => {
    const foo = await create({ finalizers: ['orphan'] });
    const res = await remove(foo.metadata.name, { propagationPolicy: 'Background' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'Status', status: 'Success' });
    expect((await get(foo.metadata.name)).status).toBe(404);
  });

  it('keeps the orphan finalizer an object was created with when the delete names no policy', async () => {
    const foo = await create({ finalizers: ['orphan'] });
    expectMarked(await remove(foo.metadata.name), ['orphan'], foo);
  });

  it('checks uid and resourceVersion preconditions before marking, and marks when they hold', async () => {
    const foo = await create();
    const wrongUid = await remove(foo.metadata.name, {
      propagationPolicy: 'Orphan',
      preconditions: { uid: 'not-it' },
    });
    expect(wrongUid.status).toBe(409);
    expect(wrongUid.json()).toMatchObject({
      reason: 'Conflict',
      details: { name: foo.metadata.name, kind: 'Foo' },
    });
    const stale = await remove(foo.metadata.name, {
      propagationPolicy: 'Orphan',
      preconditions: { resourceVersion: String(Number(foo.metadata.resourceVersion) - 1) },
    });
    expect(stale.status).toBe(409);
    expect((await get(foo.metadata.name)).json<Foo>()).toEqual(foo);
    expectMarked(
      await remove(foo.metadata.name, {
        propagationPolicy: 'Orphan',
        preconditions: { uid: foo.metadata.uid, resourceVersion: foo.metadata.resourceVersion },
      }),
      ['orphan'],
      foo,
    );
  });

  it('answers a dry run with the marked object and changes nothing', async () => {
    const foo = await create();
    expectMarked(
      await remove(foo.metadata.name, { propagationPolicy: 'Orphan', dryRun: ['All'] }),
      ['orphan'],
      foo,
    );
    expect((await get(foo.metadata.name)).json<Foo>()).toEqual(foo);
    const plain = await remove(foo.metadata.name, undefined, '?dryRun=All');
    expect(plain.status).toBe(200);
    expect((await get(foo.metadata.name)).json<Foo>()).toEqual(foo);
  });

  it('applies the options to every object of a deletecollection', async () => {
    const a = await create({ labels: { batch: 'orphan-all' } });
    const b = await create({ labels: { batch: 'orphan-all' } });
    const res = await server.request('DELETE', `${collection(ns)}?labelSelector=batch%3Dorphan-all`, {
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Orphan' },
    });
    expect(res.status).toBe(200);
    for (const foo of [a, b]) {
      const held = (await get(foo.metadata.name)).json<Foo>();
      expect(held.metadata.finalizers).toEqual(['orphan']);
      expect(held.metadata.deletionTimestamp).toBeDefined();
    }
  });

  it('still accepts updates of a marked object but no new finalizers', async () => {
    const foo = await create();
    expectMarked(await remove(foo.metadata.name, { propagationPolicy: 'Orphan' }), ['orphan'], foo);
    const spec = await server.request('PATCH', item(foo.metadata.name), {
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { spec: { replicas: 4 }, metadata: { deletionTimestamp: null } },
    });
    expect(spec.status).toBe(200);
    expect(spec.json<Foo>().metadata.deletionTimestamp).toBeDefined();
    const added = await server.request('PATCH', item(foo.metadata.name), {
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { metadata: { finalizers: ['orphan', 'example.com/late'] } },
    });
    expect(added.status).toBe(422);
  });

  it.each([
    [{ orphanDependents: 'yes' }, 400],
    [{ gracePeriodSeconds: 'soon' }, 400],
    [{ preconditions: { uid: 7 } }, 400],
    [{ dryRun: ['Some'] }, 422],
    [{ propagationPolicy: 'Later' }, 422],
    [{ propagationPolicy: 'Orphan', orphanDependents: true }, 422],
  ])('refuses DeleteOptions %j with %i, deleting nothing', async (body, code) => {
    const foo = await create();
    const res = await remove(foo.metadata.name, body);
    expect(res.status).toBe(code);
    expect(res.json()).toMatchObject({ kind: 'Status', status: 'Failure', code });
    expect((await get(foo.metadata.name)).json<Foo>()).toEqual(foo);
  });

  it('refuses a malformed gracePeriodSeconds or orphanDependents in the query with 400', async () => {
    const foo = await create();
    for (const query of ['?gracePeriodSeconds=soon', '?orphanDependents=maybe']) {
      expect((await remove(foo.metadata.name, undefined, query)).status).toBe(400);
    }
    expect((await get(foo.metadata.name)).json<Foo>()).toEqual(foo);
  });

  it('accepts gracePeriodSeconds and deletes at once, as for a kind without graceful deletion', async () => {
    const foo = await create();
    const res = await remove(foo.metadata.name, { gracePeriodSeconds: 30 });
    expect(res.status).toBe(200);
    expect((await get(foo.metadata.name)).status).toBe(404);
  });
});

describe.each(FOO_FIXTURES)(
  'deletion propagation without a garbage collector (--enable-garbage-collector=false): $title',
  (k) => {
    const collection = (ns: string) => k.collection(ns);
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ flags: ['--enable-garbage-collector=false'] });
    });
    afterAll(() => server.stop());

    it('deletes at once on Orphan and Foreground, since no collector would remove their finalizers', async () => {
      for (const policy of ['Orphan', 'Foreground']) {
        const name = `no-gc-${policy.toLowerCase()}`;
        const created = await server.request('POST', collection('no-gc'), {
          body: { apiVersion: k.apiVersion, kind: 'Foo', metadata: { name }, spec: { replicas: 1 } },
        });
        expect(created.status).toBe(201);
        const res = await server.request('DELETE', `${collection('no-gc')}/${name}`, {
          body: { propagationPolicy: policy },
        });
        expect(res.status).toBe(200);
        expect(res.json()).toMatchObject({ kind: 'Status', status: 'Success' });
        expect((await server.request('GET', `${collection('no-gc')}/${name}`)).status).toBe(404);
      }
    });

    it('says at start-up, standalone with the collector assumed, that Orphan and Foreground wait for their finalizers', async () => {
      const standalone = await startTestServer();
      try {
        expect(
          standalone.logs.some((l) => String(l.message).startsWith('no cluster, so no garbage collector')),
        ).toBe(true);
        expect(
          server.logs.some((l) => String(l.message).startsWith('no cluster, so no garbage collector')),
        ).toBe(false);
      } finally {
        await standalone.stop();
      }
    });
  },
);
