/**
 * Pins the OpenAPI v3/v2 documents: what kubectl reads from the paths, references, and caching.
 * Foo is served at v1 and v1beta1: each has its own v3 document; the v2 document has both.
 */
import { createHash } from 'node:crypto';
import { documentHash, openAPIDocuments } from '../../src/discovery/openapi-served-documents';
import { installKinds } from '../../src/apis/installed-api';
import { FOO_FIXTURE, FOO_V1BETA1_FIXTURE, TEST_KINDS, WIDGET_FIXTURE } from '../support/kinds/fixtures';
import type { InstalledGroupVersion } from '../../src/apis/installed-api';
import { INSTALLED, SERVED_GROUP_VERSION as SERVED_API } from '../support/installed-api';
import {
  buildOpenAPIV2Document,
  buildOpenAPIV3Document,
  openAPIV2Document,
  openAPIV3Document,
  openAPIV3Hash,
  openAPIV3Index,
} from '../support/openapi-documents';

const FOO_RESOURCE = SERVED_API.resources[0]!;

type Json = Record<string, unknown>;
interface Operation {
  path: string;
  method: string;
  op: Json;
  pathParameters: Json[];
}

const FOO_VERSIONS = ['v1', 'v1beta1'] as const;
type FooVersion = (typeof FOO_VERSIONS)[number];
const fooGVK = (version: string) => ({ group: 'bar.pwk.educative.io', version, kind: 'Foo' });
const SCALE_GVK = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
const baseOf = (version: string) => `/apis/bar.pwk.educative.io/${version}`;
const nsOf = (version: string) => `${baseOf(version)}/namespaces/{namespace}/foos`;
/** The default API's first group version (SERVED_API): Foo v1, the preferred version. */
const BASE = baseOf(SERVED_API.version);
const NS = nsOf(SERVED_API.version);
/** kube's operationId spelling of a version: v1beta1 → V1beta1. */
const idVersion = (version: string) => `V${version.slice(1)}`;
const SERVED_DOCUMENTS = openAPIDocuments(INSTALLED);
/** The v3 document of Foo at `version`. */
const v3DocumentOf = (version: string): Json => SERVED_DOCUMENTS.v3(`bar.pwk.educative.io/${version}`)!.body;
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Each document and the Foo versions it covers: a v3 document per version, one v2 document for all. */
const DIALECTS: Array<{
  name: string;
  doc: () => Json;
  schemasOf: (d: Json) => Json;
  versions: FooVersion[];
}> = [
  ...FOO_VERSIONS.map((version) => ({
    name: `v3 (${version})`,
    doc: () => v3DocumentOf(version),
    schemasOf: (d: Json) => (d.components as Json).schemas as Json,
    versions: [version],
  })),
  {
    name: 'v2',
    doc: () => openAPIV2Document().body,
    schemasOf: (d: Json) => d.definitions as Json,
    versions: [...FOO_VERSIONS],
  },
];

function operations(doc: Json): Operation[] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m] !== undefined).map((method) => ({
      path,
      method,
      op: item[method] as Json,
      pathParameters: (item.parameters ?? []) as Json[],
    })),
  );
}

function refsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((child) => refsIn(child, found));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref') found.push(value as string);
      else refsIn(value, found);
    }
  }
  return found;
}

function ownQueryParameters(op: Json): string[] {
  return ((op.parameters ?? []) as Json[]).filter((p) => p.in === 'query').map((p) => p.name as string);
}

function v3Op(path: string, method: string, version: string = SERVED_API.version): Json {
  return ((v3DocumentOf(version).paths as Json)[path] as Json)[method] as Json;
}

function v2Op(path: string, method: string): Json {
  return ((openAPIV2Document().body.paths as Json)[path] as Json)[method] as Json;
}

describe.each(DIALECTS)('the OpenAPI $name document', ({ doc, schemasOf, versions }) => {
  it('resolves every $ref to a schema it defines', () => {
    const body = doc();
    const refs = refsIn(body);
    expect(refs.length).toBeGreaterThan(40);
    const prefix = body.swagger === '2.0' ? '#/definitions/' : '#/components/schemas/';
    const defined = Object.keys(schemasOf(body));
    for (const ref of new Set(refs)) {
      expect(ref.startsWith(prefix)).toBe(true);
      expect(defined).toContain(ref.slice(prefix.length));
    }
  });

  it('serves the paths of a namespaced CRD with status and scale', () => {
    const pathsOf = (v: string) => {
      const ns = nsOf(v);
      return [ns, `${ns}/{name}`, `${ns}/{name}/status`, `${ns}/{name}/scale`, `${baseOf(v)}/foos`];
    };
    expect(Object.keys(doc().paths as Json).sort()).toEqual(versions.flatMap(pathsOf).sort());
  });

  it('gives every operation responses, a unique operationId, a tag and an x-kubernetes-action', () => {
    const ops = operations(doc());
    expect(ops).toHaveLength(14 * versions.length);
    const ids = ops.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { op, path } of ops) {
      expect(Object.keys(op.responses as Json).length).toBeGreaterThan(0);
      const version = path.split('/')[3];
      expect(op.tags).toEqual([`barPwkEducativeIo_${version}`]);
      expect(['get', 'list', 'post', 'put', 'patch', 'delete', 'deletecollection']).toContain(
        op['x-kubernetes-action'],
      );
    }
  });

  it('tags every write with a single-object x-kubernetes-group-version-kind and its own fieldValidation and dryRun', () => {
    const writes = operations(doc()).filter(({ method }) => ['post', 'put', 'patch'].includes(method));
    expect(writes).toHaveLength(7 * versions.length);
    for (const { op, path } of writes) {
      const gvk = op['x-kubernetes-group-version-kind'];
      expect(Array.isArray(gvk)).toBe(false);
      expect([fooGVK(path.split('/')[3]!), SCALE_GVK]).toContainEqual(gvk);
      expect(ownQueryParameters(op)).toEqual(
        expect.arrayContaining(['fieldValidation', 'dryRun', 'fieldManager']),
      );
    }
  });

  it('passes kubectl 1.32 check for server-side validation: every Foo PATCH lists fieldValidation and dryRun', () => {
    // kubectl stops at the first PATCH tagged with the kind (map order), so all of them must qualify.
    for (const version of versions) {
      const fooPatches = operations(doc()).filter(
        ({ method, op }) =>
          method === 'patch' &&
          JSON.stringify(op['x-kubernetes-group-version-kind']) === JSON.stringify(fooGVK(version)),
      );
      const ns = nsOf(version);
      expect(fooPatches.map(({ path }) => path).sort()).toEqual([`${ns}/{name}`, `${ns}/{name}/status`]);
      for (const { op } of fooPatches) {
        expect(ownQueryParameters(op)).toEqual(
          expect.arrayContaining(['fieldValidation', 'dryRun', 'force']),
        );
      }
    }
  });

  it('declares every {placeholder} of a path as a required path parameter', () => {
    for (const { path, pathParameters } of operations(doc())) {
      const placeholders = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = pathParameters
        .filter((p) => p.in === 'path' && p.required === true)
        .map((p) => p.name);
      expect(declared.sort()).toEqual(placeholders.sort());
    }
  });

  it.each(versions)(
    'answers list with list/watch parameters and deletes with delete options (%s)',
    (version) => {
      const ops = operations(doc());
      const NS = nsOf(version);
      const list = ops.find(({ path, method }) => path === NS && method === 'get')!;
      expect(ownQueryParameters(list.op)).toEqual(
        expect.arrayContaining([
          'watch',
          'allowWatchBookmarks',
          'sendInitialEvents',
          'resourceVersion',
          'limit',
        ]),
      );
      const del = ops.find(({ path, method }) => path === `${NS}/{name}` && method === 'delete')!;
      expect(ownQueryParameters(del.op)).toEqual(
        expect.arrayContaining(['dryRun', 'gracePeriodSeconds', 'propagationPolicy']),
      );
    },
  );

  it('names operations the way kube-apiserver names a CRD operation', () => {
    const byId = Object.fromEntries(
      operations(doc()).map(({ path, method, op }) => [op.operationId, [method, path]]),
    );
    const idsOf = (version: string): Record<string, string[]> => {
      const V = idVersion(version);
      const NS = nsOf(version);
      return {
        [`listBarPwkEducativeIo${V}NamespacedFoo`]: ['get', NS],
        [`createBarPwkEducativeIo${V}NamespacedFoo`]: ['post', NS],
        [`deleteBarPwkEducativeIo${V}CollectionNamespacedFoo`]: ['delete', NS],
        [`readBarPwkEducativeIo${V}NamespacedFoo`]: ['get', `${NS}/{name}`],
        [`replaceBarPwkEducativeIo${V}NamespacedFoo`]: ['put', `${NS}/{name}`],
        [`patchBarPwkEducativeIo${V}NamespacedFoo`]: ['patch', `${NS}/{name}`],
        [`deleteBarPwkEducativeIo${V}NamespacedFoo`]: ['delete', `${NS}/{name}`],
        [`readBarPwkEducativeIo${V}NamespacedFooStatus`]: ['get', `${NS}/{name}/status`],
        [`replaceBarPwkEducativeIo${V}NamespacedFooStatus`]: ['put', `${NS}/{name}/status`],
        [`patchBarPwkEducativeIo${V}NamespacedFooStatus`]: ['patch', `${NS}/{name}/status`],
        [`readBarPwkEducativeIo${V}NamespacedFooScale`]: ['get', `${NS}/{name}/scale`],
        [`replaceBarPwkEducativeIo${V}NamespacedFooScale`]: ['put', `${NS}/{name}/scale`],
        [`patchBarPwkEducativeIo${V}NamespacedFooScale`]: ['patch', `${NS}/{name}/scale`],
        [`listBarPwkEducativeIo${V}FooForAllNamespaces`]: ['get', `${baseOf(version)}/foos`],
      };
    };
    expect(byId).toEqual(Object.assign({}, ...versions.map(idsOf)));
  });

  it('defines the Kubernetes schemas the operations reference, with their kinds', () => {
    const schemas = schemasOf(doc());
    expect(schemas['io.k8s.api.autoscaling.v1.Scale']).toMatchObject({
      'x-kubernetes-group-version-kind': [SCALE_GVK],
    });
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Status']).toMatchObject({
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
    });
    for (const version of versions) {
      expect(schemas[`io.educative.pwk.bar.${version}.Foo`]).toMatchObject({
        'x-kubernetes-group-version-kind': [fooGVK(version)],
      });
    }
    for (const name of ['DeleteOptions', 'Patch', 'StatusDetails', 'StatusCause', 'Preconditions']) {
      expect(schemas).toHaveProperty([`io.k8s.apimachinery.pkg.apis.meta.v1.${name}`, 'type'], 'object');
    }
    // Only what the paths reach, as kube-openapi's builder emits: no watch path, no WatchEvent.
    expect(schemas).not.toHaveProperty(['io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent']);
  });
});

describe.each(FOO_VERSIONS)('OpenAPI v3 operations of Foo %s', (version) => {
  const NS = nsOf(version);
  const v3OpHere = (path: string, method: string) => v3Op(path, method, version);
  it('accept the four patch media types, strategic merge included, so kubectl apply sends strategic merge', () => {
    for (const path of [`${NS}/{name}`, `${NS}/{name}/status`, `${NS}/{name}/scale`]) {
      const body = v3OpHere(path, 'patch').requestBody as Json;
      expect(Object.keys(body.content as Json).sort()).toEqual([...PATCH_TYPES].sort());
      expect(body.required).toBe(true);
    }
  });

  it('carry bodies as requestBody and parameters with a schema, never Swagger-style', () => {
    for (const { op, pathParameters } of operations(v3DocumentOf(version))) {
      for (const p of [...pathParameters, ...((op.parameters ?? []) as Json[])]) {
        expect(p.in).not.toBe('body');
        expect(p).toHaveProperty('schema.type');
      }
      expect(op).not.toHaveProperty('consumes');
    }
    expect(v3OpHere(NS, 'post').requestBody).toEqual({
      content: { '*/*': { schema: { $ref: `#/components/schemas/io.educative.pwk.bar.${version}.Foo` } } },
      required: true,
    });
  });

  it('returns the right kind from each operation', () => {
    const schemaOf = (op: Json, code: string): unknown =>
      (((op.responses as Json)[code] as Json).content as Record<string, Json>)['application/json']?.schema;
    const prefix = '#/components/schemas/';
    expect(schemaOf(v3OpHere(NS, 'get'), '200')).toEqual({
      $ref: `${prefix}io.educative.pwk.bar.${version}.FooList`,
    });
    expect(schemaOf(v3OpHere(NS, 'post'), '201')).toEqual({
      $ref: `${prefix}io.educative.pwk.bar.${version}.Foo`,
    });
    expect(schemaOf(v3OpHere(`${NS}/{name}/scale`, 'get'), '200')).toEqual({
      $ref: `${prefix}io.k8s.api.autoscaling.v1.Scale`,
    });
    expect(schemaOf(v3OpHere(`${NS}/{name}`, 'delete'), '200')).toEqual({
      $ref: `${prefix}io.k8s.apimachinery.pkg.apis.meta.v1.Status`,
    });
    expect(
      Object.keys((v3OpHere(NS, 'get').responses as Record<string, Json>)['200']!.content as Json),
    ).toContain('application/json;stream=watch');
  });

  it('is an OpenAPI 3.0 document with info', () => {
    const body = v3DocumentOf(version);
    expect(body.openapi).toBe('3.0.0');
    expect(body.info).toEqual({ title: 'pwk', version });
    expect(body).not.toHaveProperty('definitions');
  });
});

describe.each(FOO_VERSIONS)('Swagger 2.0 operations of Foo %s', (version) => {
  const NS = nsOf(version);
  it('list the patch media types in consumes and carry the body as an `in: body` parameter', () => {
    const patch = v2Op(`${NS}/{name}`, 'patch');
    expect(patch.consumes).toEqual(PATCH_TYPES);
    expect(patch.produces).toEqual(['application/json', 'application/yaml']);
    expect((patch.parameters as Json[])[0]).toEqual({
      in: 'body',
      name: 'body',
      required: true,
      schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' },
    });
    expect(patch).not.toHaveProperty('requestBody');
  });

  it('type non-body parameters inline, without a schema', () => {
    for (const { op, pathParameters } of operations(openAPIV2Document().body)) {
      for (const p of [...pathParameters, ...((op.parameters ?? []) as Json[])].filter(
        (p) => p.in !== 'body',
      )) {
        expect(['string', 'integer', 'boolean']).toContain(p.type);
        expect(p).not.toHaveProperty('schema');
      }
    }
  });

  it('answers with a schema per response code and never requires a DeleteOptions body', () => {
    const del = v2Op(`${NS}/{name}`, 'delete');
    expect(del.responses).toEqual({
      '200': {
        description: 'OK',
        schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Status' },
      },
      '202': {
        description: 'Accepted',
        schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Status' },
      },
    });
    expect((del.parameters as Json[])[0]).toEqual({
      in: 'body',
      name: 'body',
      schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions' },
    });
  });

  it('never wraps a $ref in allOf, so kubectl explain can follow every reference', () => {
    const wrapped: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}[${i}]`));
      else if (node !== null && typeof node === 'object') {
        if ('allOf' in node) wrapped.push(path);
        for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k}`);
      }
    };
    walk(openAPIV2Document().body, '');
    expect(wrapped).toEqual([]);
    const foo = (openAPIV2Document().body.definitions as Record<string, Json>)[
      `io.educative.pwk.bar.${version}.Foo`
    ];
    expect(foo).toHaveProperty(['properties', 'spec'], {
      $ref: `#/definitions/io.educative.pwk.bar.${version}.FooSpec`,
    });
  });

  it('keeps a description beside a $ref, as kube-apiserver’s v2 does (Scale.metadata)', () => {
    const scale = (openAPIV2Document().body.definitions as Record<string, Json>)[
      'io.k8s.api.autoscaling.v1.Scale'
    ];
    expect(scale).toHaveProperty(['properties', 'metadata'], {
      $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      description:
        'Standard object metadata; More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata.',
    });
  });

  it('omits an operation’s parameters when it has none, as kube-apiserver does', () => {
    expect(v2Op(`${NS}/{name}`, 'get')).not.toHaveProperty('parameters');
  });

  it('is a Swagger 2.0 document with definitions', () => {
    const body = openAPIV2Document().body;
    expect(body.swagger).toBe('2.0');
    expect(body).toHaveProperty('info.title', 'pwk');
    expect(body).not.toHaveProperty('components');
  });
});

describe('what the documents derive from resources.ts', () => {
  const without = (overrides: Partial<typeof FOO_RESOURCE>): InstalledGroupVersion => ({
    ...SERVED_API,
    resources: [{ ...FOO_RESOURCE, ...overrides }],
  });

  it('drops the paths of a subresource that is not served', () => {
    const doc = buildOpenAPIV3Document(
      without({ subresources: FOO_RESOURCE.subresources.map((s) => ({ ...s, served: s.name !== 'scale' })) }),
    );
    expect(Object.keys(doc.paths as Json)).not.toContain(`${NS}/{name}/scale`);
    expect(Object.keys(doc.paths as Json)).toContain(`${NS}/{name}/status`);
  });

  it('publishes an operation only for a served verb', () => {
    const doc = buildOpenAPIV2Document([without({ verbs: ['get', 'list', 'watch'] })]);
    const ops = operations(doc).filter(({ path }) => !path.includes('/status') && !path.includes('/scale'));
    expect(ops.map(({ method, path }) => `${method} ${path}`).sort()).toEqual(
      [`get ${NS}`, `get ${NS}/{name}`, `get ${BASE}/foos`].sort(),
    );
  });

  it('fails loudly for a kind it has no schema for', () => {
    expect(() => buildOpenAPIV3Document(without({ kind: 'Bar' }))).toThrow(
      `no OpenAPI schema is known for bar.pwk.educative.io/${SERVED_API.version}/Bar`,
    );
  });
});

describe('document caching', () => {
  const sha = (body: unknown): string =>
    createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32).toUpperCase();

  it.each([
    ['v3', openAPIV3Document],
    ['v2', openAPIV2Document],
  ])('tags the %s document with the quoted hash of its JSON, stable across calls', (_, served) => {
    const first = served();
    expect(first.etag).toBe(`"${sha(first.body)}"`);
    expect(served()).toBe(first);
    expect(served().etag).toBe(first.etag);
    expect(first.body).toEqual(JSON.parse(JSON.stringify(first.body)));
  });

  it('computes the same hash when the document is rebuilt, and a different one when its content changes', () => {
    expect(documentHash(buildOpenAPIV3Document())).toBe(openAPIV3Hash());
    const changed = buildOpenAPIV3Document({
      ...SERVED_API,
      resources: [{ ...FOO_RESOURCE, verbs: FOO_RESOURCE.verbs.filter((v) => v !== 'deletecollection') }],
    });
    expect(documentHash(changed)).not.toBe(openAPIV3Hash());
    expect(openAPIV2Document().etag).not.toBe(openAPIV3Document().etag);
  });

  it('freezes served bodies so nothing can change them after hashing', () => {
    const body = openAPIV3Document().body;
    expect(() => {
      (body.info as Json).title = 'changed';
    }).toThrow(TypeError);
    expect(openAPIV3Document().etag).toBe(`"${sha(body)}"`);
  });

  it('points the v3 index at the document with the hash of its ETag', () => {
    const index = openAPIV3Index();
    const hash = openAPIV3Document().etag.replace(/"/g, '');
    expect(hash).toMatch(/^[0-9A-F]{32}$/);
    expect(openAPIV3Hash()).toBe(hash);
    const v1beta1Hash = SERVED_DOCUMENTS.v3Hash('bar.pwk.educative.io/v1beta1');
    expect(v1beta1Hash).toMatch(/^[0-9A-F]{32}$/);
    expect(v1beta1Hash).not.toBe(hash);
    expect(index.body).toEqual({
      paths: {
        'apis/bar.pwk.educative.io/v1': {
          serverRelativeURL: `/openapi/v3/apis/bar.pwk.educative.io/v1?hash=${hash}`,
        },
        'apis/bar.pwk.educative.io/v1beta1': {
          serverRelativeURL: `/openapi/v3/apis/bar.pwk.educative.io/v1beta1?hash=${v1beta1Hash}`,
        },
      },
    });
    expect(index.etag).toBe(`"${sha(index.body)}"`);
    const current = { 'bar.pwk.educative.io/v1': hash, 'bar.pwk.educative.io/v1beta1': v1beta1Hash! };
    expect(SERVED_DOCUMENTS.v3Index(current)).toBe(SERVED_DOCUMENTS.v3Index());
  });

  it('builds an index for another hash with its own URL and ETag', () => {
    const other = SERVED_DOCUMENTS.v3Index({
      'bar.pwk.educative.io/v1': 'ABC',
      'bar.pwk.educative.io/v1beta1': 'DEF',
    });
    expect(other.body).toEqual({
      paths: {
        'apis/bar.pwk.educative.io/v1': {
          serverRelativeURL: '/openapi/v3/apis/bar.pwk.educative.io/v1?hash=ABC',
        },
        'apis/bar.pwk.educative.io/v1beta1': {
          serverRelativeURL: '/openapi/v3/apis/bar.pwk.educative.io/v1beta1?hash=DEF',
        },
      },
    });
    expect(other.etag).not.toBe(openAPIV3Index().etag);
  });
});

describe('several kinds (the test tree’s cluster-scoped Widget beside Foo)', () => {
  const api = installKinds(TEST_KINDS);
  const widgets = api.groupVersions.find((gv) => gv.group === WIDGET_FIXTURE.group)!;
  const WB = `/apis/${WIDGET_FIXTURE.apiVersion}`;
  const v3 = buildOpenAPIV3Document(widgets);
  const v2 = buildOpenAPIV2Document(api.groupVersions);

  it('gives a cluster-scoped kind collection and item paths without a namespace, and no subresource paths', () => {
    expect(Object.keys(v3.paths as Json).sort()).toEqual([`${WB}/widgets`, `${WB}/widgets/{name}`]);
    for (const { pathParameters, op } of operations(v3)) {
      const names = [...pathParameters, ...((op.parameters as Json[] | undefined) ?? [])].map((p) => p.name);
      expect(names).not.toContain('namespace');
    }
  });

  it('names its operations as kube-apiserver names a cluster-scoped CRD’s', () => {
    const byId = Object.fromEntries(
      operations(v3).map(({ path, method, op }) => [op.operationId, [method, path]]),
    );
    expect(byId).toEqual({
      listExampleComV1alpha1Widget: ['get', `${WB}/widgets`],
      createExampleComV1alpha1Widget: ['post', `${WB}/widgets`],
      deleteExampleComV1alpha1CollectionWidget: ['delete', `${WB}/widgets`],
      readExampleComV1alpha1Widget: ['get', `${WB}/widgets/{name}`],
      replaceExampleComV1alpha1Widget: ['put', `${WB}/widgets/{name}`],
      patchExampleComV1alpha1Widget: ['patch', `${WB}/widgets/{name}`],
      deleteExampleComV1alpha1Widget: ['delete', `${WB}/widgets/{name}`],
    });
  });

  it('defines the kind and its list from its definition, and no Foo, in its group version’s v3 document', () => {
    const schemas = (v3.components as { schemas: Json }).schemas as Json;
    const names = WIDGET_FIXTURE.kind.storageVersion.openAPINames;
    expect(schemas[names.kind]).toMatchObject({
      'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1alpha1', kind: 'Widget' }],
    });
    expect(schemas[names.list]).toBeDefined();
    expect(Object.keys(schemas).filter((n) => n.includes('Foo'))).toEqual([]);
  });

  it('puts both kinds’ paths and definitions in the v2 document, and both group versions on DeleteOptions', () => {
    const paths = Object.keys(v2.paths as Json);
    expect(paths).toEqual(expect.arrayContaining([`${NS}/{name}`, `${WB}/widgets/{name}`]));
    const definitions = v2.definitions as Record<string, Json>;
    expect(definitions['io.educative.pwk.bar.v1.Foo']).toBeDefined();
    expect(definitions['io.educative.pwk.bar.v1beta1.Foo']).toBeDefined();
    expect(definitions[WIDGET_FIXTURE.kind.storageVersion.openAPINames.kind]).toBeDefined();
    expect(
      definitions['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']!['x-kubernetes-group-version-kind'],
    ).toEqual(
      expect.arrayContaining([
        { group: FOO_FIXTURE.group, kind: 'DeleteOptions', version: FOO_FIXTURE.version },
        { group: FOO_FIXTURE.group, kind: 'DeleteOptions', version: FOO_V1BETA1_FIXTURE.version },
        { group: WIDGET_FIXTURE.group, kind: 'DeleteOptions', version: WIDGET_FIXTURE.version },
      ]),
    );
  });

  it('indexes one v3 document per group version', () => {
    const index = openAPIDocuments(api).v3Index().body as { paths: Json };
    expect(Object.keys(index.paths)).toEqual([
      `apis/${FOO_FIXTURE.apiVersion}`,
      `apis/${FOO_V1BETA1_FIXTURE.apiVersion}`,
      `apis/${WIDGET_FIXTURE.apiVersion}`,
    ]);
  });
});
