/**
 * Lists over HTTP: label and field selectors, paging with limit/continue (consistent pages,
 * an expired token's 410 with a fresh token), resourceVersion/resourceVersionMatch as Kubernetes
 * defines them, all-namespaces lists, and the Table and PartialObjectMetadataList forms.
 * Run for each installed kind; a cluster-scoped kind has no namespaces to keep the blocks apart,
 * so each block gets a server of its own.
 */
import { isFoo, KIND_FIXTURES, TEST_KINDS } from '../support/kinds/fixtures';
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';

type Json = Record<string, unknown>;
interface Foo {
  kind: string;
  metadata: { name: string; namespace: string; resourceVersion: string; labels?: Record<string, string> };
  spec?: Json;
}
interface FooList {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: Foo[];
}

const EVENT_WINDOW = 100;
const START_TIMEOUT_MS = 30_000;
const TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const METADATA_LIST_ACCEPT =
  'application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

describe.each(KIND_FIXTURES)('list: $title', (k) => {
  const GROUP = k.group;
  const BASE = `/apis/${GROUP}/${k.version}`;
  const collection = (ns: string) => k.collection(ns);
  const when = (applies: boolean) => (applies ? describe : () => undefined);
  const namespacedOnly = when(k.namespaced);
  const fooOnly = when(isFoo(k));

  let server: TestServer;
  const start = async () => {
    server = await startTestServer({ flags: [`--event-window=${EVENT_WINDOW}`], kinds: TEST_KINDS });
  };
  // A server starts in well under a second, but a loaded machine may take longer: not timed here.
  beforeAll(start, START_TIMEOUT_MS);
  afterAll(() => server.stop());
  /** For a cluster-scoped kind: a server of the block's own (first in a block). */
  const isolate = () => {
    if (k.namespaced) return;
    beforeAll(async () => {
      await server.stop();
      await start();
    }, START_TIMEOUT_MS);
  };

  async function create(
    ns: string,
    name: string,
    labels?: Record<string, string>,
    spec: Json = k.spec(2),
  ): Promise<Foo> {
    const res = await server.request('POST', collection(ns), {
      body: k.body(name, spec, labels ? { labels } : {}),
    });
    expect(res.status).toBe(201);
    return res.json<Foo>();
  }

  async function list(path: string): Promise<FooList> {
    const res = await server.request('GET', path);
    expect(res.status).toBe(200);
    return res.json<FooList>();
  }

  const names = (l: FooList) => l.items.map((i) => i.metadata.name);

  it('answers a FooList with metadata.resourceVersion, even when empty', async () => {
    const before = await server.server.storage.currentRevision();
    const res = await server.request('GET', collection('nothing-here'));
    expect(res.status).toBe(200);
    const body = res.json<FooList>();
    expect(body).toEqual({
      apiVersion: k.apiVersion,
      kind: k.kind.listKind,
      metadata: { resourceVersion: String(before) },
      items: [],
    });
  });

  describe('label selectors', () => {
    isolate();
    const ns = 'labels';
    beforeAll(async () => {
      await create(ns, 'a', { app: 'web', tier: 'front' });
      await create(ns, 'b', { app: 'web', tier: 'back' });
      await create(ns, 'c', { app: 'db' });
      await create(ns, 'd');
    });

    it.each([
      ['app=web', ['a', 'b']],
      ['app==web', ['a', 'b']],
      ['app!=web', ['c', 'd']],
      ['app in (web,db)', ['a', 'b', 'c']],
      ['app notin (web)', ['c', 'd']],
      ['tier', ['a', 'b']],
      ['!tier', ['c', 'd']],
      ['app=web,tier=back', ['b']],
      ['app=web,!tier', []],
      ['', ['a', 'b', 'c', 'd']],
    ])('selects %j', async (selector, expected) => {
      const body = await list(`${collection(ns)}?labelSelector=${encodeURIComponent(selector)}`);
      expect(names(body)).toEqual(expected);
      expect(body.metadata.resourceVersion).toMatch(/^\d+$/);
    });

    it.each(['app in (web', '=web', 'a b', 'app=web,', 'app=-bad-'])(
      'answers 400 BadRequest for the malformed selector %j',
      async (selector) => {
        const res = await server.request(
          'GET',
          `${collection(ns)}?labelSelector=${encodeURIComponent(selector)}`,
        );
        expect(res.status).toBe(400);
        expect(res.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
      },
    );
  });

  namespacedOnly('field selectors', () => {
    const ns = 'fields';
    beforeAll(async () => {
      await create(ns, 'x');
      await create(ns, 'y');
      await create('fields-other', 'x');
    });

    it.each([
      ['metadata.name=x', ['x']],
      ['metadata.name==y', ['y']],
      ['metadata.name!=x', ['y']],
      ['metadata.namespace=fields', ['x', 'y']],
      ['metadata.namespace!=fields', []],
      ['metadata.name=x,metadata.namespace=fields', ['x']],
    ])('selects %j', async (selector, expected) => {
      expect(names(await list(`${collection(ns)}?fieldSelector=${encodeURIComponent(selector)}`))).toEqual(
        expected,
      );
    });

    it('selects by name across all namespaces, in etcd key order', async () => {
      const body = await list(`${BASE}/${k.plural}?fieldSelector=${encodeURIComponent('metadata.name=x')}`);
      // Keys compare bytewise: '-' sorts before '/', so fields-other/x precedes fields/x.
      expect(body.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual([
        'fields-other/x',
        'fields/x',
      ]);
    });

    it('answers 400 for a field it cannot select on', async () => {
      const res = await server.request(
        'GET',
        `${collection(ns)}?fieldSelector=${encodeURIComponent('spec.replicas=2')}`,
      );
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({
        reason: 'BadRequest',
        message: 'field label not supported: spec.replicas',
      });
    });

    it('answers 400 for a selector without an operator', async () => {
      const res = await server.request('GET', `${collection(ns)}?fieldSelector=metadata.name`);
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ reason: 'BadRequest' });
    });
  });

  when(!k.namespaced)('field selectors of a cluster-scoped kind', () => {
    isolate();
    beforeAll(async () => {
      await create('', 'x');
      await create('', 'y');
    });

    it.each([
      ['metadata.name=x', ['x']],
      ['metadata.name!=x', ['y']],
    ])('selects %j', async (selector, expected) => {
      expect(names(await list(`${collection('')}?fieldSelector=${encodeURIComponent(selector)}`))).toEqual(
        expected,
      );
    });

    it('answers 400 for metadata.namespace, which a cluster-scoped object does not have', async () => {
      const res = await server.request(
        'GET',
        `${collection('')}?fieldSelector=${encodeURIComponent('metadata.namespace=x')}`,
      );
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({
        reason: 'BadRequest',
        message: 'field label not supported: metadata.namespace',
      });
    });
  });

  namespacedOnly('all namespaces', () => {
    it('lists every namespace, sorted by namespace then name', async () => {
      await create('all-b', 'one', { suite: 'allns' });
      await create('all-a', 'two', { suite: 'allns' });
      await create('all-a', 'one', { suite: 'allns' });
      const body = await list(`${BASE}/${k.plural}?labelSelector=suite%3Dallns`);
      expect(body.kind).toBe(k.kind.listKind);
      expect(body.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual([
        'all-a/one',
        'all-a/two',
        'all-b/one',
      ]);
      expect(body.metadata.resourceVersion).toMatch(/^\d+$/);
    });
  });

  describe('paging', () => {
    isolate();
    const ns = 'pages';
    beforeAll(async () => {
      for (const name of ['p1', 'p2', 'p3', 'p4', 'p5']) await create(ns, name);
    });

    it('pages with limit and continue, counting what remains', async () => {
      const first = await list(`${collection(ns)}?limit=2`);
      expect(names(first)).toEqual(['p1', 'p2']);
      expect(first.metadata.continue).toEqual(expect.any(String));
      expect(first.metadata.remainingItemCount).toBe(3);
      const second = await list(
        `${collection(ns)}?limit=2&continue=${encodeURIComponent(first.metadata.continue!)}`,
      );
      expect(names(second)).toEqual(['p3', 'p4']);
      expect(second.metadata.remainingItemCount).toBe(1);
      const last = await list(
        `${collection(ns)}?limit=2&continue=${encodeURIComponent(second.metadata.continue!)}`,
      );
      expect(names(last)).toEqual(['p5']);
      expect(last.metadata.continue).toBeUndefined();
      expect(last.metadata.remainingItemCount).toBeUndefined();
    });

    it('serves every page at the first page’s resourceVersion, whatever changes meanwhile', async () => {
      const first = await list(`${collection(ns)}?limit=2`);
      await create(ns, 'p6');
      expect((await server.request('DELETE', `${collection(ns)}/p4`)).status).toBe(200);
      const rest = await list(
        `${collection(ns)}?limit=10&continue=${encodeURIComponent(first.metadata.continue!)}`,
      );
      expect(names(rest)).toEqual(['p3', 'p4', 'p5']);
      expect(rest.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
      expect(names(await list(collection(ns)))).toEqual(['p1', 'p2', 'p3', 'p5', 'p6']);
    });

    it('omits remainingItemCount when a selector filters the page', async () => {
      const body = await list(
        `${collection(ns)}?limit=1&fieldSelector=${encodeURIComponent('metadata.name!=p1')}`,
      );
      expect(names(body)).toEqual(['p2']);
      expect(body.metadata.continue).toEqual(expect.any(String));
      expect(body.metadata.remainingItemCount).toBeUndefined();
    });

    it('answers 400 for a malformed continue token', async () => {
      const res = await server.request('GET', `${collection(ns)}?limit=1&continue=not-a-token`);
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ reason: 'BadRequest' });
    });

    it('answers 400 for a continue token with a resourceVersion', async () => {
      const first = await list(`${collection(ns)}?limit=1`);
      const res = await server.request(
        'GET',
        `${collection(ns)}?limit=1&resourceVersion=1&continue=${encodeURIComponent(first.metadata.continue!)}`,
      );
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({
        reason: 'BadRequest',
        message: 'specifying resource version is not allowed when using continue',
      });
    });

    it('answers 400 for a limit that is not an integer', async () => {
      expect((await server.request('GET', `${collection(ns)}?limit=many`)).status).toBe(400);
    });
  });

  describe('resourceVersion and resourceVersionMatch', () => {
    isolate();
    const ns = 'versions';
    let early: Foo;
    let late: Foo;
    beforeAll(async () => {
      early = await create(ns, 'early');
      late = await create(ns, 'late');
    });

    it('serves the most recent state when resourceVersion is unset or "0"', async () => {
      const current = String(await server.server.storage.currentRevision());
      for (const query of [
        '',
        '?resourceVersion=0',
        '?resourceVersion=0&resourceVersionMatch=NotOlderThan',
      ]) {
        const body = await list(`${collection(ns)}${query}`);
        expect(names(body)).toEqual(['early', 'late']);
        expect(body.metadata.resourceVersion).toBe(current);
      }
    });

    it('serves a state not older than N for NotOlderThan (and for N alone)', async () => {
      for (const query of [
        `resourceVersion=${early.metadata.resourceVersion}&resourceVersionMatch=NotOlderThan`,
        `resourceVersion=${early.metadata.resourceVersion}`,
      ]) {
        const body = await list(`${collection(ns)}?${query}`);
        expect(names(body)).toEqual(['early', 'late']);
        expect(Number(body.metadata.resourceVersion)).toBeGreaterThanOrEqual(
          Number(late.metadata.resourceVersion),
        );
      }
    });

    it('serves exactly revision N for Exact', async () => {
      const body = await list(
        `${collection(ns)}?resourceVersion=${early.metadata.resourceVersion}&resourceVersionMatch=Exact`,
      );
      expect(names(body)).toEqual(['early']);
      expect(body.metadata.resourceVersion).toBe(early.metadata.resourceVersion);
    });

    it('serves exactly revision N for N with a limit and no match (legacy paging semantics)', async () => {
      const body = await list(`${collection(ns)}?resourceVersion=${early.metadata.resourceVersion}&limit=10`);
      expect(names(body)).toEqual(['early']);
      expect(body.metadata.resourceVersion).toBe(early.metadata.resourceVersion);
    });

    it('answers 504 Timeout with Retry-After for a revision the server has not reached', async () => {
      const future = (await server.server.storage.currentRevision()) + 1000;
      const res = await server.request(
        'GET',
        `${collection(ns)}?resourceVersion=${future}&resourceVersionMatch=NotOlderThan`,
      );
      expect(res.status).toBe(504);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json()).toMatchObject({
        reason: 'Timeout',
        message: expect.stringContaining('Too large resource version'),
      });
    });

    it.each([
      [
        'resourceVersionMatch=Exact',
        'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
      ],
      [
        'resourceVersionMatch=Exact&resourceVersion=0',
        'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
      ],
      [
        'resourceVersionMatch=Sometime&resourceVersion=1',
        'resourceVersionMatch: Unsupported value: "Sometime": supported values: "Exact", "NotOlderThan"',
      ],
      [
        'resourceVersionMatch=NotOlderThan&resourceVersion=0&continue=abc',
        'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided',
      ],
      ['sendInitialEvents=true', 'sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list'],
    ])('answers 422 Invalid ListOptions for %s', async (query, message) => {
      const res = await server.request('GET', `${collection(ns)}?${query}`);
      expect(res.status).toBe(422);
      expect(res.json()).toMatchObject({
        kind: 'Status',
        reason: 'Invalid',
        message: `ListOptions.meta.k8s.io "" is invalid: ${message}`,
        details: {
          group: 'meta.k8s.io',
          kind: 'ListOptions',
          causes: [expect.objectContaining({ field: message.split(':')[0] })],
        },
      });
    });

    it('answers 400 for a resourceVersion that is not a number', async () => {
      const res = await server.request('GET', `${collection(ns)}?resourceVersion=abc`);
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ reason: 'BadRequest' });
    });
  });

  when(!k.namespaced)('Table of a kind with its own printer columns (Widget)', () => {
    isolate();
    beforeAll(async () => {
      await create('', 't1', undefined, { colour: 'blue', size: 3 });
      await create('', 't2', undefined, {});
    });

    it('answers the columns the version lists, after Name, with their types and priorities, and no Age', async () => {
      const res = await server.request('GET', collection(''), { headers: { accept: TABLE_ACCEPT } });
      expect(res.status).toBe(200);
      const table = res.json<{
        columnDefinitions: Array<{ name: string; type: string; format: string; priority: number }>;
        rows: Array<{ cells: unknown[]; object?: Json }>;
      }>();
      expect(table.columnDefinitions.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
        ['Name', 'string', 'name', 0],
        ['Colour', 'string', '', 0],
        ['Size', 'integer', '', 0],
        ['Phase', 'string', '', 1],
        ['Created', 'date', '', 0],
      ]);
      expect(table.rows.map((r) => r.cells.slice(0, 4))).toEqual([
        ['t1', 'blue', 3, null],
        ['t2', null, 1, null],
      ]);
      expect(table.rows[0]!.cells[4]).toMatch(/^\d+s$/);
      expect(table.rows[0]!.object).toEqual({
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: expect.not.objectContaining({ namespace: expect.anything() }),
      });
    });
  });

  fooOnly('Table', () => {
    const ns = 'tables';
    beforeAll(async () => {
      await create(ns, 't1', undefined, { replicas: 3, location: 'Lisbon' });
      await create(ns, 't2', undefined, { replicas: 0 });
    });

    interface Table {
      kind: string;
      apiVersion: string;
      metadata: { resourceVersion?: string; continue?: string };
      columnDefinitions: Array<{
        name: string;
        type: string;
        format: string;
        priority: number;
        description: string;
      }>;
      rows: Array<{ cells: unknown[]; object?: Json }>;
    }

    it('answers kubectl get’s Accept with columns Name, Replicas, Location and Age', async () => {
      const res = await server.request('GET', `${collection(ns)}?limit=500`, {
        headers: { accept: TABLE_ACCEPT },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
      const table = res.json<Table>();
      expect(table.kind).toBe('Table');
      expect(table.apiVersion).toBe('meta.k8s.io/v1');
      expect(table.metadata.resourceVersion).toMatch(/^\d+$/);
      expect(table.columnDefinitions.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
        ['Name', 'string', 'name', 0],
        ['Replicas', 'integer', '', 0],
        ['Location', 'string', '', 0],
        ['Age', 'date', '', 0],
      ]);
      expect(table.rows.map((r) => r.cells.slice(0, 3))).toEqual([
        ['t1', 3, 'Lisbon'],
        ['t2', 0, null],
      ]);
      expect(table.rows[0]!.cells[3]).toMatch(/^\d+s$/);
      // includeObject defaults to Metadata: kubectl -A builds NAMESPACE from it.
      expect(table.rows[0]!.object).toEqual({
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: expect.objectContaining({ name: 't1', namespace: ns }),
      });
    });

    it('leaves the object out for includeObject=None and carries it whole for includeObject=Object', async () => {
      const none = (
        await server.request('GET', `${collection(ns)}?includeObject=None`, {
          headers: { accept: TABLE_ACCEPT },
        })
      ).json<Table>();
      expect(none.rows.every((r) => r.object === undefined)).toBe(true);
      const whole = (
        await server.request('GET', `${collection(ns)}?includeObject=Object`, {
          headers: { accept: TABLE_ACCEPT },
        })
      ).json<Table>();
      expect(whole.rows[0]!.object).toMatchObject({
        kind: 'Foo',
        apiVersion: k.apiVersion,
        spec: { replicas: 3, location: 'Lisbon' },
      });
    });

    it('answers 400 for any other includeObject', async () => {
      const res = await server.request('GET', `${collection(ns)}?includeObject=All`, {
        headers: { accept: TABLE_ACCEPT },
      });
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({
        reason: 'BadRequest',
        message: expect.stringContaining('includeObject'),
      });
    });

    it('pages a Table with a continue token', async () => {
      const table = (
        await server.request('GET', `${collection(ns)}?limit=1`, { headers: { accept: TABLE_ACCEPT } })
      ).json<Table>();
      expect(table.rows).toHaveLength(1);
      expect(table.metadata.continue).toEqual(expect.any(String));
    });

    it('answers a v1beta1 Table to a client that asks only for v1beta1', async () => {
      const res = await server.request('GET', collection(ns), {
        headers: { accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io' },
      });
      expect(res.json<Table>().apiVersion).toBe('meta.k8s.io/v1beta1');
    });
  });

  describe('PartialObjectMetadataList', () => {
    isolate();
    it('answers the metadata client with metadata only', async () => {
      const ns = 'metadata-only';
      const foo = await create(ns, 'm1', { keep: 'me' });
      const res = await server.request('GET', collection(ns), { headers: { accept: METADATA_LIST_ACCEPT } });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(
        'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
      );
      expect(res.json()).toEqual({
        apiVersion: 'meta.k8s.io/v1',
        kind: 'PartialObjectMetadataList',
        metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
        items: [{ apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: foo.metadata }],
      });
    });
  });

  // Last: it writes past the event window, which expires every older revision.
  describe('beyond the retained history', () => {
    isolate();
    it('answers an expired continue token with 410 Expired carrying a fresh token, which continues the listing', async () => {
      const ns = 'expiry';
      for (const name of ['e1', 'e2', 'e3']) await create(ns, name);
      const first = await list(`${collection(ns)}?limit=1`);
      const rv = first.metadata.resourceVersion;
      // The window trims in batches of a quarter of its size: write well past it.
      for (let i = 0; i < EVENT_WINDOW * 1.25 + 5; i++) {
        const res = await server.request('PATCH', `${collection(ns)}/e3`, {
          headers: { 'content-type': 'application/merge-patch+json' },
          body: { spec: k.spec(i + 1) },
        });
        expect(res.status).toBe(200);
      }
      const res = await server.request(
        'GET',
        `${collection(ns)}?limit=1&continue=${encodeURIComponent(first.metadata.continue!)}`,
      );
      expect(res.status).toBe(410);
      const status = res.json<{
        reason: string;
        code: number;
        message: string;
        metadata: { continue?: string };
      }>();
      expect(status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
      expect(status.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
      expect(status.metadata.continue).toEqual(expect.any(String));
      const resumed = await list(
        `${collection(ns)}?limit=5&continue=${encodeURIComponent(status.metadata.continue!)}`,
      );
      expect(names(resumed)).toEqual(['e2', 'e3']);
      expect(Number(resumed.metadata.resourceVersion)).toBeGreaterThan(Number(rv));

      const exact = await server.request(
        'GET',
        `${collection(ns)}?resourceVersion=${rv}&resourceVersionMatch=Exact`,
      );
      expect(exact.status).toBe(410);
      expect(exact.json()).toMatchObject({
        reason: 'Expired',
        message: expect.stringContaining(`too old resource version: ${rv}`),
      });
    }, 30_000);
  });
});
