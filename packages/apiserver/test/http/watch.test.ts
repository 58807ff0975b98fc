/**
 * Watches over HTTP as kubectl, client-go informers and @kubernetes/client-node open them:
 * events from a resourceVersion, synthetic initial ADDED events, 410 ERROR events, bookmarks,
 * streaming lists, timeouts, Table events, selector transitions and a clean end on shutdown.
 * Run for each installed kind; a cluster-scoped kind has no namespaces to keep the tests apart,
 * so each of its tests gets a server of its own.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { isFoo, KIND_FIXTURES, TEST_KINDS } from '../support/kinds/fixtures';
import { ADMIN_TOKEN, eventually, openWatchStream, startTestServer } from '../support/server';
import type { TestServer } from '../support/server';

type Json = Record<string, unknown>;
interface WatchEvent {
  type: string;
  object: Json & {
    metadata?: Json & { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
  };
}
type Stream = Awaited<ReturnType<typeof openWatchStream>>;

const EVENT_WINDOW = 100;
const START_TIMEOUT_MS = 30_000;
const BOOKMARK_INTERVAL_MS = 150;

describe.each(KIND_FIXTURES)('watch: $title', (k) => {
  const GROUP = k.group;
  const BASE = `/apis/${GROUP}/${k.version}`;
  const collection = (ns: string) => k.collection(ns);
  const when = (applies: boolean) => (applies ? it : () => undefined);
  const namespacedOnly = when(k.namespaced);
  const fooOnly = when(isFoo(k));

  let server: TestServer;
  const open: Stream[] = [];
  const start = async () => {
    server = await startTestServer({
      flags: [`--event-window=${EVENT_WINDOW}`],
      bookmarkIntervalMs: BOOKMARK_INTERVAL_MS,
      kinds: TEST_KINDS,
    });
  };
  // A server starts in well under a second, but a loaded machine may take longer: not timed here.
  beforeAll(start, START_TIMEOUT_MS);
  beforeEach(async () => {
    if (k.namespaced) return;
    await server.stop();
    await start();
  }, START_TIMEOUT_MS);
  afterEach(() => {
    for (const stream of open.splice(0)) stream.close();
  });
  afterAll(() => server.stop());

  async function watch(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ stream: Stream; events: WatchEvent[] }> {
    const stream = await openWatchStream(server, path, headers);
    open.push(stream);
    return { stream, events: stream.events as unknown as WatchEvent[] };
  }

  async function create(
    ns: string,
    name: string,
    labels?: Record<string, string>,
  ): Promise<Json & { metadata: { resourceVersion: string } }> {
    const res = await server.request('POST', collection(ns), {
      body: k.body(name, k.spec(1), labels ? { labels } : {}),
    });
    expect(res.status).toBe(201);
    return res.json();
  }

  async function mergePatch(
    ns: string,
    name: string,
    patch: Json,
  ): Promise<Json & { metadata: { resourceVersion: string } }> {
    const res = await server.request('PATCH', `${collection(ns)}/${name}`, {
      headers: { 'content-type': 'application/merge-patch+json' },
      body: patch,
    });
    expect(res.status).toBe(200);
    return res.json();
  }

  const currentRevision = async () => String(await server.server.storage.currentRevision());
  const summary = (events: WatchEvent[]) =>
    events.map((e) => `${e.type} ${String(e.object.metadata?.name ?? '')}`);

  it('flushes the headers at once, before any event', async () => {
    const { stream, events } = await watch(
      `${collection('idle')}?watch=1&resourceVersion=${await currentRevision()}`,
    );
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('application/json');
    expect(stream.headers['transfer-encoding']).toBe('chunked');
    expect(events).toEqual([]);
  });

  it('streams ADDED, MODIFIED and DELETED after the given resourceVersion, as compact JSON lines', async () => {
    const ns = 'from-rv';
    const before = await create(ns, 'earlier');
    const { events } = await watch(
      `${collection(ns)}?watch=true&resourceVersion=${before.metadata.resourceVersion}`,
    );
    const added = await create(ns, 'w1');
    const modified = await mergePatch(ns, 'w1', { spec: k.spec(5) });
    const deleted = await server.request('DELETE', `${collection(ns)}/w1`);
    expect(deleted.status).toBe(200);
    await eventually(() => events.length >= 3, 'three events');
    expect(summary(events)).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
    expect(events[0]!.object).toEqual(added);
    expect(events[1]!.object).toEqual(modified);
    // DELETED carries the last state with the deletion's own, newer resourceVersion.
    expect(events[2]!.object.spec).toEqual(k.spec(5));
    expect(Number(events[2]!.object.metadata!.resourceVersion)).toBeGreaterThan(
      Number(modified.metadata.resourceVersion),
    );
  });

  it('writes each event as one line of compact JSON with type and object', async () => {
    const ns = 'wire';
    const raw = await new Promise<string>((resolve, reject) => {
      const req = https.request(
        `${server.url}${collection(ns)}?watch=true&timeoutSeconds=1&resourceVersion=0`,
        { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, ca: readFileSync(server.server.certFile) },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
          create(ns, 'line').catch(reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
    const lines = raw.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1)).toHaveLength(1);
    const event = JSON.parse(lines[0]!) as WatchEvent;
    expect(Object.keys(event)).toEqual(['type', 'object']);
    expect(event.type).toBe('ADDED');
    expect(lines[0]).toBe(JSON.stringify(event));
  });

  it.each([
    ['unset', ''],
    ['"0"', '&resourceVersion=0'],
  ])(
    'starts with a synthetic ADDED per object when resourceVersion is %s, then live events',
    async (_what, rv) => {
      const ns = `initial-${rv ? 'zero' : 'unset'}`;
      await create(ns, 'i1');
      await create(ns, 'i2');
      const { events } = await watch(`${collection(ns)}?watch=true${rv}`);
      await eventually(() => events.length >= 2, 'initial events');
      expect(summary(events)).toEqual(['ADDED i1', 'ADDED i2']);
      await create(ns, 'i3');
      await eventually(() => events.length >= 3, 'the live event');
      expect(summary(events)).toEqual(['ADDED i1', 'ADDED i2', 'ADDED i3']);
    },
  );

  it('serves kubectl get foo x -w: one object by field selector from resourceVersion 0', async () => {
    const ns = 'one-object';
    await create(ns, 'wanted');
    await create(ns, 'other');
    const { events } = await watch(
      `${collection(ns)}?fieldSelector=metadata.name%3Dwanted&resourceVersion=0&watch=true`,
    );
    await mergePatch(ns, 'other', { spec: k.spec(2) });
    await mergePatch(ns, 'wanted', { spec: k.spec(2) });
    await eventually(() => events.length >= 2, 'events for wanted');
    expect(summary(events)).toEqual(['ADDED wanted', 'MODIFIED wanted']);
  });

  namespacedOnly('watches across all namespaces', async () => {
    const { events } = await watch(
      `${BASE}/${k.plural}?watch=true&resourceVersion=${await currentRevision()}`,
    );
    await create('all-one', 'x');
    await create('all-two', 'x');
    await eventually(() => events.length >= 2, 'two events');
    expect(events.map((e) => e.object.metadata!.namespace)).toEqual(['all-one', 'all-two']);
  });

  it('turns selector transitions into ADDED and DELETED', async () => {
    const ns = 'transitions';
    await create(ns, 'chameleon', { colour: 'red' });
    const { events } = await watch(
      `${collection(ns)}?watch=true&labelSelector=colour%3Dblue&resourceVersion=${await currentRevision()}`,
    );
    await mergePatch(ns, 'chameleon', { metadata: { labels: { colour: 'blue' } } });
    await mergePatch(ns, 'chameleon', { spec: k.spec(3) });
    const greened = await mergePatch(ns, 'chameleon', { metadata: { labels: { colour: 'green' } } });
    await mergePatch(ns, 'chameleon', { spec: k.spec(4) });
    // A last matching change: events come in revision order, so once it is here, any event the
    // unmatched update wrongly caused would be here before it.
    await create(ns, 'marker', { colour: 'blue' });
    await eventually(() => events.some((e) => e.object.metadata?.name === 'marker'), 'the marker');
    expect(summary(events)).toEqual([
      'ADDED chameleon',
      'MODIFIED chameleon',
      'DELETED chameleon',
      'ADDED marker',
    ]);
    // As the watch cache: the last matching state, at the revision of the change that unmatched it.
    expect(events[2]!.object.metadata).toMatchObject({
      labels: { colour: 'blue' },
      resourceVersion: greened.metadata.resourceVersion,
    });
  });

  it('sends BOOKMARKs with only kind, apiVersion and resourceVersion when asked', async () => {
    const ns = 'bookmarks';
    const rv = await currentRevision();
    const { events } = await watch(
      `${collection(ns)}?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`,
    );
    await eventually(() => events.some((e) => e.type === 'BOOKMARK'), 'a bookmark');
    const bookmark = events.find((e) => e.type === 'BOOKMARK')!;
    expect(bookmark.object).toEqual({
      kind: k.kind.kind,
      apiVersion: k.apiVersion,
      metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
    expect(Number(bookmark.object.metadata!.resourceVersion)).toBeGreaterThanOrEqual(Number(rv));
  });

  it('sends no BOOKMARK to a client that did not ask', async () => {
    const { events } = await watch(
      `${collection('no-bookmarks')}?watch=true&resourceVersion=${await currentRevision()}`,
    );
    await new Promise((r) => setTimeout(r, BOOKMARK_INTERVAL_MS * 3));
    expect(events).toEqual([]);
  });

  it('answers a streaming list with initial ADDED events, then the initial-events-end BOOKMARK, then live events', async () => {
    const ns = 'streaming';
    await create(ns, 's1');
    await create(ns, 's2');
    const rv = await currentRevision();
    // client-go's reflector sends no resourceVersion on its first streaming list.
    for (const query of ['', `&resourceVersion=${rv}`]) {
      const { events } = await watch(
        `${collection(ns)}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true${query}`,
      );
      await eventually(() => events.length >= 3, 'initial events and the bookmark');
      expect(summary(events.slice(0, 3))).toEqual(['ADDED s1', 'ADDED s2', 'BOOKMARK ']);
      expect(events[2]!.object).toEqual({
        kind: k.kind.kind,
        apiVersion: k.apiVersion,
        metadata: { resourceVersion: rv, annotations: { 'k8s.io/initial-events-end': 'true' } },
      });
    }
    const { events } = await watch(
      `${collection(ns)}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
    );
    await eventually(() => events.length >= 3, 'initial events');
    await create(ns, 's3');
    await eventually(
      () => events.some((e) => e.type === 'ADDED' && e.object.metadata!.name === 's3'),
      'the live event',
    );
  });

  it('starts at the current revision for sendInitialEvents=false without a resourceVersion', async () => {
    const ns = 'no-initial';
    await create(ns, 'old');
    const { events } = await watch(
      `${collection(ns)}?watch=true&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
    );
    await create(ns, 'new');
    await eventually(() => events.some((e) => e.type === 'ADDED'), 'the live event');
    expect(summary(events.filter((e) => e.type !== 'BOOKMARK'))).toEqual(['ADDED new']);
  });

  it.each([
    ['resourceVersionMatch without sendInitialEvents', 'resourceVersionMatch=NotOlderThan&resourceVersion=1'],
    ['sendInitialEvents without resourceVersionMatch', 'sendInitialEvents=true&allowWatchBookmarks=true'],
  ])('answers 422 Invalid for %s', async (_what, query) => {
    const res = await server.request('GET', `${collection('invalid')}?watch=true&${query}`);
    expect(res.status).toBe(422);
    expect(res.json()).toMatchObject({ kind: 'Status', reason: 'Invalid', details: { kind: 'ListOptions' } });
  });

  it('ends the stream after timeoutSeconds', async () => {
    const started = Date.now();
    const { stream } = await watch(
      `${collection('timeout')}?watch=true&timeoutSeconds=1&resourceVersion=${await currentRevision()}`,
    );
    await stream.ended; // (a stream that never ended would fail on the test's timeout)
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  fooOnly(
    'streams one-row Tables for kubectl get -w, with column definitions only in the first',
    async () => {
      const ns = 'table-watch';
      await create(ns, 'tw1');
      const { stream, events } = await watch(`${collection(ns)}?watch=true&resourceVersion=0`, {
        accept:
          'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      });
      expect(stream.headers['content-type']).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
      await mergePatch(ns, 'tw1', { spec: { replicas: 6, location: 'Quito' } });
      await eventually(() => events.length >= 2, 'two events');
      const [first, second] = events as Array<{
        type: string;
        object: Json & { rows: Array<{ cells: unknown[]; object: Json }> };
      }>;
      expect(first!.type).toBe('ADDED');
      expect(first!.object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
      expect((first!.object.columnDefinitions as Json[]).map((c) => c.name)).toEqual([
        'Name',
        'Replicas',
        'Location',
        'Age',
      ]);
      expect(first!.object.rows).toHaveLength(1);
      expect(first!.object.rows[0]!.cells.slice(0, 2)).toEqual(['tw1', 1]);
      expect(second!.type).toBe('MODIFIED');
      expect(second!.object.columnDefinitions).toBeUndefined();
      expect(second!.object.rows[0]!.cells.slice(0, 3)).toEqual(['tw1', 6, 'Quito']);
      expect(second!.object.rows[0]!.object).toMatchObject({
        kind: 'PartialObjectMetadata',
        metadata: { name: 'tw1', namespace: ns },
      });
    },
  );

  it('answers client-node’s Accept: */* with JSON events', async () => {
    const { stream } = await watch(
      `${collection('any-accept')}?watch=true&resourceVersion=${await currentRevision()}`,
      { accept: '*/*' },
    );
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('application/json');
  });

  it('answers a resourceVersion older than the retained window with one 410 ERROR event, then ends', async () => {
    const ns = 'expired';
    const first = await create(ns, 'churn');
    // The window trims in batches of a quarter of its size: write well past it.
    for (let i = 0; i < EVENT_WINDOW * 1.25 + 5; i++) await mergePatch(ns, 'churn', { spec: k.spec(i + 1) });
    const { stream, events } = await watch(
      `${collection(ns)}?watch=true&resourceVersion=${first.metadata.resourceVersion}`,
    );
    expect(stream.status).toBe(200);
    await stream.ended;
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe('ERROR');
    expect(events[0]!.object).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
      message: expect.stringMatching(
        new RegExp(`^too old resource version: ${first.metadata.resourceVersion} \\(\\d+\\)$`),
      ),
    });
  }, 30_000);

  // Last: it shuts the server down.
  it('ends open watches cleanly on server shutdown', async () => {
    const { stream } = await watch(
      `${collection('shutdown')}?watch=true&resourceVersion=${await currentRevision()}`,
    );
    const ended = jest.fn();
    void stream.ended.then(ended);
    await server.stop();
    await stream.ended;
    expect(ended).toHaveBeenCalled();
  });
});
