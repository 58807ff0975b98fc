/**
 * Kubernetes' own schemas in our documents must be kube-apiserver's, or kube-aggregator renames
 * ours (`io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta_v2`, …) when it merges our Swagger 2.0
 * document and `kubectl explain` shows the renamed copies. These tests pin the served schemas
 * to the published data and replay the aggregator's merge decision.
 */
import { isDeepStrictEqual } from 'node:util';
import { GROUP, OPENAPI_NAMES, VERSION } from '@pwk/api';
import type { OpenAPIDialect } from '@pwk/api';
import { buildOpenAPIV2Document, buildOpenAPIV3Document } from '../support/openapi-documents';
import { KUBE_PUBLISHED_SCHEMAS, kubeOpenAPISchemas } from '../../src/discovery/openapi-meta-schemas';
import { deepEqualModuloGVKs, mergeSpecs } from '../support/kube-aggregator-merge';
import type { SwaggerLike } from '../support/kube-aggregator-merge';

type Json = Record<string, unknown>;

const GVK = 'x-kubernetes-group-version-kind';
const PER_GROUP_KINDS = ['DeleteOptions', 'WatchEvent'].map(
  (k) => `io.k8s.apimachinery.pkg.apis.meta.v1.${k}`,
);

const DIALECTS: { dialect: OpenAPIDialect; schemas: () => Record<string, Json>; prefix: string }[] = [
  {
    dialect: 'swagger-2.0',
    schemas: () => buildOpenAPIV2Document().definitions as Record<string, Json>,
    prefix: '#/definitions/',
  },
  {
    dialect: 'openapi-3.0',
    schemas: () => (buildOpenAPIV3Document().components as { schemas: Record<string, Json> }).schemas,
    prefix: '#/components/schemas/',
  },
];

function refsIn(node: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, found));
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') found.add(v);
      else refsIn(v, found);
    }
  }
  return found;
}

/** Undoes kube-openapi's v3 form: drops `default`, unwraps a one-element allOf, v2 refs. */
function asV2(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(asV2);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'default') continue;
    if (k === 'allOf' && Array.isArray(v) && v.length === 1) Object.assign(out, asV2(v[0]));
    else if (k === '$ref') out.$ref = String(v).replace('#/components/schemas/', '#/definitions/');
    else out[k] = asV2(v);
  }
  return out;
}

describe.each(DIALECTS)('the Kubernetes schemas in the $dialect document', ({ dialect, schemas, prefix }) => {
  const published = KUBE_PUBLISHED_SCHEMAS[dialect];

  it('come from the published data only, none written by us, and include every kind the paths return', () => {
    const kubeNames = Object.keys(schemas()).filter((n) => n.startsWith('io.k8s.'));
    expect(Object.keys(published)).toEqual(expect.arrayContaining(kubeNames));
    expect(kubeNames).toEqual(
      expect.arrayContaining(
        ['ObjectMeta', 'ListMeta', 'Condition', 'ManagedFieldsEntry', 'OwnerReference', 'Time', 'FieldsV1']
          .concat(['Status', 'StatusDetails', 'StatusCause', 'DeleteOptions', 'Preconditions', 'Patch'])
          .map((k) => `io.k8s.apimachinery.pkg.apis.meta.v1.${k}`)
          .concat(['Scale', 'ScaleSpec', 'ScaleStatus'].map((k) => `io.k8s.api.autoscaling.v1.${k}`)),
      ),
    );
  });

  it('equal kube-apiserver’s byte for byte, the per-group GVK lists of DeleteOptions and WatchEvent aside', () => {
    const served = schemas();
    for (const [name, schema] of Object.entries(published).filter(([n]) => n in served)) {
      if (PER_GROUP_KINDS.includes(name))
        expect([name, deepEqualModuloGVKs(served[name]!, schema)]).toEqual([name, true]);
      else expect([name, served[name]]).toEqual([name, schema]);
    }
  });

  it('list DeleteOptions and WatchEvent under the core group and ours, as kube does for each of its groups', () => {
    for (const name of PER_GROUP_KINDS) {
      const kind = name.split('.').pop();
      expect(kubeOpenAPISchemas(dialect, [{ group: GROUP, version: VERSION }])[name]![GVK]).toEqual([
        { group: '', kind, version: 'v1' },
        { group: GROUP, kind, version: VERSION },
      ]);
    }
  });

  it('serve ObjectMeta with kube’s description, which kubectl explain foo.metadata shows', () => {
    expect(schemas()[OPENAPI_NAMES.objectMeta]!.description).toBe(
      'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
    );
  });

  it('leave no $ref dangling and no Kubernetes schema unreferenced', () => {
    const served = schemas();
    const refs = refsIn(served);
    for (const ref of refs) {
      expect(ref.startsWith(prefix)).toBe(true);
      expect(Object.keys(served)).toContain(ref.slice(prefix.length));
    }
    const doc = dialect === 'swagger-2.0' ? buildOpenAPIV2Document() : buildOpenAPIV3Document();
    const reachable = new Set<string>();
    const visit = (ref: string): void => {
      const name = ref.slice(prefix.length);
      if (reachable.has(name)) return;
      reachable.add(name);
      refsIn(served[name]).forEach(visit);
    };
    refsIn(doc.paths).forEach(visit);
    expect([...reachable].sort()).toEqual(Object.keys(served).sort());
  });
});

describe('the published Kubernetes data', () => {
  it('agrees between v2 and v3 once v3’s defaults and allOf wrapping are undone (two transcriptions, one schema)', () => {
    const v2 = KUBE_PUBLISHED_SCHEMAS['swagger-2.0'];
    const v3 = KUBE_PUBLISHED_SCHEMAS['openapi-3.0'];
    expect(Object.keys(v3)).toEqual(Object.keys(v2));
    for (const name of Object.keys(v2)) expect([name, asV2(v3[name])]).toEqual([name, v2[name]]);
  });

  it('is not what a hand-written schema would be: v3 carries kube’s defaults and v2 none', () => {
    const v3Status = KUBE_PUBLISHED_SCHEMAS['openapi-3.0']['io.k8s.api.autoscaling.v1.ScaleStatus'] as Json;
    expect(v3Status).toHaveProperty(['properties', 'replicas', 'default'], 0);
    expect(JSON.stringify(KUBE_PUBLISHED_SCHEMAS['swagger-2.0'])).not.toContain('"default"');
  });
});

describe('kube-aggregator merging our Swagger 2.0 document into kube-apiserver’s', () => {
  /** kube-apiserver's side: its own definitions, as published, and a path of its own. */
  const kubeApiserver = (): SwaggerLike => ({
    definitions: structuredClone(KUBE_PUBLISHED_SCHEMAS['swagger-2.0']) as Record<string, Json>,
    paths: { '/api/v1/namespaces': {} },
  });
  const ours = (): SwaggerLike => buildOpenAPIV2Document() as unknown as SwaggerLike;

  it('renames none of our definitions and keeps Foo.metadata pointing at kube’s ObjectMeta', () => {
    const { merged, renames } = mergeSpecs(kubeApiserver(), ours());
    expect([...renames]).toEqual([]);
    expect(Object.keys(merged.definitions).filter((n) => /_v\d+$/.test(n))).toEqual([]);
    for (const name of ['io.educative.pwk.bar.v1.Foo', 'io.educative.pwk.bar.v1beta1.Foo']) {
      const foo = merged.definitions[name] as { properties: Record<string, Json> };
      expect(foo.properties.metadata).toEqual({ $ref: `#/definitions/${OPENAPI_NAMES.objectMeta}` });
    }
    expect(merged.definitions[OPENAPI_NAMES.objectMeta]).toEqual(
      kubeApiserver().definitions[OPENAPI_NAMES.objectMeta],
    );
  });

  it('adds our group versions (Foo v1 and v1beta1) to kube’s DeleteOptions instead of renaming it', () => {
    const { merged } = mergeSpecs(kubeApiserver(), ours());
    expect(merged.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']![GVK]).toEqual([
      { group: '', kind: 'DeleteOptions', version: 'v1' },
      { group: GROUP, kind: 'DeleteOptions', version: 'v1' },
      { group: GROUP, kind: 'DeleteOptions', version: 'v1beta1' },
    ]);
  });

  it('would rename an ObjectMeta that differs from kube’s by one description (the defect this guards)', () => {
    const changed = ours();
    const meta = changed.definitions[OPENAPI_NAMES.objectMeta] as { description: string };
    meta.description = 'Standard object metadata.';
    const { merged, renames } = mergeSpecs(kubeApiserver(), changed);
    expect(renames.get(OPENAPI_NAMES.objectMeta)).toBe(`${OPENAPI_NAMES.objectMeta}_v2`);
    const foo = merged.definitions[OPENAPI_NAMES.foo] as { properties: Record<string, Json> };
    expect(foo.properties.metadata).toEqual({ $ref: `#/definitions/${OPENAPI_NAMES.objectMeta}_v2` });
    expect(isDeepStrictEqual(merged.definitions[OPENAPI_NAMES.objectMeta], meta)).toBe(false);
  });
});
