/**
 * Discovery over HTTP: the legacy documents (/apis, the group, the group version), the
 * aggregated v2/v2beta1 document kubectl and the aggregator ask for, /api as an aggregated
 * server answers it, and ETag/304 polling.
 */
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';

const GROUP = 'bar.pwk.educative.io';
const GROUP_VERSION = `${GROUP}/v1beta1`;
/** Exactly what kubectl 1.32 sends to /api and /apis (api-contract.md). */
const KUBECTL_DISCOVERY_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const V2_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const V2BETA1_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

interface AggregatedResource {
  resource: string;
  responseKind: { group: string; version: string; kind: string };
  scope: string;
  singularResource: string;
  verbs: string[];
  subresources?: Array<{ subresource: string; responseKind: Record<string, string>; verbs: string[] }>;
}
interface AggregatedList {
  kind: string;
  apiVersion: string;
  items: Array<{
    metadata: { name: string };
    versions: Array<{ version: string; resources: AggregatedResource[]; freshness: string }>;
  }>;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

describe('discovery', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  describe('legacy documents', () => {
    it('answers /apis with an APIGroupList naming the group and its preferred version', async () => {
      const res = await server.request('GET', '/apis?timeout=32s', {
        headers: { accept: 'application/json' },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      const preferred = { groupVersion: GROUP_VERSION, version: 'v1beta1' };
      expect(res.json()).toEqual({
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [
          expect.objectContaining({ name: GROUP, versions: [preferred], preferredVersion: preferred }),
        ],
      });
    });

    it('answers /apis/<group> with the APIGroup', async () => {
      const res = await server.request('GET', `/apis/${GROUP}`);
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({
        kind: 'APIGroup',
        apiVersion: 'v1',
        name: GROUP,
        preferredVersion: { groupVersion: GROUP_VERSION, version: 'v1beta1' },
      });
    });

    it('answers /apis/<group>/<version> with foos and its status and scale subresources', async () => {
      const res = await server.request('GET', `/apis/${GROUP_VERSION}`);
      expect(res.status).toBe(200);
      const body = res.json<{
        kind: string;
        apiVersion: string;
        groupVersion: string;
        resources: Array<Record<string, unknown>>;
      }>();
      expect(body).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: GROUP_VERSION });
      const byName = new Map(body.resources.map((r) => [r.name, r]));
      expect(byName.get('foos')).toMatchObject({ singularName: 'foo', namespaced: true, kind: 'Foo' });
      expect([...(byName.get('foos')?.verbs as string[])].sort()).toEqual(ALL_VERBS);
      expect(byName.get('foos/status')).toMatchObject({
        namespaced: true,
        kind: 'Foo',
        verbs: ['get', 'patch', 'update'],
      });
      expect(byName.get('foos/scale')).toMatchObject({
        namespaced: true,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
    });

    it('answers the legacy APIGroupList to a client that does not ask for the aggregated form', async () => {
      const res = await server.request('GET', '/apis', { headers: { accept: '*/*' } });
      expect(res.json()).toMatchObject({ kind: 'APIGroupList' });
    });

    it('answers YAML when asked', async () => {
      const res = await server.request('GET', `/apis/${GROUP_VERSION}`, {
        headers: { accept: 'application/yaml' },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/yaml/);
      expect(res.text).toContain('kind: APIResourceList');
    });

    it('refuses a malformed timeout parameter with 400', async () => {
      const res = await server.request('GET', '/apis?timeout=soon');
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    });
  });

  describe('aggregated discovery', () => {
    it('answers kubectl’s Accept on /apis with an APIGroupDiscoveryList v2, labelled in Content-Type, with Vary: Accept', async () => {
      const res = await server.request('GET', '/apis?timeout=32s', {
        headers: { accept: KUBECTL_DISCOVERY_ACCEPT },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(V2_CONTENT_TYPE);
      expect(res.headers.vary).toBe('Accept');
      expect(res.headers.etag).toMatch(/^"[0-9A-F]+"$/);
      const body = res.json<AggregatedList>();
      expect(body.kind).toBe('APIGroupDiscoveryList');
      expect(body.apiVersion).toBe('apidiscovery.k8s.io/v2');
      expect(body.items).toHaveLength(1);
      const [group] = body.items;
      expect(group?.metadata.name).toBe(GROUP);
      expect(group?.versions).toHaveLength(1);
      const version = group!.versions[0]!;
      expect(version.version).toBe('v1beta1');
      expect(version.freshness).toBe('Current');
      const foos = version.resources.find((r) => r.resource === 'foos');
      expect(foos).toMatchObject({
        resource: 'foos',
        responseKind: { group: GROUP, version: 'v1beta1', kind: 'Foo' },
        scope: 'Namespaced',
        singularResource: 'foo',
      });
      expect([...foos!.verbs].sort()).toEqual(ALL_VERBS);
      // client-go drops any (sub)resource without responseKind.
      const subresources = new Map((foos!.subresources ?? []).map((s) => [s.subresource, s]));
      expect(subresources.get('status')).toMatchObject({
        responseKind: { group: GROUP, version: 'v1beta1', kind: 'Foo' },
        verbs: ['get', 'patch', 'update'],
      });
      expect(subresources.get('scale')).toMatchObject({
        responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
        verbs: ['get', 'patch', 'update'],
      });
    });

    it('answers v2beta1 to a client that only asks for v2beta1', async () => {
      const res = await server.request('GET', '/apis', {
        headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList' },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(V2BETA1_CONTENT_TYPE);
      expect(res.json<AggregatedList>()).toMatchObject({
        kind: 'APIGroupDiscoveryList',
        apiVersion: 'apidiscovery.k8s.io/v2beta1',
        items: [{ metadata: { name: GROUP } }],
      });
    });

    it('answers 304 without a body when If-None-Match carries the current ETag, 200 otherwise', async () => {
      const first = await server.request('GET', '/apis', { headers: { accept: KUBECTL_DISCOVERY_ACCEPT } });
      const etag = String(first.headers.etag);
      const again = await server.request('GET', '/apis', {
        headers: { accept: KUBECTL_DISCOVERY_ACCEPT, 'if-none-match': etag },
      });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers.etag).toBe(etag);
      const stale = await server.request('GET', '/apis', {
        headers: { accept: KUBECTL_DISCOVERY_ACCEPT, 'if-none-match': '"STALE"' },
      });
      expect(stale.status).toBe(200);
      expect(stale.json()).toMatchObject({
        kind: 'APIGroupDiscoveryList',
        apiVersion: 'apidiscovery.k8s.io/v2',
      });
    });

    it('gives the v2 and v2beta1 documents different ETags (a cache must not mix them)', async () => {
      const v2 = await server.request('GET', '/apis', { headers: { accept: V2_CONTENT_TYPE } });
      const v2beta1 = await server.request('GET', '/apis', { headers: { accept: V2BETA1_CONTENT_TYPE } });
      expect(v2.headers.etag).not.toBe(v2beta1.headers.etag);
    });
  });

  describe('/api', () => {
    it('answers kubectl’s Accept with an empty aggregated list, never a legacy APIVersions', async () => {
      const res = await server.request('GET', '/api?timeout=32s', {
        headers: { accept: KUBECTL_DISCOVERY_ACCEPT },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(V2_CONTENT_TYPE);
      expect(res.json()).toEqual({
        kind: 'APIGroupDiscoveryList',
        apiVersion: 'apidiscovery.k8s.io/v2',
        metadata: {},
        items: [],
      });
    });

    it('answers a plain JSON request with 404 rather than an APIVersions listing v1', async () => {
      const res = await server.request('GET', '/api', { headers: { accept: 'application/json' } });
      expect(res.status).toBe(404);
      expect(res.json()).toMatchObject({ kind: 'Status', reason: 'NotFound' });
      expect(res.text).not.toContain('APIVersions');
    });

    it('has no /api/v1', async () => {
      expect((await server.request('GET', '/api/v1')).status).toBe(404);
    });
  });
});
