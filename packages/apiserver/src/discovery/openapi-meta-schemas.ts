/**
 * Kubernetes' own schemas in our OpenAPI documents: meta/v1 ObjectMeta, ListMeta, Condition,
 * ManagedFieldsEntry, OwnerReference, Time, FieldsV1, Status (+ details, causes), DeleteOptions
 * (+ Preconditions), Patch, WatchEvent (+ runtime.RawExtension) and autoscaling/v1 Scale (+ spec,
 * status).
 *
 * They are kube-apiserver's schemas as data, not retyped: when kube-aggregator merges our
 * Swagger 2.0 document into kube-apiserver's, a definition whose name kube already uses is kept
 * only if it is reflect.DeepEqual to kube's (kube-openapi pkg/aggregator, mergeSpecs /
 * deepEqualDefinitionsModuloGVKs); any difference renames ours `…_v2` and `kubectl explain`
 * then shows that copy. The data, copied verbatim from kubernetes' published documents:
 * - kube-openapi/v2-definitions.json — `/openapi/v2` of kube-apiserver v1.34
 *   (kubernetes-sigs/reference-docs gen-resourcesdocs/api/v1.34/swagger.json). Each definition
 *   was checked against kubernetes/kubernetes api/openapi-spec/swagger.json of v1.31: they are
 *   equal except DeleteOptions.ignoreStoreReadErrorWithClusterBreakingPotential, added in v1.32,
 *   so these are also v1.32's.
 * - kube-openapi/v3-schemas.json — kubernetes/kubernetes api/openapi-spec/v3/
 *   apis__autoscaling__v1_openapi.json @a151867c (v1.33 development: meta/v1),
 *   apis__apps__v1_openapi.json @1c9cf914 (Scale) and apis__networking.k8s.io__v1beta1_openapi.json
 *   @93d56511 (Condition). v3 differs from v2 only by kube-openapi's v3 form: `default`s, and
 *   `allOf` around a `$ref` with siblings (test/discovery/kube-openapi-schemas.test.ts checks it).
 * One edit each: kube lists DeleteOptions and WatchEvent under every group version it serves
 * (`x-kubernetes-group-version-kind`); the data keeps the core entry, and we add our group
 * versions, as kube-apiserver does for each of its groups. The aggregator ignores these lists
 * when it compares and merges them.
 */
import type { OpenAPIDialect } from '@pwk/api';
import v2Definitions from './kube-openapi/v2-definitions.json';
import v3Schemas from './kube-openapi/v3-schemas.json';

type JsonObject = Record<string, unknown>;

export const META_SCHEMA_NAMES = {
  status: 'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
  deleteOptions: 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
  patch: 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
  scale: 'io.k8s.api.autoscaling.v1.Scale',
} as const;

/** meta/v1 kinds that metav1.AddToGroupVersion registers in every group version. */
const PER_GROUP_KINDS: Readonly<Record<string, string>> = {
  [META_SCHEMA_NAMES.deleteOptions]: 'DeleteOptions',
  'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent': 'WatchEvent',
};

/** kube-apiserver's schemas as published, by dialect (the data, untouched). */
export const KUBE_PUBLISHED_SCHEMAS: Readonly<Record<OpenAPIDialect, Readonly<Record<string, JsonObject>>>> =
  {
    'swagger-2.0': v2Definitions,
    'openapi-3.0': v3Schemas,
  };

/**
 * The Kubernetes schemas available to a document in one dialect (it serves those its paths
 * reach): fresh copies of the published ones, with the document's group versions added to the
 * kinds every group version registers.
 */
export function kubeOpenAPISchemas(
  dialect: OpenAPIDialect,
  groupVersions: readonly { group: string; version: string }[],
): Record<string, JsonObject> {
  const schemas = structuredClone(KUBE_PUBLISHED_SCHEMAS[dialect]) as Record<string, JsonObject>;
  for (const [name, kind] of Object.entries(PER_GROUP_KINDS)) {
    const schema = schemas[name];
    if (!schema) throw new Error(`the published Kubernetes schemas lack ${name}`);
    const gvks = schema['x-kubernetes-group-version-kind'] as JsonObject[];
    for (const { group, version } of groupVersions) gvks.push({ group, kind, version });
  }
  return schemas;
}
