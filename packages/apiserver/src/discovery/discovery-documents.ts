/**
 * The discovery documents kubectl and the aggregator read, derived from the installed API's
 * descriptions (apis/resource-description.ts): the legacy
 * APIGroupList / APIGroup / APIResourceList (metav1) and the aggregated APIGroupDiscoveryList
 * (apidiscovery.k8s.io v2 and v2beta1). Pure values; the HTTP layer negotiates and serves them.
 */
import type {
  GroupDescription,
  GroupVersionDescription,
  GroupVersionKind,
  ResourceDescription,
  Verb,
} from '../apis/resource-description';
import { groupVersionOf, servedSubresources } from '../apis/resource-description';

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface APIGroup {
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

export interface APIGroupDocument extends APIGroup {
  kind: 'APIGroup';
  apiVersion: 'v1';
}

export interface APIGroupList {
  kind: 'APIGroupList';
  apiVersion: 'v1';
  groups: APIGroup[];
}

/** metav1.APIResource; `singularName` and `namespaced` are always present (not omitempty in Go). */
export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: Verb[];
  shortNames?: string[];
  categories?: string[];
}

export interface APIResourceList {
  kind: 'APIResourceList';
  apiVersion: 'v1';
  groupVersion: string;
  resources: APIResource[];
}

export type AggregatedDiscoveryVersion = 'v2' | 'v2beta1';

export interface APISubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKind;
  verbs: Verb[];
}

export interface APIResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKind;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: Verb[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

export interface APIVersionDiscovery {
  version: string;
  resources: APIResourceDiscovery[];
  freshness: 'Current';
}

export interface APIGroupDiscovery {
  metadata: { name: string };
  versions: APIVersionDiscovery[];
}

export interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  apiVersion: `apidiscovery.k8s.io/${AggregatedDiscoveryVersion}`;
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}

function groupOf(group: GroupDescription): APIGroup {
  const versions = group.versions.map((gv) => ({ groupVersion: groupVersionOf(gv), version: gv.version }));
  const [preferred] = versions;
  if (!preferred) throw new Error(`the group ${group.name} serves no version`);
  return { name: group.name, versions, preferredVersion: { ...preferred } };
}

/** Lists are omitted when empty, as Go's `omitempty` does. */
function optionalList(
  name: 'shortNames' | 'categories',
  values: readonly string[],
): Record<string, string[]> {
  return values.length > 0 ? { [name]: [...values] } : {};
}

/** `GET /apis` without an aggregated-discovery Accept. */
export function apiGroupList(groups: readonly GroupDescription[]): APIGroupList {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(groupOf) };
}

/** `GET /apis/<group>`. */
export function apiGroup(group: GroupDescription): APIGroupDocument {
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupOf(group) };
}

function legacyResources(api: GroupVersionDescription, resource: ResourceDescription): APIResource[] {
  const main: APIResource = {
    name: resource.resource,
    singularName: resource.singular,
    namespaced: resource.namespaced,
    kind: resource.kind,
    verbs: [...resource.verbs],
    ...optionalList('shortNames', resource.shortNames),
    ...optionalList('categories', resource.categories),
  };
  const subs = servedSubresources(resource).map((sub): APIResource => {
    // group/version appear only when they differ from the list's own (kube sets them for scale).
    const foreign = sub.responseKind.group !== api.group || sub.responseKind.version !== api.version;
    return {
      name: `${resource.resource}/${sub.name}`,
      singularName: '',
      namespaced: resource.namespaced,
      ...(foreign ? { group: sub.responseKind.group, version: sub.responseKind.version } : {}),
      kind: sub.responseKind.kind,
      verbs: [...sub.verbs],
    };
  });
  return [main, ...subs];
}

/** `GET /apis/<group>/<version>`: what `kubectl api-resources` prints. */
export function apiResourceList(api: GroupVersionDescription): APIResourceList {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersionOf(api),
    resources: api.resources.flatMap((resource) => legacyResources(api, resource)),
  };
}

function aggregatedResource(
  api: GroupVersionDescription,
  resource: ResourceDescription,
): APIResourceDiscovery {
  const subresources = servedSubresources(resource).map((sub) => ({
    subresource: sub.name,
    responseKind: { ...sub.responseKind },
    verbs: [...sub.verbs],
  }));
  // kubectl drops any resource or subresource without responseKind, so every entry carries one.
  return {
    resource: resource.resource,
    responseKind: { group: api.group, version: api.version, kind: resource.kind },
    scope: resource.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: resource.singular,
    verbs: [...resource.verbs],
    ...optionalList('shortNames', resource.shortNames),
    ...optionalList('categories', resource.categories),
    // omitempty, as Go writes it: a resource without subresources has no list.
    ...(subresources.length > 0 ? { subresources } : {}),
  };
}

/** `GET /apis` asking for `as=APIGroupDiscoveryList` (apidiscovery.k8s.io v2 or v2beta1). */
export function aggregatedDiscovery(
  version: AggregatedDiscoveryVersion,
  groups: readonly GroupDescription[],
): APIGroupDiscoveryList {
  const items = groups.map((group): APIGroupDiscovery => ({
    metadata: { name: group.name },
    versions: group.versions.map((gv) => ({
      version: gv.version,
      resources: gv.resources.map((resource) => aggregatedResource(gv, resource)),
      freshness: 'Current',
    })),
  }));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items,
  };
}

/**
 * `GET /api` asking for aggregated discovery: we serve no legacy (core) resources. An empty list,
 * never an APIVersions naming v1, which would send kubectl to a `/api/v1` we do not have.
 */
export function emptyAggregatedDiscovery(version: AggregatedDiscoveryVersion): APIGroupDiscoveryList {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: [],
  };
}
