/**
 * Server-side apply over HTTP (PATCH application/apply-patch+yaml) and the managedFields every
 * write records: create-on-apply, ownership per field manager, conflicts and force, removal of
 * fields an applier stops applying, the request checks (fieldManager, force, managedFields,
 * resourceVersion), dryRun and fieldValidation — with nothing written on errors. Run for each
 * installed kind, on the two fields of its spec the fixture names (an integer with a default, a
 * string): Foo's replicas and location, Widget's size and colour.
 */
import { KIND_FIXTURES, TEST_KINDS } from '../support/kinds/fixtures';
import { startTestServer } from '../support/server';
import type { RequestOptions, TestResponse, TestServer } from '../support/server';

type Json = Record<string, unknown>;
interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: string;
  fieldsV1: Json;
  subresource?: string;
}
interface Foo {
  apiVersion: string;
  kind: string;
  metadata: Json & {
    name: string;
    resourceVersion: string;
    generation: number;
    labels?: Record<string, string>;
    managedFields?: ManagedFieldsEntry[];
  };
  spec?: Record<string, unknown>;
  status?: Json;
}

const APPLY = 'application/apply-patch+yaml';
const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${++counter}`;

describe.each(KIND_FIXTURES)('server-side apply and managedFields: $title', (k) => {
  const API_VERSION = k.apiVersion;
  const collection = k.collection();
  const item = (name: string) => k.item(name);
  /** The spec's integer field (defaulted to 1) and its string field. */
  const { count: C, text: T } = k.fields;

  /** An applied configuration in YAML, as kubectl apply --server-side sends it. */
  function config(name: string, spec: string[], extra: string[] = []): string {
    return [
      `apiVersion: ${API_VERSION}`,
      `kind: ${k.kind.kind}`,
      'metadata:',
      `  name: ${name}`,
      ...extra,
      ...(spec.length > 0 ? ['spec:', ...spec.map((line) => `  ${line}`)] : []),
      '',
    ].join('\n');
  }

  const entry = (foo: Foo, manager: string, operation = 'Apply') =>
    foo.metadata.managedFields?.find((e) => e.manager === manager && e.operation === operation);

  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ kinds: TEST_KINDS });
  });
  afterAll(() => server.stop());

  const revision = () => server.server.storage.currentRevision();
  const get = async (name: string): Promise<Foo> => (await server.request('GET', item(name))).json<Foo>();

  function apply(name: string, body: string, query = ''): Promise<TestResponse> {
    return server.request('PATCH', `${item(name)}${query}`, { headers: { 'content-type': APPLY }, body });
  }

  async function applyOk(name: string, body: string, query: string, code = 200): Promise<Foo> {
    const res = await apply(name, body, query);
    expect(res.json()).toMatchObject({ kind: k.kind.kind });
    expect(res.status).toBe(code);
    return res.json<Foo>();
  }

  /** Runs a request that must fail, and checks the store's revision did not move. */
  async function expectNothingWritten(request: () => Promise<TestResponse>): Promise<TestResponse> {
    const before = await revision();
    const res = await request();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await revision()).toBe(before);
    return res;
  }

  describe('create on apply', () => {
    it('answers 201 with the object and an Apply entry naming the manager, time and owned fields', async () => {
      const name = uniqueName('ssa-create');
      const res = await apply(
        name,
        config(name, [`${C}: 3`, `${T}: Berlin`], ['  labels:', '    tier: web']),
        '?fieldManager=alice',
      );

      expect(res.status).toBe(201);
      const foo = res.json<Foo>();
      expect(foo).toMatchObject({
        metadata: {
          name,
          ...(k.namespaced ? { namespace: 'default' } : {}),
          generation: 1,
          labels: { tier: 'web' },
        },
        spec: { [C]: 3, [T]: 'Berlin' },
      });
      expect(foo.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(foo.metadata.managedFields).toEqual([
        {
          manager: 'alice',
          operation: 'Apply',
          apiVersion: API_VERSION,
          time: expect.stringMatching(RFC3339_SECONDS),
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': { 'f:labels': { 'f:tier': {} } },
            'f:spec': { [`f:${T}`]: {}, [`f:${C}`]: {} },
          },
        },
      ]);
      expect(await get(name)).toEqual(foo);
    });

    it('leaves defaulted fields unowned', async () => {
      const name = uniqueName('ssa-default');
      const foo = await applyOk(name, config(name, [`${T}: Oslo`]), '?fieldManager=alice', 201);

      expect(foo.spec).toEqual({ [C]: 1, [T]: 'Oslo', ...k.specDefaults });
      expect(entry(foo, 'alice')?.fieldsV1).toEqual({ 'f:spec': { [`f:${T}`]: {} } });
    });

    it('creates nothing under dryRun=All, answering 201 with the would-be object', async () => {
      const name = uniqueName('ssa-dry');
      const before = await revision();
      const res = await apply(name, config(name, [`${C}: 2`]), '?fieldManager=alice&dryRun=All');

      expect(res.status).toBe(201);
      expect(res.json<Foo>()).toMatchObject({ metadata: { name }, spec: { [C]: 2 } });
      expect(entry(res.json<Foo>(), 'alice')).toBeDefined();
      expect(await revision()).toBe(before);
      expect((await server.request('GET', item(name))).status).toBe(404);
    });
  });

  describe('one manager', () => {
    it('lets a second apply by the same manager change its fields, keeping one entry', async () => {
      const name = uniqueName('ssa-same');
      const first = await applyOk(name, config(name, [`${C}: 1`]), '?fieldManager=alice', 201);
      const second = await applyOk(name, config(name, [`${C}: 4`]), '?fieldManager=alice');

      expect(second.spec?.[C]).toBe(4);
      expect(second.metadata.generation).toBe(2);
      expect(Number(second.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
      expect(second.metadata.managedFields).toHaveLength(1);
      expect(entry(second, 'alice')?.fieldsV1).toEqual({ 'f:spec': { [`f:${C}`]: {} } });
    });

    it('writes nothing for an apply that changes nothing', async () => {
      const name = uniqueName('ssa-noop');
      const first = await applyOk(name, config(name, [`${C}: 2`]), '?fieldManager=alice', 201);
      const before = await revision();
      const again = await applyOk(name, config(name, [`${C}: 2`]), '?fieldManager=alice');

      expect(again.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
      expect(entry(again, 'alice')?.time).toBe(entry(first, 'alice')?.time);
      expect(await revision()).toBe(before);
    });

    it('removes a field the manager stops applying when nobody else owns it', async () => {
      const name = uniqueName('ssa-drop');
      await applyOk(
        name,
        config(name, [`${C}: 2`, `${T}: Rome`], ['  labels: {a: x, b: y}']),
        '?fieldManager=alice',
        201,
      );
      const foo = await applyOk(name, config(name, [`${C}: 2`], ['  labels: {a: x}']), '?fieldManager=alice');

      expect(foo.spec).toEqual({ [C]: 2, ...k.specDefaults });
      expect(foo.metadata.labels).toEqual({ a: 'x' });
      expect(entry(foo, 'alice')?.fieldsV1).toEqual({
        'f:metadata': { 'f:labels': { 'f:a': {} } },
        'f:spec': { [`f:${C}`]: {} },
      });
    });

    it('answers a dry-run apply with the change, and stores nothing', async () => {
      const name = uniqueName('ssa-dryupdate');
      const first = await applyOk(name, config(name, [`${C}: 2`]), '?fieldManager=alice', 201);
      const before = await revision();
      const dry = await applyOk(name, config(name, [`${C}: 7`]), '?fieldManager=alice&dryRun=All');

      expect(dry.spec?.[C]).toBe(7);
      expect(await revision()).toBe(before);
      expect(await get(name)).toEqual(first);
    });
  });

  describe('two managers', () => {
    async function sharedFoo(): Promise<string> {
      const name = uniqueName('ssa-two');
      await applyOk(name, config(name, [`${C}: 3`, `${T}: Paris`]), '?fieldManager=alice', 201);
      return name;
    }

    it('answers 409 naming the conflicting field and its owner, and writes nothing', async () => {
      const name = await sharedFoo();
      const res = await expectNothingWritten(() =>
        apply(name, config(name, [`${C}: 5`]), '?fieldManager=bob'),
      );

      expect(res.status).toBe(409);
      expect(res.json()).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `Apply failed with 1 conflict: conflict with "alice": .spec.${C}`,
        reason: 'Conflict',
        details: {
          causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: `.spec.${C}` }],
        },
        code: 409,
      });
      expect((await get(name)).spec?.[C]).toBe(3);
    });

    it('lists every conflicting field, one cause each', async () => {
      const name = await sharedFoo();
      const res = await expectNothingWritten(() =>
        apply(name, config(name, [`${C}: 5`, `${T}: Lyon`]), '?fieldManager=bob'),
      );

      expect(res.json()).toMatchObject({
        code: 409,
        message: `Apply failed with 2 conflicts: conflicts with "alice":\n- .spec.${T}\n- .spec.${C}`,
        details: {
          causes: [
            { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: `.spec.${T}` },
            { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: `.spec.${C}` },
          ],
        },
      });
    });

    it('names an Update owner with its apiVersion in the conflict', async () => {
      const name = uniqueName('ssa-vs-update');
      const created = await server.request('POST', `${collection}?fieldManager=editor`, {
        body: { apiVersion: API_VERSION, kind: k.kind.kind, metadata: { name }, spec: { [C]: 2 } },
      });
      expect(created.status).toBe(201);
      const res = await expectNothingWritten(() =>
        apply(name, config(name, [`${C}: 6`]), '?fieldManager=bob'),
      );

      expect(res.json()).toMatchObject({
        code: 409,
        message: `Apply failed with 1 conflict: conflict with "editor" using ${API_VERSION}: .spec.${C}`,
      });
    });

    it('shares a field without conflict when the second manager applies the same value', async () => {
      const name = await sharedFoo();
      const foo = await applyOk(name, config(name, [`${C}: 3`]), '?fieldManager=bob');

      expect(entry(foo, 'alice')?.fieldsV1).toEqual({ 'f:spec': { [`f:${T}`]: {}, [`f:${C}`]: {} } });
      expect(entry(foo, 'bob')?.fieldsV1).toEqual({ 'f:spec': { [`f:${C}`]: {} } });
    });

    it('takes the field over with force=true, and the first manager loses it', async () => {
      const name = await sharedFoo();
      const foo = await applyOk(name, config(name, [`${C}: 5`]), '?fieldManager=bob&force=true');

      expect(foo.spec).toEqual({ [C]: 5, [T]: 'Paris', ...k.specDefaults });
      expect(entry(foo, 'alice')?.fieldsV1).toEqual({ 'f:spec': { [`f:${T}`]: {} } });
      expect(entry(foo, 'bob')?.fieldsV1).toEqual({ 'f:spec': { [`f:${C}`]: {} } });
    });

    it('keeps a field the first manager stops applying while another manager owns it', async () => {
      const name = await sharedFoo();
      await applyOk(name, config(name, [`${T}: Paris`]), '?fieldManager=bob');
      const foo = await applyOk(name, config(name, [`${C}: 3`]), '?fieldManager=alice');

      expect(foo.spec).toEqual({ [C]: 3, [T]: 'Paris', ...k.specDefaults });
      expect(entry(foo, 'alice')?.fieldsV1).toEqual({ 'f:spec': { [`f:${C}`]: {} } });
      expect(entry(foo, 'bob')?.fieldsV1).toEqual({ 'f:spec': { [`f:${T}`]: {} } });
    });

    it('lets the applier drop a field it lost by force, without removing it', async () => {
      const name = await sharedFoo();
      await applyOk(name, config(name, [`${C}: 9`]), '?fieldManager=bob&force=true');
      const foo = await applyOk(name, config(name, [`${T}: Paris`]), '?fieldManager=alice');

      expect(foo.spec).toEqual({ [C]: 9, [T]: 'Paris', ...k.specDefaults });
    });
  });

  describe('request checks', () => {
    it('answers 422 for an apply without fieldManager, writing nothing', async () => {
      const name = uniqueName('ssa-nomgr');
      const res = await expectNothingWritten(() => apply(name, config(name, [`${C}: 1`])));

      expect(res.json()).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        reason: 'Invalid',
        details: {
          name: '',
          group: 'meta.k8s.io',
          kind: 'PatchOptions',
          causes: [
            {
              reason: 'FieldValueRequired',
              message: 'Required value: is required for apply patch',
              field: 'fieldManager',
            },
          ],
        },
        code: 422,
      });
    });

    it('answers 422 for force on a non-apply patch, writing nothing', async () => {
      const name = uniqueName('ssa-force');
      await applyOk(name, config(name, [`${C}: 1`]), '?fieldManager=alice', 201);
      const res = await expectNothingWritten(() =>
        server.request('PATCH', `${item(name)}?force=true`, {
          headers: { 'content-type': 'application/merge-patch+json' },
          body: { spec: { [C]: 2 } },
        }),
      );

      expect(res.json()).toMatchObject({
        code: 422,
        reason: 'Invalid',
        message:
          'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
        details: { causes: [{ reason: 'FieldValueForbidden', field: 'force' }] },
      });
    });

    it('answers 400 for managedFields in the applied configuration, writing nothing', async () => {
      const name = uniqueName('ssa-mf');
      await applyOk(name, config(name, [`${C}: 1`]), '?fieldManager=alice', 201);
      const body = config(
        name,
        [`${C}: 2`],
        [
          '  managedFields:',
          '  - {manager: mallory, operation: Apply, apiVersion: v1, fieldsType: FieldsV1, fieldsV1: {}}',
        ],
      );
      const res = await expectNothingWritten(() => apply(name, body, '?fieldManager=alice'));

      expect(res.json()).toMatchObject({
        code: 400,
        reason: 'BadRequest',
        message: 'metadata.managedFields must be nil',
      });
    });

    it('answers 409 for a stale metadata.resourceVersion in the applied configuration', async () => {
      const name = uniqueName('ssa-stale');
      const first = await applyOk(name, config(name, [`${C}: 1`]), '?fieldManager=alice', 201);
      await applyOk(name, config(name, [`${C}: 2`]), '?fieldManager=alice');
      const stale = config(name, [`${C}: 3`], [`  resourceVersion: "${first.metadata.resourceVersion}"`]);
      const res = await expectNothingWritten(() => apply(name, stale, '?fieldManager=alice'));

      expect(res.json()).toMatchObject({ code: 409, reason: 'Conflict' });
      expect((await get(name)).spec?.[C]).toBe(2);
    });

    it('applies a configuration whose resourceVersion is current', async () => {
      const name = uniqueName('ssa-current');
      const first = await applyOk(name, config(name, [`${C}: 1`]), '?fieldManager=alice', 201);
      const current = config(name, [`${C}: 3`], [`  resourceVersion: "${first.metadata.resourceVersion}"`]);

      expect((await applyOk(name, current, '?fieldManager=alice')).spec?.[C]).toBe(3);
    });

    it('answers 400 for a configuration of another kind or naming another object', async () => {
      const name = uniqueName('ssa-kind');
      const wrongKind = config(name, [`${C}: 1`]).replace(`kind: ${k.kind.kind}`, 'kind: Bar');
      const wrongName = config('someone-else', [`${C}: 1`]);

      const kindRes = await expectNothingWritten(() => apply(name, wrongKind, '?fieldManager=alice'));
      const nameRes = await expectNothingWritten(() => apply(name, wrongName, '?fieldManager=alice'));

      expect(kindRes.json()).toMatchObject({
        code: 400,
        message: `invalid object type: ${API_VERSION}, Kind=Bar`,
      });
      expect(nameRes.json()).toMatchObject({
        code: 400,
        message: `the name of the object (someone-else) does not match the name on the URL (${name})`,
      });
    });

    it('answers 422 for an invalid value, writing nothing', async () => {
      const name = uniqueName('ssa-invalid');
      const res = await expectNothingWritten(() =>
        apply(name, config(name, [`${C}: -1`]), '?fieldManager=alice'),
      );

      expect(res.json()).toMatchObject({
        code: 422,
        details: { causes: [{ reason: 'FieldValueInvalid', field: `spec.${C}` }] },
      });
    });
  });

  describe('fieldValidation', () => {
    const withFlavour = (name: string) => config(name, [`${C}: 1`, 'flavour: blue']);

    it('answers 400 under Strict naming the unknown field, and writes nothing', async () => {
      const name = uniqueName('ssa-strict');
      const res = await expectNothingWritten(() =>
        apply(name, withFlavour(name), '?fieldManager=alice&fieldValidation=Strict'),
      );

      expect(res.json()).toMatchObject({
        code: 400,
        reason: 'BadRequest',
        message: 'strict decoding error: unknown field "spec.flavour"',
      });
    });

    it('warns under Warn and stores neither the field nor ownership of it', async () => {
      const name = uniqueName('ssa-warn');
      const res = await apply(name, withFlavour(name), '?fieldManager=alice&fieldValidation=Warn');

      expect(res.status).toBe(201);
      expect(res.headers.warning).toBe(k.warningWith('299 - "unknown field \\"spec.flavour\\""'));
      const foo = await get(name);
      expect(foo.spec).toEqual({ [C]: 1, ...k.specDefaults });
      expect(entry(foo, 'alice')?.fieldsV1).toEqual({ 'f:spec': { [`f:${C}`]: {} } });
    });
  });

  describe('Update entries for non-apply writes', () => {
    const body = (name: string, spec: Json = { [C]: 2 }) => ({
      apiVersion: API_VERSION,
      kind: k.kind.kind,
      metadata: { name },
      spec,
    });

    async function post(name: string, options: RequestOptions & { query?: string } = {}): Promise<Foo> {
      const res = await server.request('POST', `${collection}${options.query ?? ''}`, {
        body: body(name),
        headers: options.headers,
      });
      expect(res.status).toBe(201);
      return res.json<Foo>();
    }

    it('records a POST under ?fieldManager with the fields it set', async () => {
      const foo = await post(uniqueName('upd-post'), { query: '?fieldManager=creator' });

      expect(foo.metadata.managedFields).toEqual([
        {
          manager: 'creator',
          operation: 'Update',
          apiVersion: API_VERSION,
          time: expect.stringMatching(RFC3339_SECONDS),
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:spec': { '.': {}, [`f:${C}`]: {} } },
        },
      ]);
    });

    it('names the manager after the User-Agent’s program when no fieldManager is given', async () => {
      const foo = await post(uniqueName('upd-ua'), {
        headers: { 'user-agent': 'kubectl-edit/v1.32.0 (linux/amd64) kubernetes/abcdef' },
      });

      expect(foo.metadata.managedFields?.map((e) => [e.manager, e.operation])).toEqual([
        ['kubectl-edit', 'Update'],
      ]);
    });

    it('records a PUT and a PATCH by other managers, moving ownership of what they changed', async () => {
      const name = uniqueName('upd-put');
      const created = await post(name, { query: '?fieldManager=creator' });
      const put = await server.request('PUT', `${item(name)}?fieldManager=replacer`, {
        body: { ...created, spec: { [C]: 2, [T]: 'Kyiv' } },
      });
      expect(put.status).toBe(200);
      const patched = await server.request('PATCH', `${item(name)}?fieldManager=patcher`, {
        headers: { 'content-type': 'application/merge-patch+json' },
        body: { spec: { [C]: 8 } },
      });
      expect(patched.status).toBe(200);
      const foo = patched.json<Foo>();

      // Entries sort by operation, then time in seconds, then manager: compare by manager.
      const byManager = [...(foo.metadata.managedFields ?? [])].sort((a, b) =>
        a.manager.localeCompare(b.manager),
      );
      expect(byManager.map((e) => [e.manager, e.operation, e.fieldsV1])).toEqual([
        // The creator keeps spec itself ("." is written only beside children).
        ['creator', 'Update', { 'f:spec': {} }],
        ['patcher', 'Update', { 'f:spec': { [`f:${C}`]: {} } }],
        ['replacer', 'Update', { 'f:spec': { [`f:${T}`]: {} } }],
      ]);
      expect(foo.metadata.managedFields?.every((e) => e.apiVersion === API_VERSION)).toBe(true);
    });

    it('keeps managedFields a client leaves out of a PUT', async () => {
      const name = uniqueName('upd-keep');
      const created = await post(name, { query: '?fieldManager=creator' });
      const { managedFields: _dropped, ...metadata } = created.metadata;
      const res = await server.request('PUT', `${item(name)}?fieldManager=creator`, {
        body: { ...created, metadata, spec: { [C]: 3 } },
      });

      expect(res.json<Foo>().metadata.managedFields).toHaveLength(1);
      expect(entry(res.json<Foo>(), 'creator', 'Update')?.fieldsV1).toEqual({
        'f:spec': { '.': {}, [`f:${C}`]: {} },
      });
    });
  });
});
