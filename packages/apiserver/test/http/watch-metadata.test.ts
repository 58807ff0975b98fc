/**
 * Metadata-only watches, as kube-controller-manager's garbage collector, quota and namespace
 * controllers open them through client-go's metadata client: every event — bookmarks and the
 * streaming list's initial events included — is a meta.k8s.io PartialObjectMetadata, in kube's
 * bytes, with the negotiated Content-Type; ERROR events keep their Status. Run for Foo at each
 * served version (v1 and v1beta1).
 */
import { FOO_FIXTURES } from '../support/kinds/fixtures';
import { eventually, openWatchStream, startTestServer } from '../support/server';
import type { TestServer } from '../support/server';

type Json = Record<string, unknown>;
type Stream = Awaited<ReturnType<typeof openWatchStream>>;

/** What client-go's metadata client sends on a watch (protobuf first, JSON fallback). */
const METADATA_ACCEPT =
  'application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
const EVENT_WINDOW = 100;

/** The metadata in ObjectMeta's Go field order, as kube-apiserver encodes PartialObjectMetadata. */
function kubeMetadataBytes(meta: Json): string {
  const order = [
    'name',
    'generateName',
    'namespace',
    'selfLink',
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'labels',
    'annotations',
    'ownerReferences',
    'finalizers',
    'managedFields',
  ];
  const ordered: Json = {};
  for (const key of order) if (meta[key] !== undefined) ordered[key] = meta[key];
  return JSON.stringify(ordered);
}

describe.each(FOO_FIXTURES)('metadata-only watch: $title', (k) => {
  const collection = (ns: string) => k.collection(ns);
  let server: TestServer;
  const open: Stream[] = [];
  beforeAll(async () => {
    server = await startTestServer({ flags: [`--event-window=${EVENT_WINDOW}`], bookmarkIntervalMs: 100 });
  });
  afterEach(() => {
    for (const stream of open.splice(0)) stream.close();
  });
  afterAll(() => server.stop());

  async function watch(path: string): Promise<Stream> {
    const stream = await openWatchStream(server, path, { accept: METADATA_ACCEPT });
    open.push(stream);
    return stream;
  }

  async function create(ns: string, name: string): Promise<Json & { metadata: Json }> {
    const res = await server.request('POST', collection(ns), {
      body: {
        apiVersion: k.apiVersion,
        kind: 'Foo',
        metadata: { name, labels: { app: 'gc' }, finalizers: ['example.com/hold'] },
        spec: { replicas: 2, location: 'Lima' },
      },
    });
    expect(res.status).toBe(201);
    return res.json();
  }

  const currentRevision = async () => String(await server.server.storage.currentRevision());

  it('sends each change as a PartialObjectMetadata line byte for byte as kube-apiserver does', async () => {
    const ns = 'meta-bytes';
    const stream = await watch(`${collection(ns)}?watch=true&resourceVersion=${await currentRevision()}`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe(
      'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io',
    );
    const created = await create(ns, 'm1');
    const patched = await server.request('PATCH', `${collection(ns)}/m1`, {
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { spec: { replicas: 3 } },
    });
    expect(patched.status).toBe(200);
    await eventually(() => stream.lines.length >= 2, 'two events');
    expect(stream.lines[0]).toBe(
      `{"type":"ADDED","object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":${kubeMetadataBytes(created.metadata)}}}`,
    );
    expect(stream.lines[1]).toBe(
      `{"type":"MODIFIED","object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":${kubeMetadataBytes(patched.json<{ metadata: Json }>().metadata)}}}`,
    );
    for (const line of stream.lines) {
      expect(line).not.toContain('"spec"');
      expect(line).not.toContain('"status"');
    }
  });

  it('sends DELETED as metadata with the deletion’s resourceVersion', async () => {
    const ns = 'meta-delete';
    const res = await server.request('POST', collection(ns), {
      body: {
        apiVersion: k.apiVersion,
        kind: 'Foo',
        metadata: { name: 'gone' },
        spec: { replicas: 1 },
      },
    });
    const createdRv = Number(res.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion);
    const stream = await watch(`${collection(ns)}?watch=true&resourceVersion=${createdRv}`);
    expect((await server.request('DELETE', `${collection(ns)}/gone`)).status).toBe(200);
    await eventually(() => stream.events.length >= 1, 'the DELETED event');
    const event = stream.events[0] as { type: string; object: Json & { metadata: Json } };
    expect(event.type).toBe('DELETED');
    expect(Object.keys(event.object)).toEqual(['kind', 'apiVersion', 'metadata']);
    expect(event.object.kind).toBe('PartialObjectMetadata');
    expect(event.object.metadata.name).toBe('gone');
    expect(Number(event.object.metadata.resourceVersion)).toBeGreaterThan(createdRv);
  });

  it('sends BOOKMARKs as PartialObjectMetadata with only resourceVersion and a null creationTimestamp', async () => {
    const rv = await currentRevision();
    const stream = await watch(
      `${collection('meta-bookmark')}?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`,
    );
    await eventually(() => stream.lines.length >= 1, 'a bookmark');
    expect(stream.lines[0]).toBe(
      `{"type":"BOOKMARK","object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"${rv}","creationTimestamp":null}}}`,
    );
  });

  it('answers a metadata streaming list with metadata ADDED events, then the initial-events-end BOOKMARK', async () => {
    const ns = 'meta-streaming-list';
    await create(ns, 'a');
    await create(ns, 'b');
    const stream = await watch(
      `${collection(ns)}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`,
    );
    await eventually(() => stream.events.length >= 3, 'two ADDED and a bookmark');
    const [a, b, end] = stream.events as Array<{ type: string; object: Json & { metadata: Json } }>;
    expect([a!.type, b!.type, end!.type]).toEqual(['ADDED', 'ADDED', 'BOOKMARK']);
    expect(a!.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1' });
    expect(a!.object.metadata).toMatchObject({
      name: 'a',
      labels: { app: 'gc' },
      finalizers: ['example.com/hold'],
    });
    expect(a!.object).not.toHaveProperty('spec');
    expect(end!.object).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: {
        resourceVersion: expect.any(String),
        creationTimestamp: null,
        annotations: { 'k8s.io/initial-events-end': 'true' },
      },
    });
  });

  it('answers meta.k8s.io/v1beta1 when asked for it', async () => {
    const ns = 'meta-v1beta1';
    const stream = await openWatchStream(
      server,
      `${collection(ns)}?watch=true&resourceVersion=${await currentRevision()}`,
      { accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1' },
    );
    open.push(stream);
    expect(stream.headers['content-type']).toBe(
      'application/json;as=PartialObjectMetadata;v=v1beta1;g=meta.k8s.io',
    );
    await create(ns, 'old-client');
    await eventually(() => stream.events.length >= 1, 'one event');
    expect(stream.events[0]!.object).toMatchObject({
      apiVersion: 'meta.k8s.io/v1beta1',
      kind: 'PartialObjectMetadata',
    });
  });

  it('keeps the 410 ERROR event a Status', async () => {
    const ns = 'meta-expired';
    const first = await create(ns, 'churn');
    for (let i = 0; i < EVENT_WINDOW * 1.25 + 5; i++) {
      await server.request('PATCH', `${collection(ns)}/churn`, {
        headers: { 'content-type': 'application/merge-patch+json' },
        body: { spec: { replicas: i } },
      });
    }
    const stream = await watch(
      `${collection(ns)}?watch=true&resourceVersion=${String(first.metadata.resourceVersion)}`,
    );
    await stream.ended;
    expect(stream.events).toHaveLength(1);
    expect(stream.events[0]).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', apiVersion: 'v1', code: 410, reason: 'Expired' },
    });
  });
});
