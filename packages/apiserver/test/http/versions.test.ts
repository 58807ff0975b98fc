/**
 * One kind served at two versions (Foo v1, stored, beside v1beta1, deprecated — @pwk/api's
 * fooKind, what the server installs): discovery lists both with the preferred one first, each
 * version has its own routes and OpenAPI document, v1beta1 answers carry the deprecation
 * Warning, and both see the same objects, each in its own version.
 */
import { fooKind } from '@pwk/api';
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';

type Json = Record<string, unknown>;
const GROUP = 'bar.pwk.educative.io';
const path = (version: string, name = '') =>
  `/apis/${GROUP}/${version}/namespaces/default/foos${name ? `/${name}` : ''}`;
const WARNING = `299 - "${GROUP}/v1beta1 Foo is deprecated; use ${GROUP}/v1 Foo"`;

describe('a kind served at two versions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ kinds: [fooKind] });
  });
  afterAll(() => server.stop());

  it('lists both versions in discovery, v1 first and preferred', async () => {
    const group = (await server.request('GET', `/apis/${GROUP}`)).json<{
      versions: Json[];
      preferredVersion: Json;
    }>();
    expect(group.versions).toEqual([
      { groupVersion: `${GROUP}/v1`, version: 'v1' },
      { groupVersion: `${GROUP}/v1beta1`, version: 'v1beta1' },
    ]);
    expect(group.preferredVersion).toEqual({ groupVersion: `${GROUP}/v1`, version: 'v1' });
    for (const version of ['v1', 'v1beta1']) {
      const list = (await server.request('GET', `/apis/${GROUP}/${version}`)).json<{ resources: Json[] }>();
      expect(list.resources.map((r) => r.name)).toEqual(['foos', 'foos/status', 'foos/scale']);
    }
    const index = (await server.request('GET', '/openapi/v3')).json<{ paths: Json }>();
    expect(Object.keys(index.paths)).toEqual([`apis/${GROUP}/v1`, `apis/${GROUP}/v1beta1`]);
  });

  it('warns on every v1beta1 answer, never on a v1 one', async () => {
    const created = await server.request('POST', path('v1beta1'), {
      body: { apiVersion: `${GROUP}/v1beta1`, kind: 'Foo', metadata: { name: 'old' }, spec: { replicas: 2 } },
    });
    expect(created.status).toBe(201);
    expect(created.headers.warning).toBe(WARNING);
    expect((await server.request('GET', path('v1beta1', 'old'))).headers.warning).toBe(WARNING);
    expect((await server.request('GET', path('v1beta1', 'old') + '/scale')).headers.warning).toBe(WARNING);
    expect((await server.request('GET', path('v1', 'old'))).headers.warning).toBeUndefined();
  });

  it('shows an object written in one version in the other, each in its own apiVersion', async () => {
    const created = await server.request('POST', path('v1'), {
      body: {
        apiVersion: `${GROUP}/v1`,
        kind: 'Foo',
        metadata: { name: 'both' },
        spec: { replicas: 3, paused: true },
      },
    });
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ apiVersion: `${GROUP}/v1`, spec: { replicas: 3, paused: true } });
    const old = (await server.request('GET', path('v1beta1', 'both'))).json<Json & { spec: Json }>();
    expect(old.apiVersion).toBe(`${GROUP}/v1beta1`);
    expect(old.spec).toEqual({ replicas: 3 });
    const listed = (await server.request('GET', path('v1beta1'))).json<{
      apiVersion: string;
      items: Json[];
    }>();
    expect(listed.apiVersion).toBe(`${GROUP}/v1beta1`);
    expect(listed.items.every((i) => i.apiVersion === `${GROUP}/v1beta1`)).toBe(true);
    const current = (await server.request('GET', path('v1', 'old'))).json<Json & { spec: Json }>();
    // Written at v1beta1, stored at v1 converted and defaulted: v1's paused default shows, as
    // kube shows it after defaulting what it reads from etcd.
    expect(current).toMatchObject({ apiVersion: `${GROUP}/v1`, spec: { replicas: 2, paused: false } });
  });

  it('refuses a body of the other version on a version’s route', async () => {
    const res = await server.request('POST', path('v1beta1'), {
      body: { apiVersion: `${GROUP}/v1`, kind: 'Foo', metadata: { name: 'wrong' }, spec: {} },
    });
    expect(res.status).toBe(400);
    expect((await server.request('GET', path('v1', 'wrong'))).status).toBe(404);
  });
});
