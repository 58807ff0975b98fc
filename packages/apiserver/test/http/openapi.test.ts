/**
 * OpenAPI over HTTP: /openapi/v2 in JSON and in gnostic protobuf (negotiated as kube-openapi's
 * handler does, one ETag for both forms), the /openapi/v3 index, and the group-version document
 * with its hash-keyed caching. Every installed kind's schema and paths are in them at every served
 * version (Foo: v1 and v1beta1), each checked as its definition says (test/support/kinds).
 */
import { decodeOpenAPIV2 } from '../support/gnostic-v2';
import { FOO_FIXTURE, KIND_FIXTURES, TEST_KINDS } from '../support/kinds/fixtures';
import type { KindFixture } from '../support/kinds/fixtures';
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';

type Json = Record<string, unknown>;

/** The caching tests use the first kind's group version document. */
const GV_PATH = `apis/${FOO_FIXTURE.apiVersion}`;
/** The fixture's version's schema name (each served version has its own, e.g. `…bar.v1.Foo`). */
const schemaOf = (k: KindFixture) => k.kind.version(k.version)!.openAPINames.kind;
/** The OpenAPI path of the kind's collection, as kube writes it (`{namespace}` when namespaced). */
const collectionPath = (k: KindFixture) =>
  `/apis/${k.apiVersion}${k.namespaced ? '/namespaces/{namespace}' : ''}/${k.plural}`;
const gvPathOf = (k: KindFixture) => `apis/${k.apiVersion}`;
/** What kubectl sends for /openapi/v2. */
const PROTOBUF_V2 = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** What kube-openapi answers with (and also accepts). */
const PROTOBUF_V2_ANSWER = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

function queryParameterNames(operation: Json): string[] {
  return ((operation.parameters as Json[] | undefined) ?? [])
    .filter((p) => p.in === 'query')
    .map((p) => String(p.name));
}

describe('OpenAPI', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ kinds: TEST_KINDS });
  });
  afterAll(() => server.stop());

  describe('/openapi/v2', () => {
    it.each(KIND_FIXTURES)('serves Swagger 2.0 JSON with the definition of $title and an ETag', async (k) => {
      const res = await server.request('GET', '/openapi/v2?timeout=32s', {
        headers: { accept: 'application/json' },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers.etag).toMatch(/^"[0-9A-F]+"$/);
      const doc = res.json<{ swagger: string; definitions: Json; paths: Json }>();
      expect(doc.swagger).toBe('2.0');
      expect(doc.definitions[schemaOf(k)]).toMatchObject({
        'x-kubernetes-group-version-kind': [{ group: k.group, version: k.version, kind: k.kind.kind }],
      });
      expect(doc.paths[`${collectionPath(k)}/{name}`]).toBeDefined();
    });

    it('answers kubectl’s protobuf Accept with gnostic protobuf that decodes to the JSON document', async () => {
      const json = await server.request('GET', '/openapi/v2', { headers: { accept: 'application/json' } });
      const res = await server.request('GET', '/openapi/v2', { headers: { accept: PROTOBUF_V2 } });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(PROTOBUF_V2_ANSWER);
      expect(res.headers.vary).toBe('Accept');
      expect(decodeOpenAPIV2(res.bytes)).toEqual(json.json());
    });

    it.each([
      [PROTOBUF_V2, PROTOBUF_V2_ANSWER],
      [PROTOBUF_V2_ANSWER, PROTOBUF_V2_ANSWER],
      [`${PROTOBUF_V2}, application/json;q=0.9`, PROTOBUF_V2_ANSWER],
      [`application/json;q=0.5, ${PROTOBUF_V2}`, PROTOBUF_V2_ANSWER],
      ['application/json', 'application/json'],
      [`application/json, ${PROTOBUF_V2}`, 'application/json'],
      ['*/*', 'application/json'],
      ['application/*', 'application/json'],
      ['text/html, */*;q=0.1', 'application/json'],
    ])('answers Accept %s with %s, as kube-openapi’s handler does', async (accept, contentType) => {
      const res = await server.request('GET', '/openapi/v2', { headers: { accept } });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(contentType);
    });

    it('answers an Accept it can serve in neither form with 406 NotAcceptable naming both', async () => {
      const res = await server.request('GET', '/openapi/v2', { headers: { accept: 'text/html' } });
      expect(res.status).toBe(406);
      expect(res.json()).toMatchObject({ kind: 'Status', reason: 'NotAcceptable', code: 406 });
      expect(res.json<{ message: string }>().message).toContain(PROTOBUF_V2_ANSWER);
    });

    it('answers 304 to If-None-Match with the current ETag', async () => {
      const first = await server.request('GET', '/openapi/v2');
      const again = await server.request('GET', '/openapi/v2', {
        headers: { 'if-none-match': String(first.headers.etag) },
      });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
    });

    it('tags both forms with one ETag and answers 304 to it in either form', async () => {
      const json = await server.request('GET', '/openapi/v2', { headers: { accept: 'application/json' } });
      const proto = await server.request('GET', '/openapi/v2', { headers: { accept: PROTOBUF_V2 } });
      expect(proto.headers.etag).toBe(json.headers.etag);
      const etag = String(proto.headers.etag);
      for (const accept of [PROTOBUF_V2, 'application/json']) {
        const again = await server.request('GET', '/openapi/v2', {
          headers: { accept, 'if-none-match': etag },
        });
        expect([accept, again.status, again.bytes.length]).toEqual([accept, 304, 0]);
        expect(again.headers.etag).toBe(etag);
      }
    });

    it('sends the whole document again to a stale If-None-Match', async () => {
      const res = await server.request('GET', '/openapi/v2', {
        headers: { accept: PROTOBUF_V2, 'if-none-match': '"0000STALE", W/"ALSO-STALE"' },
      });
      expect(res.status).toBe(200);
      expect(res.bytes.length).toBeGreaterThan(1000);
    });

    it('sends Last-Modified and answers 304 to If-Modified-Since of it when no ETag is offered', async () => {
      const first = await server.request('GET', '/openapi/v2', { headers: { accept: PROTOBUF_V2 } });
      const lastModified = String(first.headers['last-modified']);
      expect(new Date(lastModified).getTime()).toBeLessThanOrEqual(Date.now());
      const again = await server.request('GET', '/openapi/v2', {
        headers: { accept: PROTOBUF_V2, 'if-modified-since': lastModified },
      });
      expect(again.status).toBe(304);
      const older = new Date(new Date(lastModified).getTime() - 3600_000).toUTCString();
      const stale = await server.request('GET', '/openapi/v2', {
        headers: { accept: PROTOBUF_V2, 'if-modified-since': older },
      });
      expect(stale.status).toBe(200);
    });
  });

  describe('/openapi/v3', () => {
    it('indexes each group version with a hash-keyed serverRelativeURL', async () => {
      const res = await server.request('GET', '/openapi/v3?timeout=32s');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      const index = res.json<{ paths: Record<string, { serverRelativeURL: string }> }>();
      expect(Object.keys(index.paths).sort()).toEqual(KIND_FIXTURES.map(gvPathOf).sort());
      for (const gvPath of Object.keys(index.paths)) {
        expect(index.paths[gvPath]?.serverRelativeURL).toMatch(
          new RegExp(`^/openapi/v3/${gvPath}\\?hash=[0-9A-F]+$`),
        );
      }
    });

    it.each(KIND_FIXTURES)(
      'serves the document of $title at the hashed URL as immutable, with its hash as ETag',
      async (k) => {
        const index = (await server.request('GET', '/openapi/v3')).json<{
          paths: Record<string, { serverRelativeURL: string }>;
        }>();
        const url = index.paths[gvPathOf(k)]!.serverRelativeURL;
        const hash = url.split('hash=')[1];
        const res = await server.request('GET', url);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe('application/json');
        expect(res.headers['cache-control']).toBe('public, immutable');
        expect(res.headers.expires).toBeDefined();
        expect(new Date(String(res.headers.expires)).getTime()).toBeGreaterThan(
          Date.now() + 300 * 24 * 3600 * 1000,
        );
        expect(res.headers.etag).toBe(`"${hash}"`);
        expect(res.headers.vary).toBe('Accept');
        const doc = res.json<{
          openapi: string;
          components: { schemas: Json };
          paths: Record<string, Json>;
        }>();
        expect(doc.openapi).toMatch(/^3\.0/);
        // kubectl explain <kind>.spec walks these.
        const foo = doc.components.schemas[schemaOf(k)] as { properties: Json };
        expect(Object.keys(foo.properties)).toEqual(
          expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'spec', 'status']),
        );
      },
    );

    it.each(KIND_FIXTURES)(
      'advertises dryRun and fieldValidation on $title’s GVK-tagged POST/PUT/PATCH, and strategic merge on PATCH',
      async (k) => {
        const url = (await server.request('GET', '/openapi/v3')).json<{
          paths: Record<string, { serverRelativeURL: string }>;
        }>().paths[gvPathOf(k)]!.serverRelativeURL;
        const doc = (await server.request('GET', url)).json<{
          paths: Record<string, Record<string, Json>>;
        }>();
        const item = doc.paths[`${collectionPath(k)}/{name}`]!;
        const collection = doc.paths[collectionPath(k)]!;
        for (const operation of [collection.post!, item.put!, item.patch!]) {
          expect(operation['x-kubernetes-group-version-kind']).toEqual({
            group: k.group,
            version: k.version,
            kind: k.kind.kind,
          });
          expect(queryParameterNames(operation)).toEqual(
            expect.arrayContaining(['dryRun', 'fieldValidation', 'fieldManager']),
          );
          expect(operation.responses).toBeDefined();
        }
        const patchTypes = Object.keys((item.patch!.requestBody as { content: Json }).content);
        expect(patchTypes).toEqual(
          expect.arrayContaining([
            'application/strategic-merge-patch+json',
            'application/merge-patch+json',
            'application/json-patch+json',
          ]),
        );
      },
    );

    it('serves the document without a hash but without immutable caching', async () => {
      const res = await server.request('GET', `/openapi/v3/${GV_PATH}`);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBeUndefined();
      expect(res.json()).toMatchObject({ openapi: expect.stringMatching(/^3\.0/) });
    });

    it('redirects a stale hash to the current document (301), as kube-openapi does', async () => {
      const res = await server.request('GET', `/openapi/v3/${GV_PATH}?hash=0000STALE`);
      expect(res.status).toBe(301);
      expect(res.headers.location).toMatch(new RegExp(`^/openapi/v3/${GV_PATH}\\?hash=[0-9A-F]+$`));
      expect(res.headers['cache-control']).toBeUndefined();
    });

    it('answers 304 to If-None-Match with the document hash', async () => {
      const first = await server.request('GET', `/openapi/v3/${GV_PATH}`);
      const again = await server.request('GET', `/openapi/v3/${GV_PATH}`, {
        headers: { 'if-none-match': String(first.headers.etag) },
      });
      expect(again.status).toBe(304);
    });

    it('answers a protobuf-only Accept for the v3 document with 406', async () => {
      const res = await server.request('GET', `/openapi/v3/${GV_PATH}`, {
        headers: { accept: 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf' },
      });
      expect(res.status).toBe(406);
      expect(res.json()).toMatchObject({ kind: 'Status', reason: 'NotAcceptable' });
    });

    it('answers 404 for a group version it does not serve', async () => {
      const res = await server.request('GET', '/openapi/v3/apis/other.example.com/v1');
      expect(res.status).toBe(404);
    });
  });
});
