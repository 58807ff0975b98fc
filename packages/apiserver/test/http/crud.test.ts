/**
 * Create, get, update and delete over HTTP as kubectl and client libraries make them: the
 * server-set metadata, JSON and YAML in and out, content negotiation, deletion with finalizers
 * and preconditions, and every error as a Kubernetes Status — after which nothing was written.
 * Run for each installed kind (test/support/kinds): namespaced Foo and cluster-scoped Widget;
 * what only one of them has (Foo's fields, the status subresource, namespaces) only for it.
 */
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { isFoo, KIND_FIXTURES, TEST_KINDS } from '../support/kinds/fixtures';
import { startTestServer } from '../support/server';
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
  };
  spec?: { replicas?: number; location?: string };
  status?: Json;
}

const MAX_REQUEST_BYTES = 4096;

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${++counter}`;

describe.each(KIND_FIXTURES)('create, get, update and delete: $title', (k) => {
  const GROUP = k.group;
  const BASE = `/apis/${GROUP}/${k.version}`;
  const collection = (ns = 'default') => k.collection(ns);
  const item = (name: string, ns = 'default') => k.item(name, ns);
  const fooBody = (name: string, spec: Json = k.spec(2), metadata: Json = {}): Json =>
    k.body(name, spec, metadata);
  /** Tests of what only some kinds have: registered for those, not for the others. */
  const when = (applies: boolean) => (applies ? it : () => undefined);
  const fooOnly = when(isFoo(k));
  const namespacedOnly = when(k.namespaced);
  const withStatusSubresource = when(k.subresources.includes('status'));
  /** The namespace a stored object of this kind has (none when cluster-scoped). */
  const namespaceOf = (ns = 'default') => (k.namespaced ? ns : undefined);

  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      flags: [`--max-request-bytes=${MAX_REQUEST_BYTES}`],
      kinds: TEST_KINDS,
    });
  });
  afterAll(() => server.stop());

  const send = (method: string, path: string, options?: RequestOptions): Promise<TestResponse> =>
    server.request(method, path, options);
  const revision = () => server.server.storage.currentRevision();

  /** Runs a request that must fail, and checks the store's revision did not move. */
  async function expectNothingWritten(
    method: string,
    path: string,
    options?: RequestOptions,
  ): Promise<TestResponse> {
    const before = await revision();
    const res = await send(method, path, options);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await revision()).toBe(before);
    return res;
  }

  async function create(name: string, spec?: Json, metadata?: Json): Promise<Foo> {
    const res = await send('POST', collection(), { body: fooBody(name, spec, metadata) });
    expect(res.status).toBe(201);
    return res.json<Foo>();
  }

  async function expectAbsent(name: string, ns = 'default'): Promise<void> {
    expect((await send('GET', item(name, ns))).status).toBe(404);
  }

  describe('create', () => {
    it('answers 201 with server-set uid, creationTimestamp, resourceVersion and generation 1', async () => {
      const name = uniqueName('create');
      const before = Date.now();
      const res = await send('POST', collection(), {
        body: fooBody(name, k.spec(3), {
          uid: 'client-uid',
          creationTimestamp: '2001-01-01T00:00:00Z',
          generation: 42,
        }),
      });
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers.warning).toBe(k.warning);
      const foo = res.json<Foo>();
      expect(foo).toMatchObject({
        apiVersion: k.apiVersion,
        kind: k.kind.kind,
        spec: k.spec(3),
      });
      expect(foo.metadata.name).toBe(name);
      expect(foo.metadata.namespace).toBe(namespaceOf());
      expect(foo.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(foo.metadata.uid).not.toBe('client-uid');
      expect(foo.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Date.parse(String(foo.metadata.creationTimestamp))).toBeGreaterThanOrEqual(
        Math.floor(before / 1000) * 1000,
      );
      expect(foo.metadata.resourceVersion).toMatch(/^[1-9][0-9]*$/);
      expect(foo.metadata.generation).toBe(1);
      expect((await send('GET', item(name))).json()).toEqual(foo);
    });

    fooOnly('defaults spec.replicas to 1', async () => {
      const foo = await create(uniqueName('defaults'), { location: 'Oslo' });
      expect(foo.spec).toEqual({ replicas: 1, location: 'Oslo', ...k.specDefaults });
    });

    namespacedOnly(
      'fills the namespace from the URL when the body has none, and accepts a matching one',
      async () => {
        const name = uniqueName('ns');
        const res = await send('POST', collection('team-a'), {
          body: fooBody(name, undefined, { namespace: 'team-a' }),
        });
        expect(res.status).toBe(201);
        expect(res.json<Foo>().metadata.namespace).toBe('team-a');
      },
    );

    when(!k.namespaced)(
      'clears a namespace sent in the body, as kube does for a cluster-scoped kind',
      async () => {
        const name = uniqueName('nsclear');
        const res = await send('POST', collection(), {
          body: fooBody(name, undefined, { namespace: 'team-a' }),
        });
        expect(res.status).toBe(201);
        expect(res.json<Foo>().metadata).not.toHaveProperty('namespace');
        expect((await send('GET', item(name))).json<Foo>().metadata).not.toHaveProperty('namespace');
      },
    );

    it('names an object from generateName with a random five-character suffix', async () => {
      const body = { ...fooBody(''), metadata: { generateName: 'gen-' } };
      const first = await send('POST', collection(), { body });
      const second = await send('POST', collection(), { body });
      expect(first.status).toBe(201);
      const a = first.json<Foo>().metadata;
      const b = second.json<Foo>().metadata;
      expect(a.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(a.generateName).toBe('gen-');
      expect(b.name).not.toBe(a.name);
      expect((await send('GET', item(a.name))).status).toBe(200);
    });

    it('truncates a generateName longer than 58 characters before the suffix, as Kubernetes does', async () => {
      const generateName = `${'long'.repeat(17)}-`;
      const res = await send('POST', collection(), {
        body: { ...fooBody(''), metadata: { generateName } },
      });
      expect(res.status).toBe(201);
      const meta = res.json<Foo>().metadata;
      expect(meta.name).toHaveLength(63);
      expect(meta.name.slice(0, 58)).toBe(generateName.slice(0, 58));
      expect(meta.name.slice(58)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(meta.generateName).toBe(generateName);
    });

    withStatusSubresource(
      'ignores status on create (written only through the status subresource)',
      async () => {
        const name = uniqueName('status');
        const res = await send('POST', collection(), {
          body: { ...fooBody(name), status: { observedGeneration: 7 } },
        });
        expect(res.status).toBe(201);
        expect(res.json<Foo>().status).toBeUndefined();
        expect((await send('GET', item(name))).json<Foo>().status).toBeUndefined();
      },
    );

    it('takes a YAML body and answers YAML when asked', async () => {
      const name = uniqueName('yaml');
      const res = await send('POST', collection(), {
        headers: { 'content-type': 'application/yaml', accept: 'application/yaml' },
        body: toYaml(fooBody(name, k.spec(4))),
      });
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toBe('application/yaml');
      const foo = parseYaml(res.text) as Foo;
      expect(foo).toMatchObject({ kind: k.kind.kind, metadata: { name }, spec: k.spec(4) });
      const got = await send('GET', item(name), { headers: { accept: 'application/yaml' } });
      expect(got.headers['content-type']).toBe('application/yaml');
      expect(got.headers.warning).toBe(k.warning);
      expect((parseYaml(got.text) as Foo).metadata.uid).toBe(foo.metadata.uid);
    });

    it('answers 409 AlreadyExists for a taken name', async () => {
      const name = uniqueName('exists');
      await create(name);
      const res = await expectNothingWritten('POST', collection(), { body: fooBody(name, k.spec(9)) });
      expect(res.status).toBe(409);
      expect(res.json()).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'AlreadyExists',
        message: `${k.plural}.${GROUP} "${name}" already exists`,
        details: { name, group: GROUP, kind: k.plural },
      });
      expect(k.countOf((await send('GET', item(name))).json<Foo>())).toBe(2);
    });

    namespacedOnly('answers 400 when the body’s namespace differs from the URL’s', async () => {
      const name = uniqueName('nsmismatch');
      const res = await expectNothingWritten('POST', collection(), {
        body: fooBody(name, undefined, { namespace: 'other' }),
      });
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({
        reason: 'BadRequest',
        message: 'the namespace of the provided object does not match the namespace sent on the request',
      });
      await expectAbsent(name);
      await expectAbsent(name, 'other');
    });

    it.each([
      ['another kind', { kind: 'Bar' }],
      ['another apiVersion', { apiVersion: `${GROUP}/v1000` }],
      ['another group', { apiVersion: 'apps/v1' }],
      ['no kind', { kind: undefined }],
      ['no apiVersion', { apiVersion: undefined }],
    ])('answers 400 BadRequest for %s', async (_what, override) => {
      const name = uniqueName('typemeta');
      const res = await expectNothingWritten('POST', collection(), {
        body: { ...fooBody(name), ...override },
      });
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
      await expectAbsent(name);
    });

    it.each([
      ['malformed JSON', 'application/json', '{"apiVersion": "bar.pwk.educative.io/v1beta1", "kind": '],
      ['a JSON array', 'application/json', '[1, 2]'],
      ['an empty body', 'application/json', ''],
      ['malformed YAML', 'application/yaml', 'kind: Foo\nmetadata: {name: [unclosed\n'],
      ['YAML with a duplicate key', 'application/yaml', 'kind: Foo\nkind: Foo\n'],
      [
        'metadata that is not an object',
        'application/json',
        '{"apiVersion":"bar.pwk.educative.io/v1beta1","kind":"Foo","metadata":"x"}',
      ],
    ])('answers 400 BadRequest for %s', async (_what, contentType, body) => {
      const res = await expectNothingWritten('POST', collection(), {
        headers: { 'content-type': contentType },
        body,
      });
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    });

    fooOnly('answers 422 Invalid with details.causes for a negative replicas', async () => {
      const name = uniqueName('invalid');
      const res = await expectNothingWritten('POST', collection(), { body: fooBody(name, { replicas: -3 }) });
      expect(res.status).toBe(422);
      expect(res.json()).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `Foo.${GROUP} "${name}" is invalid: spec.replicas: Invalid value: -3: must be greater than or equal to 0`,
        reason: 'Invalid',
        details: {
          name,
          group: GROUP,
          kind: 'Foo',
          causes: [
            {
              reason: 'FieldValueInvalid',
              message: 'Invalid value: -3: must be greater than or equal to 0',
              field: 'spec.replicas',
            },
          ],
        },
        code: 422,
      });
      await expectAbsent(name);
    });

    fooOnly('answers 422 Invalid naming spec.location when it is too long', async () => {
      const name = uniqueName('location');
      const res = await expectNothingWritten('POST', collection(), {
        body: fooBody(name, { location: 'x'.repeat(257) }),
      });
      expect(res.status).toBe(422);
      expect(res.json()).toMatchObject({
        reason: 'Invalid',
        details: { causes: [{ reason: 'FieldValueTooLong', field: 'spec.location' }] },
      });
      await expectAbsent(name);
    });

    fooOnly('answers 422 Invalid naming spec.replicas when it is not an integer', async () => {
      const name = uniqueName('replicastype');
      const res = await expectNothingWritten('POST', collection(), {
        body: fooBody(name, { replicas: 'three' }),
      });
      expect(res.status).toBe(422);
      expect(res.json()).toMatchObject({
        reason: 'Invalid',
        details: { causes: [{ field: 'spec.replicas' }] },
      });
    });

    it('answers 422 Invalid naming metadata.name when it is not a DNS subdomain', async () => {
      const res = await expectNothingWritten('POST', collection(), { body: fooBody('Bad_Name') });
      expect(res.status).toBe(422);
      const status = res.json<{ message: string; details: { causes: Json[] } }>();
      expect(
        status.message.startsWith(
          `${k.kind.kind}.${GROUP} "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": `,
        ),
      ).toBe(true);
      expect(status.details.causes).toEqual([
        expect.objectContaining({ reason: 'FieldValueInvalid', field: 'metadata.name' }),
      ]);
      await expectAbsent('Bad_Name');
    });

    it('answers 422 Invalid when neither name nor generateName is given', async () => {
      const res = await expectNothingWritten('POST', collection(), {
        body: { ...fooBody(''), metadata: {} },
      });
      expect(res.status).toBe(422);
      expect(res.json()).toMatchObject({
        details: { causes: [{ reason: 'FieldValueRequired', field: 'metadata.name' }] },
      });
    });
  });

  describe('content negotiation', () => {
    it('answers 415 UnsupportedMediaType for a body it cannot read', async () => {
      const name = uniqueName('media');
      const res = await expectNothingWritten('POST', collection(), {
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify(fooBody(name)),
      });
      expect(res.status).toBe(415);
      expect(res.json()).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 });
      await expectAbsent(name);
    });

    it('answers 406 NotAcceptable to an Accept with nothing it serves, before writing anything', async () => {
      const name = uniqueName('accept');
      const res = await expectNothingWritten('POST', collection(), {
        headers: { accept: 'text/html' },
        body: fooBody(name),
      });
      expect(res.status).toBe(406);
      expect(res.json()).toMatchObject({ kind: 'Status', reason: 'NotAcceptable', code: 406 });
      await expectAbsent(name);
      expect(
        (await send('GET', collection(), { headers: { accept: 'application/vnd.kubernetes.protobuf' } }))
          .status,
      ).toBe(406);
    });

    it('answers JSON to an Accept that lists protobuf first but also JSON', async () => {
      const name = uniqueName('protofirst');
      await create(name);
      const res = await send('GET', item(name), {
        headers: { accept: 'application/vnd.kubernetes.protobuf, application/json' },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers.warning).toBe(k.warning);
      expect(res.json<Foo>().metadata.name).toBe(name);
    });

    it('answers PartialObjectMetadata to the metadata client’s Accept', async () => {
      const name = uniqueName('partial');
      const foo = await create(name);
      const res = await send('GET', item(name), {
        headers: {
          accept:
            'application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json',
        },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(
        'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io',
      );
      expect(res.headers.warning).toBe(k.warning);
      expect(res.json()).toEqual({
        apiVersion: 'meta.k8s.io/v1',
        kind: 'PartialObjectMetadata',
        metadata: foo.metadata,
      });
    });

    fooOnly('answers a one-row Table for a single object', async () => {
      const name = uniqueName('table');
      await create(name, { replicas: 5, location: 'Lima' });
      const res = await send('GET', item(name), {
        headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
      });
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({
        kind: 'Table',
        apiVersion: 'meta.k8s.io/v1',
        rows: [{ cells: [name, 5, 'Lima', expect.any(String)] }],
      });
    });

    it('answers 413 RequestEntityTooLarge for a body over --max-request-bytes', async () => {
      const name = uniqueName('large');
      const res = await expectNothingWritten('POST', collection(), {
        body: fooBody(name, k.spec(1), { annotations: { big: 'x'.repeat(MAX_REQUEST_BYTES) } }),
      });
      expect(res.status).toBe(413);
      expect(res.json()).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 });
      await expectAbsent(name);
    });
  });

  describe('get', () => {
    it('answers 404 NotFound with the Kubernetes message and details', async () => {
      const res = await send('GET', item('does-not-exist'));
      expect(res.status).toBe(404);
      expect(res.headers.warning).toBe(k.warning);
      expect(res.json()).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `${k.plural}.${GROUP} "does-not-exist" not found`,
        reason: 'NotFound',
        details: { name: 'does-not-exist', group: GROUP, kind: k.plural },
        code: 404,
      });
    });

    namespacedOnly('does not find an object in another namespace', async () => {
      const name = uniqueName('elsewhere');
      await create(name);
      expect((await send('GET', item(name, 'other'))).status).toBe(404);
    });
  });

  describe('update (PUT)', () => {
    it('answers 200 with a new resourceVersion and keeps uid and creationTimestamp', async () => {
      const name = uniqueName('update');
      const foo = await create(name);
      const res = await send('PUT', item(name), {
        body: {
          ...foo,
          metadata: { ...foo.metadata, creationTimestamp: '2001-01-01T00:00:00Z' },
          spec: k.spec(7),
        },
      });
      expect(res.status).toBe(200);
      const updated = res.json<Foo>();
      expect(updated.spec).toEqual(k.spec(7));
      expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(foo.metadata.resourceVersion));
      expect(updated.metadata.uid).toBe(foo.metadata.uid);
      expect(updated.metadata.creationTimestamp).toBe(foo.metadata.creationTimestamp);
      expect((await send('GET', item(name))).json()).toEqual(updated);
    });

    it('bumps generation when spec changes, not when only metadata changes', async () => {
      const name = uniqueName('generation');
      const foo = await create(name);
      const relabelled = (
        await send('PUT', item(name), {
          body: { ...foo, metadata: { ...foo.metadata, labels: { tier: 'web' } } },
        })
      ).json<Foo>();
      expect(relabelled.metadata.labels).toEqual({ tier: 'web' });
      expect(relabelled.metadata.generation).toBe(1);
      const respecced = (
        await send('PUT', item(name), { body: { ...relabelled, spec: k.spec(3) } })
      ).json<Foo>();
      expect(respecced.metadata.generation).toBe(2);
      // A no-op update writes nothing: same resourceVersion, same generation (as etcd3's store).
      const before = await revision();
      const unchanged = (await send('PUT', item(name), { body: respecced })).json<Foo>();
      expect(unchanged.metadata.generation).toBe(2);
      expect(unchanged.metadata.resourceVersion).toBe(respecced.metadata.resourceVersion);
      expect(await revision()).toBe(before);
    });

    withStatusSubresource('ignores status on a main-resource update', async () => {
      const name = uniqueName('updstatus');
      const foo = await create(name);
      const res = await send('PUT', item(name), { body: { ...foo, status: { observedGeneration: 3 } } });
      expect(res.status).toBe(200);
      expect(res.json<Foo>().status).toBeUndefined();
      expect(res.json<Foo>().metadata.generation).toBe(1);
    });

    it('answers 409 Conflict with Kubernetes’ message for a stale resourceVersion', async () => {
      const name = uniqueName('stale');
      const foo = await create(name);
      expect((await send('PUT', item(name), { body: { ...foo, spec: k.spec(4) } })).status).toBe(200);
      const res = await expectNothingWritten('PUT', item(name), { body: { ...foo, spec: k.spec(5) } });
      expect(res.status).toBe(409);
      expect(res.json()).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'Conflict',
        code: 409,
        message: `Operation cannot be fulfilled on ${k.plural}.${GROUP} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        details: { name, group: GROUP, kind: k.plural },
      });
      expect(k.countOf((await send('GET', item(name))).json<Foo>())).toBe(4);
    });

    it('answers a PUT of a missing object without resourceVersion with 404 NotFound (no create on update)', async () => {
      const name = uniqueName('missing-norv');
      const res = await expectNothingWritten('PUT', item(name), { body: fooBody(name) });
      expect(res.status).toBe(404);
      expect(res.json()).toMatchObject({
        reason: 'NotFound',
        message: `${k.plural}.${GROUP} "${name}" not found`,
        details: { name, group: GROUP, kind: k.plural },
      });
    });

    it('answers 422 when the body has no resourceVersion', async () => {
      const name = uniqueName('norv');
      const foo = await create(name);
      const { resourceVersion: _rv, ...metadata } = foo.metadata;
      const res = await expectNothingWritten('PUT', item(name), {
        body: { ...foo, metadata, spec: k.spec(8) },
      });
      expect(res.status).toBe(422);
      expect(res.json()).toMatchObject({
        reason: 'Invalid',
        message: `${k.kind.kind}.${GROUP} "${name}" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`,
        details: { causes: [{ reason: 'FieldValueInvalid', field: 'metadata.resourceVersion' }] },
      });
    });

    it('answers 400 when the body’s name differs from the URL’s', async () => {
      const name = uniqueName('rename');
      const foo = await create(name);
      const res = await expectNothingWritten('PUT', item(name), {
        body: { ...foo, metadata: { ...foo.metadata, name: `${name}-x` } },
      });
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ reason: 'BadRequest' });
      await expectAbsent(`${name}-x`);
    });

    namespacedOnly('answers 400 when the body’s namespace differs from the URL’s', async () => {
      const name = uniqueName('renamespace');
      const foo = await create(name);
      const res = await expectNothingWritten('PUT', item(name), {
        body: { ...foo, metadata: { ...foo.metadata, namespace: 'other' } },
      });
      expect(res.status).toBe(400);
    });

    it('answers 400 for a kind mismatch on update', async () => {
      const name = uniqueName('updkind');
      const foo = await create(name);
      const res = await expectNothingWritten('PUT', item(name), { body: { ...foo, kind: 'Bar' } });
      expect(res.status).toBe(400);
    });

    it('answers 422 for an invalid update and keeps the stored object', async () => {
      const name = uniqueName('updinvalid');
      const foo = await create(name);
      const res = await expectNothingWritten('PUT', item(name), { body: { ...foo, spec: k.invalid.spec } });
      expect(res.status).toBe(422);
      expect(res.json()).toMatchObject({ details: { causes: [{ field: k.invalid.field }] } });
      expect((await send('GET', item(name))).json()).toEqual(foo);
    });

    it('answers 422 when the update changes the uid', async () => {
      const name = uniqueName('upduid');
      const foo = await create(name);
      const res = await expectNothingWritten('PUT', item(name), {
        body: { ...foo, metadata: { ...foo.metadata, uid: '00000000-0000-0000-0000-000000000000' } },
      });
      expect(res.status).toBe(422);
      expect(res.json()).toMatchObject({ details: { causes: [{ field: 'metadata.uid' }] } });
    });

    it('answers 404 for an object that does not exist (no create on update)', async () => {
      const name = uniqueName('updmissing');
      const res = await expectNothingWritten('PUT', item(name), {
        body: fooBody(name, k.spec(1), { resourceVersion: '1' }),
      });
      expect(res.status).toBe(404);
      expect(res.json()).toMatchObject({
        reason: 'NotFound',
        message: `${k.plural}.${GROUP} "${name}" not found`,
      });
    });
  });

  describe('delete', () => {
    it('answers a Success Status naming the deleted object, which is then gone', async () => {
      const name = uniqueName('delete');
      const foo = await create(name);
      const res = await send('DELETE', item(name), { body: { propagationPolicy: 'Background' } });
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        code: 200,
        details: { name, group: GROUP, kind: k.plural, uid: foo.metadata.uid },
      });
      await expectAbsent(name);
    });

    it('answers 404 for an object that does not exist', async () => {
      const res = await expectNothingWritten('DELETE', item(uniqueName('nothing')));
      expect(res.status).toBe(404);
      expect(res.json()).toMatchObject({ reason: 'NotFound' });
    });

    it('answers 409 Conflict when a uid precondition does not hold, and keeps the object', async () => {
      const name = uniqueName('preuid');
      await create(name);
      const res = await expectNothingWritten('DELETE', item(name), {
        body: { preconditions: { uid: 'someone-else' } },
      });
      expect(res.status).toBe(409);
      expect(res.json()).toMatchObject({
        reason: 'Conflict',
        message: expect.stringContaining(
          'the UID in the precondition (someone-else) does not match the UID in record',
        ),
      });
      expect((await send('GET', item(name))).status).toBe(200);
    });

    it('answers 409 Conflict when a resourceVersion precondition does not hold, and deletes when it does', async () => {
      const name = uniqueName('prerv');
      const foo = await create(name);
      const res = await expectNothingWritten('DELETE', item(name), {
        body: { preconditions: { resourceVersion: '1' } },
      });
      expect(res.status).toBe(409);
      expect(res.json()).toMatchObject({
        reason: 'Conflict',
        message: expect.stringContaining(
          'the ResourceVersion in the precondition (1) does not match the ResourceVersion in record',
        ),
      });
      const ok = await send('DELETE', item(name), {
        body: { preconditions: { uid: foo.metadata.uid, resourceVersion: foo.metadata.resourceVersion } },
      });
      expect(ok.status).toBe(200);
      await expectAbsent(name);
    });

    it('deletes nothing under dryRun=All', async () => {
      const name = uniqueName('deldry');
      await create(name);
      const before = await revision();
      const res = await send('DELETE', `${item(name)}?dryRun=All`);
      expect(res.status).toBe(200);
      expect(await revision()).toBe(before);
      expect((await send('GET', item(name))).status).toBe(200);
    });

    it('deletes a collection by label selector, answering the list of what it deleted', async () => {
      const ns = 'delcoll';
      const doomed = [uniqueName('doomed'), uniqueName('doomed')];
      const kept = uniqueName('kept');
      for (const name of doomed) {
        expect(
          (
            await send('POST', collection(ns), {
              body: fooBody(name, undefined, { labels: { fate: 'doomed' } }),
            })
          ).status,
        ).toBe(201);
      }
      expect(
        (
          await send('POST', collection(ns), {
            body: fooBody(kept, undefined, { labels: { fate: 'spared' } }),
          })
        ).status,
      ).toBe(201);
      const res = await send('DELETE', `${collection(ns)}?labelSelector=fate%3Ddoomed`);
      expect(res.status).toBe(200);
      const list = res.json<{ kind: string; items: Foo[]; metadata: Json }>();
      expect(list.kind).toBe(k.kind.listKind);
      expect(list.items.map((f) => f.metadata.name).sort()).toEqual([...doomed].sort());
      expect(list.metadata.resourceVersion).toMatch(/^\d+$/);
      for (const name of doomed) await expectAbsent(name, ns);
      expect((await send('GET', item(kept, ns))).status).toBe(200);
    });
  });

  describe('finalizers', () => {
    it('marks an object with finalizers as deleting and keeps it until they are removed', async () => {
      const name = uniqueName('final');
      await create(name, undefined, { finalizers: ['example.com/hold'] });
      const res = await send('DELETE', item(name));
      expect(res.status).toBe(200);
      const marked = res.json<Foo>();
      expect(marked.kind).toBe(k.kind.kind);
      expect(marked.metadata.deletionTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(marked.metadata.deletionGracePeriodSeconds).toBe(0);
      const still = (await send('GET', item(name))).json<Foo>();
      expect(still.metadata.deletionTimestamp).toBe(marked.metadata.deletionTimestamp);

      // A second delete changes nothing.
      const again = await send('DELETE', item(name));
      expect(again.status).toBe(200);
      expect(again.json<Foo>().metadata.deletionTimestamp).toBe(marked.metadata.deletionTimestamp);

      const released = await send('PUT', item(name), {
        body: { ...still, metadata: { ...still.metadata, finalizers: [] } },
      });
      expect(released.status).toBe(200);
      await expectAbsent(name);
    });

    it('refuses an update that adds a finalizer to an object being deleted', async () => {
      const name = uniqueName('finaladd');
      await create(name, undefined, { finalizers: ['example.com/hold'] });
      const marked = (await send('DELETE', item(name))).json<Foo>();
      const res = await expectNothingWritten('PUT', item(name), {
        body: {
          ...marked,
          metadata: { ...marked.metadata, finalizers: ['example.com/hold', 'example.com/more'] },
        },
      });
      expect(res.status).toBe(422);
      expect(res.json()).toMatchObject({
        reason: 'Invalid',
        details: { causes: [{ reason: 'FieldValueForbidden', field: 'metadata.finalizers' }] },
      });
    });

    it('ignores a deletionTimestamp sent on create or update', async () => {
      const name = uniqueName('finalts');
      const created = await create(name, undefined, { deletionTimestamp: '2001-01-01T00:00:00Z' });
      expect(created.metadata.deletionTimestamp).toBeUndefined();
      const res = await send('PUT', item(name), {
        body: { ...created, metadata: { ...created.metadata, deletionTimestamp: '2001-01-01T00:00:00Z' } },
      });
      expect(res.status).toBe(200);
      expect(res.json<Foo>().metadata.deletionTimestamp).toBeUndefined();
    });
  });

  describe('unsupported methods', () => {
    it.each([
      ['POST', () => item('some-foo')],
      ['PUT', () => collection()],
      ['PATCH', () => collection()],
      // across all namespaces (a cluster-scoped kind's collection takes both)
      ...(k.namespaced
        ? [
            ['POST', () => `${BASE}/${k.plural}`],
            ['DELETE', () => `${BASE}/${k.plural}`],
          ]
        : []),
    ] as [string, () => string][])('answers %s on %s with 405 MethodNotAllowed', async (method, path) => {
      const res = await expectNothingWritten(method, path(), { body: fooBody('some-foo') });
      expect(res.status).toBe(405);
      expect(res.json()).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
    });
  });
});
