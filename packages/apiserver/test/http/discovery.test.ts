/**
 * Discovery over HTTP: the legacy documents (/apis, the group, the group version), the
 * aggregated v2/v2beta1 document kubectl and the aggregator ask for, /api as an aggregated
 * server answers it, and ETag/304 polling. Every installed kind is listed at every served version
 * (Foo: v1 and v1beta1): each is checked as its definition says (test/support/kinds).
 */
import { KIND_FIXTURES, TEST_KINDS } from '../support/kinds/fixtures';
import type { KindFixture } from '../support/kinds/fixtures';
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';

/** The groups of the installed kinds, each once. */
const GROUPS = [...new Set(KIND_FIXTURES.map((k) => k.group))];
const versionOf = (k: KindFixture) => ({ groupVersion: k.apiVersion, version: k.version });
/** A group's served versions in kube's priority order (the fixtures list them so: v1 before v1beta1). */
const versionsOf = (group: string) => KIND_FIXTURES.filter((k) => k.group === group).map(versionOf);
/** The version kube prefers: the first by priority. */
const preferredOf = (k: KindFixture) => versionsOf(k.group)[0]!;
const subresourceKind = (k: KindFixture, sub: string) =>
  sub === 'scale'
    ? { group: 'autoscaling', version: 'v1', kind: 'Scale' }
    : { group: k.group, version: k.version, kind: k.kind.kind };
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
    server = await startTestServer({ kinds: TEST_KINDS });
  });
  afterAll(() => server.stop());

  describe('legacy documents', () => {
    it('answers /apis with an APIGroupList naming each group and its preferred version', async () => {
      const res = await server.request('GET', '/apis?timeout=32s', {
        headers: { accept: 'application/json' },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      const body = res.json<{ groups: unknown[] }>();
      expect(body).toMatchObject({ kind: 'APIGroupList', apiVersion: 'v1' });
      expect(body.groups).toHaveLength(GROUPS.length);
      for (const k of KIND_FIXTURES) {
        expect(body.groups).toContainEqual(
          expect.objectContaining({
            name: k.group,
            versions: versionsOf(k.group),
            preferredVersion: preferredOf(k),
          }),
        );
      }
    });

    it('prefers Foo v1 over the deprecated v1beta1, listing both', async () => {
      const res = await server.request('GET', '/apis/bar.pwk.educative.io');
      expect(res.json()).toEqual({
        kind: 'APIGroup',
        apiVersion: 'v1',
        name: 'bar.pwk.educative.io',
        versions: [
          { groupVersion: 'bar.pwk.educative.io/v1', version: 'v1' },
          { groupVersion: 'bar.pwk.educative.io/v1beta1', version: 'v1beta1' },
        ],
        preferredVersion: { groupVersion: 'bar.pwk.educative.io/v1', version: 'v1' },
      });
    });

    describe.each(KIND_FIXTURES)('for $title', (k) => {
      it('answers /apis/<group> with the APIGroup', async () => {
        const res = await server.request('GET', `/apis/${k.group}`);
        expect(res.status).toBe(200);
        expect(res.json()).toMatchObject({
          kind: 'APIGroup',
          apiVersion: 'v1',
          name: k.group,
          versions: versionsOf(k.group),
          preferredVersion: preferredOf(k),
        });
      });

      it('answers /apis/<group>/<version> with the resource and the subresources it has', async () => {
        const res = await server.request('GET', `/apis/${k.apiVersion}`);
        expect(res.status).toBe(200);
        const body = res.json<{
          kind: string;
          apiVersion: string;
          groupVersion: string;
          resources: Array<Record<string, unknown>>;
        }>();
        expect(body).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: k.apiVersion });
        const byName = new Map(body.resources.map((r) => [r.name, r]));
        expect(byName.get(k.plural)).toMatchObject({
          singularName: k.kind.singular,
          namespaced: k.namespaced,
          kind: k.kind.kind,
        });
        expect([...(byName.get(k.plural)?.verbs as string[])].sort()).toEqual(ALL_VERBS);
        const subresources = body.resources.filter((r) => String(r.name).startsWith(`${k.plural}/`));
        expect(subresources.map((r) => r.name)).toEqual(k.subresources.map((sub) => `${k.plural}/${sub}`));
        if (k.subresources.includes('status')) {
          expect(byName.get(`${k.plural}/status`)).toMatchObject({
            namespaced: k.namespaced,
            kind: k.kind.kind,
            verbs: ['get', 'patch', 'update'],
          });
        }
        if (k.subresources.includes('scale')) {
          expect(byName.get(`${k.plural}/scale`)).toMatchObject({
            namespaced: k.namespaced,
            group: 'autoscaling',
            version: 'v1',
            kind: 'Scale',
            verbs: ['get', 'patch', 'update'],
          });
        }
      });
    });

    it('answers the legacy APIGroupList to a client that does not ask for the aggregated form', async () => {
      const res = await server.request('GET', '/apis', { headers: { accept: '*/*' } });
      expect(res.json()).toMatchObject({ kind: 'APIGroupList' });
    });

    it('answers YAML when asked', async () => {
      const res = await server.request('GET', `/apis/${KIND_FIXTURES[0]!.apiVersion}`, {
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
      expect(body.items.map((g) => g.metadata.name).sort()).toEqual([...GROUPS].sort());
      for (const k of KIND_FIXTURES) {
        const group = body.items.find((g) => g.metadata.name === k.group);
        // Every served version, in kube's priority order (the preferred one first).
        expect(group?.versions.map((v) => v.version)).toEqual(versionsOf(k.group).map((v) => v.version));
        const version = group!.versions.find((v) => v.version === k.version)!;
        expect(version.freshness).toBe('Current');
        const resource = version.resources.find((r) => r.resource === k.plural);
        expect(resource).toMatchObject({
          resource: k.plural,
          responseKind: { group: k.group, version: k.version, kind: k.kind.kind },
          scope: k.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: k.kind.singular,
        });
        expect([...resource!.verbs].sort()).toEqual(ALL_VERBS);
        // client-go drops any (sub)resource without responseKind.
        expect((resource!.subresources ?? []).map((s) => s.subresource)).toEqual(k.subresources);
        for (const sub of resource!.subresources ?? []) {
          expect(sub).toMatchObject({
            responseKind: subresourceKind(k, sub.subresource),
            verbs: ['get', 'patch', 'update'],
          });
        }
      }
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
        items: GROUPS.map((name) => ({ metadata: { name } })),
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
