/**
 * Writes as kubectl makes them: PATCH in the three patch types (json, merge, strategic with
 * ObjectMeta's merge rules and directives), resourceVersion preconditions, dryRun=All and
 * fieldValidation Strict/Warn/Ignore on create, update and patch — with nothing written on errors.
 * Run for Foo at each served version (v1 defaults `spec.paused`; v1beta1 answers with its
 * deprecation Warning).
 */
import { FOO_FIXTURES } from '../support/kinds/fixtures';
import { eventually, openWatchStream, startTestServer } from '../support/server';
import type { RequestOptions, TestResponse, TestServer } from '../support/server';

type Json = Record<string, unknown>;
interface Foo {
  apiVersion: string;
  kind: string;
  metadata: Json & {
    name: string;
    namespace: string;
    resourceVersion: string;
    uid: string;
    generation: number;
    labels?: Record<string, string>;
    finalizers?: string[];
    ownerReferences?: Json[];
  };
  spec?: Json;
  status?: Json;
}

const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';
const COLOUR_WARNING = '299 - "unknown field \\"spec.colour\\""';

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${++counter}`;

describe.each(FOO_FIXTURES)('patch, dryRun and fieldValidation: $title', (k) => {
  const GROUP = k.group;
  const NS = 'default';
  const collection = k.collection(NS);
  const item = (name: string) => k.item(name, NS);
  const fooBody = (name: string, spec: Json = k.spec(2), metadata: Json = {}): Json =>
    k.body(name, spec, metadata);

  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const revision = () => server.server.storage.currentRevision();

  async function create(name: string, spec?: Json, metadata?: Json): Promise<Foo> {
    const res = await server.request('POST', collection, { body: fooBody(name, spec, metadata) });
    expect(res.status).toBe(201);
    return res.json<Foo>();
  }

  const get = async (name: string): Promise<Foo> => (await server.request('GET', item(name))).json<Foo>();

  function patch(name: string, contentType: string, body: unknown, query = ''): Promise<TestResponse> {
    return server.request('PATCH', `${item(name)}${query}`, {
      headers: { 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  /** Runs a request that must fail, and checks the store's revision did not move. */
  async function expectNothingWritten(request: () => Promise<TestResponse>): Promise<TestResponse> {
    const before = await revision();
    const res = await request();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await revision()).toBe(before);
    return res;
  }

  describe('json patch (RFC 6902)', () => {
    it('applies add, replace and remove operations and bumps generation', async () => {
      const name = uniqueName('jp');
      await create(name);
      const res = await patch(name, JSON_PATCH, [
        { op: 'add', path: '/metadata/labels', value: { tier: 'web' } },
        { op: 'replace', path: '/spec/replicas', value: 4 },
        { op: 'remove', path: '/spec/location' },
      ]);
      expect(res.status).toBe(200);
      const foo = res.json<Foo>();
      expect(foo.metadata.labels).toEqual({ tier: 'web' });
      expect(foo.spec).toEqual({ replicas: 4, ...k.specDefaults });
      expect(foo.metadata.generation).toBe(2);
      expect(await get(name)).toEqual(foo);
    });

    it('applies the patch when its test operation holds', async () => {
      const name = uniqueName('jptest');
      await create(name);
      const res = await patch(name, JSON_PATCH, [
        { op: 'test', path: '/spec/replicas', value: 2 },
        { op: 'replace', path: '/spec/replicas', value: 3 },
      ]);
      expect(res.status).toBe(200);
      expect(res.json<Foo>().spec?.replicas).toBe(3);
    });

    it('answers 422 when a test operation fails, and writes nothing', async () => {
      const name = uniqueName('jpfail');
      const foo = await create(name);
      const res = await expectNothingWritten(() =>
        patch(name, JSON_PATCH, [
          { op: 'test', path: '/spec/replicas', value: 99 },
          { op: 'replace', path: '/spec/replicas', value: 3 },
        ]),
      );
      expect(res.status).toBe(422);
      expect(res.json()).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
      expect(await get(name)).toEqual(foo);
    });

    it('answers 422 for an operation on a path that does not exist', async () => {
      const name = uniqueName('jpmissing');
      await create(name);
      const res = await expectNothingWritten(() =>
        patch(name, JSON_PATCH, [{ op: 'replace', path: '/spec/nothing/here', value: 1 }]),
      );
      expect(res.status).toBe(422);
    });

    it.each([
      ['not a list', { op: 'replace', path: '/spec/replicas', value: 3 }],
      ['malformed JSON', '[{"op": "replace", '],
      ['a list of non-objects', [1, 2]],
    ])('answers 400 for a json patch that is %s', async (_what, body) => {
      const name = uniqueName('jpbad');
      await create(name);
      const res = await expectNothingWritten(() => patch(name, JSON_PATCH, body));
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    });

    it('answers 422 when the patched object is invalid', async () => {
      const name = uniqueName('jpinvalid');
      await create(name);
      const res = await expectNothingWritten(() =>
        patch(name, JSON_PATCH, [{ op: 'replace', path: '/spec/replicas', value: -5 }]),
      );
      expect(res.status).toBe(422);
      expect(res.json()).toMatchObject({
        message: `Foo.${GROUP} "${name}" is invalid: spec.replicas: Invalid value: -5: must be greater than or equal to 0`,
        details: { causes: [{ reason: 'FieldValueInvalid', field: 'spec.replicas' }] },
      });
    });
  });

  describe('merge patch (RFC 7386)', () => {
    it('merges maps and deletes keys set to null', async () => {
      const name = uniqueName('mp');
      await create(name, { replicas: 2, location: 'Berlin' }, { labels: { a: '1', b: '2' } });
      const res = await patch(name, MERGE_PATCH, {
        metadata: { labels: { b: null, c: '3' } },
        spec: { location: null, replicas: 6 },
      });
      expect(res.status).toBe(200);
      const foo = res.json<Foo>();
      expect(foo.metadata.labels).toEqual({ a: '1', c: '3' });
      expect(foo.spec).toEqual({ replicas: 6, ...k.specDefaults });
    });

    it('replaces lists whole', async () => {
      const name = uniqueName('mplist');
      await create(name, undefined, { finalizers: ['example.com/a', 'example.com/b'] });
      const res = await patch(name, MERGE_PATCH, { metadata: { finalizers: ['example.com/c'] } });
      expect(res.json<Foo>().metadata.finalizers).toEqual(['example.com/c']);
    });

    it('does not bump generation for a metadata-only patch', async () => {
      const name = uniqueName('mpmeta');
      await create(name);
      const res = await patch(name, MERGE_PATCH, { metadata: { annotations: { note: 'x' } } });
      expect(res.json<Foo>().metadata.generation).toBe(1);
    });

    it('answers 409 Conflict for a stale resourceVersion in the patch, and writes nothing', async () => {
      const name = uniqueName('mpstale');
      const foo = await create(name);
      expect((await patch(name, MERGE_PATCH, { spec: { replicas: 3 } })).status).toBe(200);
      const res = await expectNothingWritten(() =>
        patch(name, MERGE_PATCH, {
          metadata: { resourceVersion: foo.metadata.resourceVersion },
          spec: { replicas: 9 },
        }),
      );
      expect(res.status).toBe(409);
      expect(res.json()).toMatchObject({
        reason: 'Conflict',
        message: `Operation cannot be fulfilled on foos.${GROUP} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      });
      expect((await get(name)).spec?.replicas).toBe(3);
    });

    it('applies a patch whose resourceVersion is current', async () => {
      const name = uniqueName('mpfresh');
      const foo = await create(name);
      const res = await patch(name, MERGE_PATCH, {
        metadata: { resourceVersion: foo.metadata.resourceVersion },
        spec: { replicas: 9 },
      });
      expect(res.status).toBe(200);
      expect(res.json<Foo>().spec?.replicas).toBe(9);
    });

    it.each([
      ['malformed JSON', '{"spec": {'],
      ['a list', '[1]'],
      ['empty', ''],
    ])('answers 400 for a merge patch that is %s', async (_what, body) => {
      const name = uniqueName('mpbad');
      await create(name);
      const res = await expectNothingWritten(() => patch(name, MERGE_PATCH, body));
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ reason: 'BadRequest' });
    });

    it('answers 400 for a patch that renames the object or changes its kind', async () => {
      const name = uniqueName('mprename');
      await create(name);
      const renamed = await expectNothingWritten(() =>
        patch(name, MERGE_PATCH, { metadata: { name: `${name}-x` } }),
      );
      expect(renamed.status).toBe(400);
      expect(renamed.json()).toMatchObject({
        reason: 'BadRequest',
        message: `the name of the object (${name}-x) does not match the name on the URL (${name})`,
      });
      expect((await server.request('GET', item(`${name}-x`))).status).toBe(404);
      const rekinded = await expectNothingWritten(() => patch(name, MERGE_PATCH, { kind: 'Bar' }));
      expect(rekinded.status).toBe(400);
    });

    it('answers 404 for an object that does not exist', async () => {
      const res = await expectNothingWritten(() =>
        patch(uniqueName('mpmissing'), MERGE_PATCH, { spec: { replicas: 1 } }),
      );
      expect(res.status).toBe(404);
      expect(res.json()).toMatchObject({ reason: 'NotFound' });
    });

    it('ignores status in a main-resource patch', async () => {
      const name = uniqueName('mpstatus');
      await create(name);
      const res = await patch(name, MERGE_PATCH, { status: { observedGeneration: 4 } });
      expect(res.status).toBe(200);
      expect(res.json<Foo>().status).toBeUndefined();
    });
  });

  describe('strategic merge patch', () => {
    it('merges metadata.finalizers as a set', async () => {
      const name = uniqueName('smpfin');
      await create(name, undefined, { finalizers: ['example.com/a'] });
      const res = await patch(name, STRATEGIC, {
        metadata: { finalizers: ['example.com/b', 'example.com/a'] },
      });
      expect(res.status).toBe(200);
      expect(res.json<Foo>().metadata.finalizers).toEqual(['example.com/a', 'example.com/b']);
    });

    it('removes finalizers with $deleteFromPrimitiveList', async () => {
      const name = uniqueName('smpdel');
      await create(name, undefined, { finalizers: ['example.com/a', 'example.com/b'] });
      const res = await patch(name, STRATEGIC, {
        metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/a'] },
      });
      expect(res.status).toBe(200);
      expect(res.json<Foo>().metadata.finalizers).toEqual(['example.com/b']);
    });

    it('merges ownerReferences by uid and deletes one with $patch: delete', async () => {
      const name = uniqueName('smpowner');
      const owner = (uid: string, n: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: n, uid });
      await create(name, undefined, { ownerReferences: [owner('u1', 'one'), owner('u2', 'two')] });
      const merged = await patch(name, STRATEGIC, {
        metadata: { ownerReferences: [{ uid: 'u2', name: 'two-renamed' }, owner('u3', 'three')] },
      });
      expect(merged.status).toBe(200);
      expect(
        merged.json<Foo>().metadata.ownerReferences?.map((o) => `${String(o.uid)}:${String(o.name)}`),
      ).toEqual(['u1:one', 'u2:two-renamed', 'u3:three']);
      const deleted = await patch(name, STRATEGIC, {
        metadata: { ownerReferences: [{ uid: 'u1', $patch: 'delete' }] },
      });
      expect(deleted.json<Foo>().metadata.ownerReferences?.map((o) => o.uid)).toEqual(['u2', 'u3']);
    });

    it('replaces a map with $patch: replace and keeps only $retainKeys', async () => {
      const name = uniqueName('smpreplace');
      await create(name, { replicas: 2, location: 'Berlin' }, { labels: { a: '1', b: '2' } });
      const replaced = await patch(name, STRATEGIC, { metadata: { labels: { $patch: 'replace', c: '3' } } });
      expect(replaced.json<Foo>().metadata.labels).toEqual({ c: '3' });
      const retained = await patch(name, STRATEGIC, { spec: { $retainKeys: ['replicas'], replicas: 5 } });
      expect(retained.json<Foo>().spec).toEqual({ replicas: 5, ...k.specDefaults });
    });

    it('releases a deleting object when the last finalizer is removed', async () => {
      const name = uniqueName('smprelease');
      await create(name, undefined, { finalizers: ['example.com/hold'] });
      const marked = await server.request('DELETE', item(name));
      expect(marked.json<Foo>().metadata.deletionTimestamp).toEqual(expect.any(String));
      const res = await patch(name, STRATEGIC, {
        metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/hold'] },
      });
      expect(res.status).toBe(200);
      expect((await server.request('GET', item(name))).status).toBe(404);
    });

    it('refuses to add a finalizer to a deleting object', async () => {
      const name = uniqueName('smpnofin');
      await create(name, undefined, { finalizers: ['example.com/hold'] });
      await server.request('DELETE', item(name));
      const res = await expectNothingWritten(() =>
        patch(name, STRATEGIC, { metadata: { finalizers: ['example.com/late'] } }),
      );
      expect(res.status).toBe(422);
      expect(res.json()).toMatchObject({
        reason: 'Invalid',
        message: expect.stringContaining(
          'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/late"}',
        ),
      });
    });

    it.each([
      ['an unknown $patch directive', { spec: { $patch: 'explode' } }],
      ['a list', [{ spec: {} }]],
      ['malformed JSON', '{"metadata": '],
    ])('answers 400 for %s', async (_what, body) => {
      const name = uniqueName('smpbad');
      await create(name);
      const res = await expectNothingWritten(() => patch(name, STRATEGIC, body));
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ reason: 'BadRequest' });
    });
  });

  describe('patch content types', () => {
    it.each(['application/json', 'text/plain'])(
      'answers 415 for a PATCH in %s, listing the patch types',
      async (contentType) => {
        const name = uniqueName('ptype');
        await create(name);
        const res = await expectNothingWritten(() => patch(name, contentType, { spec: { replicas: 3 } }));
        expect(res.status).toBe(415);
        const status = res.json<{ reason: string; message: string }>();
        expect(status.reason).toBe('UnsupportedMediaType');
        for (const type of [JSON_PATCH, MERGE_PATCH, STRATEGIC]) expect(status.message).toContain(type);
      },
    );
  });

  describe('dryRun=All', () => {
    it('runs a create through defaulting, validation and conflicts, and stores nothing', async () => {
      const name = uniqueName('drycreate');
      const before = await revision();
      const res = await server.request('POST', `${collection}?dryRun=All`, {
        body: fooBody(name, { location: 'Oslo' }),
      });
      expect(res.status).toBe(201);
      const foo = res.json<Foo>();
      expect(foo.spec).toEqual({ replicas: 1, location: 'Oslo', ...k.specDefaults });
      expect(foo.metadata.uid).toEqual(expect.any(String));
      expect(foo.metadata.resourceVersion).toBeUndefined();
      expect(await revision()).toBe(before);
      expect((await server.request('GET', item(name))).status).toBe(404);

      const invalid = await expectNothingWritten(() =>
        server.request('POST', `${collection}?dryRun=All`, { body: fooBody(name, { replicas: -1 }) }),
      );
      expect(invalid.status).toBe(422);
    });

    it('answers 409 AlreadyExists for a dry-run create of a taken name', async () => {
      const name = uniqueName('drytaken');
      await create(name);
      const res = await expectNothingWritten(() =>
        server.request('POST', `${collection}?dryRun=All`, { body: fooBody(name) }),
      );
      expect(res.status).toBe(409);
      expect(res.json()).toMatchObject({ reason: 'AlreadyExists' });
    });

    it('answers an update and a patch with the would-be object, and stores nothing', async () => {
      const name = uniqueName('dryupdate');
      const foo = await create(name);
      const before = await revision();
      const updated = await server.request('PUT', `${item(name)}?dryRun=All`, {
        body: { ...foo, spec: { replicas: 7 } },
      });
      expect(updated.status).toBe(200);
      expect(updated.json<Foo>().spec).toEqual({ replicas: 7, ...k.specDefaults });
      expect(updated.json<Foo>().metadata.generation).toBe(2);
      const patched = await patch(name, MERGE_PATCH, { spec: { replicas: 8 } }, '?dryRun=All');
      expect(patched.status).toBe(200);
      expect(patched.json<Foo>().spec?.replicas).toBe(8);
      expect(await revision()).toBe(before);
      expect(await get(name)).toEqual(foo);
    });

    it('still answers 409 for a stale dry-run update', async () => {
      const name = uniqueName('drystale');
      const foo = await create(name);
      await patch(name, MERGE_PATCH, { spec: { replicas: 3 } });
      const res = await expectNothingWritten(() =>
        server.request('PUT', `${item(name)}?dryRun=All`, { body: { ...foo, spec: { replicas: 7 } } }),
      );
      expect(res.status).toBe(409);
    });

    it('sends no watch event for dry runs', async () => {
      const name = uniqueName('drywatch');
      const foo = await create(name);
      const stream = await openWatchStream(
        server,
        `${collection}?watch=true&resourceVersion=${foo.metadata.resourceVersion}`,
      );
      try {
        await server.request('POST', `${collection}?dryRun=All`, { body: fooBody(uniqueName('drywatch')) });
        await patch(name, MERGE_PATCH, { spec: { replicas: 8 } }, '?dryRun=All');
        await server.request('DELETE', `${item(name)}?dryRun=All`);
        await patch(name, MERGE_PATCH, { spec: { replicas: 5 } });
        // Events come in revision order: had a dry run made one, it would be here before this.
        await eventually(() => stream.events.length >= 1, 'the real event');
        expect(stream.events.map((e) => e.type)).toEqual(['MODIFIED']);
        expect((stream.events[0]!.object as Foo).spec?.replicas).toBe(5);
      } finally {
        stream.close();
      }
    });

    it('answers 400 for a dryRun value other than All', async () => {
      const name = uniqueName('drybad');
      const res = await expectNothingWritten(() =>
        server.request('POST', `${collection}?dryRun=Some`, { body: fooBody(name) }),
      );
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({
        reason: 'BadRequest',
        message: expect.stringContaining('Unsupported value: "Some"'),
      });
    });
  });

  describe('fieldValidation', () => {
    const withColour = (name: string): Json => fooBody(name, { replicas: 2, colour: 'red' });

    type Write = (name: string, query: string) => Promise<TestResponse>;
    const writes: Array<[string, (name: string) => Promise<void>, Write]> = [
      [
        'create',
        async () => undefined,
        (name, query) => server.request('POST', `${collection}${query}`, { body: withColour(name) }),
      ],
      [
        'update',
        async (name) => void (await create(name, { replicas: 2 })),
        async (name, query) => {
          const current = await get(name);
          return server.request('PUT', `${item(name)}${query}`, {
            body: { ...current, spec: { replicas: 2, colour: 'red' } },
          });
        },
      ],
      [
        'patch',
        async (name) => void (await create(name, { replicas: 2 })),
        (name, query) => patch(name, MERGE_PATCH, { spec: { colour: 'red' } }, query),
      ],
    ];

    describe.each(writes)('on %s', (verb, prepare, write) => {
      it('answers 400 under Strict, naming the unknown field, and writes nothing', async () => {
        const name = uniqueName(`strict-${verb}`);
        await prepare(name);
        const before = await revision();
        const res = await write(name, '?fieldValidation=Strict');
        expect(res.status).toBe(400);
        expect(res.json()).toMatchObject({
          kind: 'Status',
          reason: 'BadRequest',
          message: 'strict decoding error: unknown field "spec.colour"',
        });
        expect(await revision()).toBe(before);
      });

      it.each([
        ['Warn', '?fieldValidation=Warn'],
        ['absent (Warn)', ''],
      ])('succeeds with a Warning header under %s, and stores no unknown field', async (_mode, query) => {
        const name = uniqueName(`warn-${verb}`);
        await prepare(name);
        const res = await write(name, query);
        expect(res.status).toBeLessThan(300);
        expect(res.headers.warning).toBe(k.warningWith(COLOUR_WARNING));
        expect(res.json<Foo>().spec).toEqual({ replicas: 2, ...k.specDefaults });
        expect((await get(name)).spec).toEqual({ replicas: 2, ...k.specDefaults });
      });

      it('drops the unknown field silently under Ignore', async () => {
        const name = uniqueName(`ignore-${verb}`);
        await prepare(name);
        const res = await write(name, '?fieldValidation=Ignore');
        expect(res.status).toBeLessThan(300);
        expect(res.headers.warning).toBe(k.warning);
        expect((await get(name)).spec).toEqual({ replicas: 2, ...k.specDefaults });
      });

      it('prunes the unknown field before managedFields are recorded, as a CRD decodes it', async () => {
        const name = uniqueName(`managed-${verb}`);
        await prepare(name);
        const res = await write(name, '?fieldManager=writer');
        expect(res.status).toBeLessThan(300);
        const entries = ((await get(name)).metadata.managedFields ?? []) as unknown[];
        expect(entries.length).toBeGreaterThan(0);
        expect(JSON.stringify(entries)).not.toContain('f:colour');
      });
    });

    it('lists every unknown field under Strict', async () => {
      const name = uniqueName('strict-many');
      const res = await expectNothingWritten(() =>
        server.request('POST', `${collection}?fieldValidation=Strict`, {
          body: { ...fooBody(name, { replicas: 1, colour: 'red', size: 'L' }), extra: true },
        }),
      );
      expect(res.status).toBe(400);
      const message = res.json<{ message: string }>().message;
      expect(message).toMatch(/^strict decoding error: /);
      for (const field of ['spec.colour', 'spec.size', 'extra'])
        expect(message).toContain(`unknown field "${field}"`);
    });

    it('sends one Warning header per unknown field under Warn', async () => {
      const name = uniqueName('warn-many');
      const res = await server.request('POST', collection, {
        body: fooBody(name, { replicas: 1, colour: 'red', size: 'L' }),
      });
      expect(res.status).toBe(201);
      expect(res.headers.warning).toBe(
        k.warningWith(COLOUR_WARNING, '299 - "unknown field \\"spec.size\\""'),
      );
    });

    it('answers 400 for an unknown fieldValidation value', async () => {
      const res = await expectNothingWritten(() =>
        server.request('POST', `${collection}?fieldValidation=Loose`, { body: fooBody(uniqueName('fvbad')) }),
      );
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({
        reason: 'BadRequest',
        message: expect.stringContaining('Unsupported value: "Loose"'),
      });
    });

    it('validates a dry-run create strictly too', async () => {
      const res = await expectNothingWritten(() =>
        server.request('POST', `${collection}?dryRun=All&fieldValidation=Strict`, {
          body: withColour(uniqueName('dry-strict')),
        } as RequestOptions),
      );
      expect(res.status).toBe(400);
    });
  });
});
