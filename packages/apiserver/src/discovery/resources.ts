/**
 * What this server serves, written down once: the group/version, its resources, their verbs and
 * subresources. Discovery (legacy and aggregated) and the OpenAPI paths are both derived from
 * this description, so `kubectl api-resources`, `kubectl explain` and the routes cannot disagree.
 */
import {
  CATEGORIES,
  GROUP,
  KIND,
  LIST_KIND,
  NAMESPACED,
  RESOURCE,
  SHORT_NAMES,
  SINGULAR,
  VERSION,
} from '@pwk/api';

/** The Kubernetes API verbs, as discovery spells them. */
export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface SubresourceDescription {
  /** The path segment after `{name}`, e.g. `status`. */
  name: string;
  /** What the subresource returns; for `scale` that is autoscaling/v1 Scale, not the parent kind. */
  responseKind: GroupVersionKind;
  verbs: readonly Verb[];
  /** False hides the subresource from discovery and OpenAPI (e.g. while it is not wired yet). */
  served: boolean;
}

export interface ResourceDescription {
  /** Plural, as used in URLs. */
  resource: string;
  singular: string;
  namespaced: boolean;
  kind: string;
  listKind: string;
  verbs: readonly Verb[];
  shortNames: readonly string[];
  categories: readonly string[];
  subresources: readonly SubresourceDescription[];
}

export interface GroupVersionDescription {
  group: string;
  version: string;
  resources: readonly ResourceDescription[];
}

/** The verbs a CRD's main resource serves; alphabetical, as the contract lists them. */
const RESOURCE_VERBS: readonly Verb[] = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
const SUBRESOURCE_VERBS: readonly Verb[] = ['get', 'patch', 'update'];

export const FOO_RESOURCE: ResourceDescription = {
  resource: RESOURCE,
  singular: SINGULAR,
  namespaced: NAMESPACED,
  kind: KIND,
  listKind: LIST_KIND,
  verbs: RESOURCE_VERBS,
  shortNames: SHORT_NAMES,
  categories: CATEGORIES,
  subresources: [
    {
      name: 'status',
      responseKind: { group: GROUP, version: VERSION, kind: KIND },
      verbs: SUBRESOURCE_VERBS,
      served: true,
    },
    {
      name: 'scale',
      responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      verbs: SUBRESOURCE_VERBS,
      served: true,
    },
  ],
};

/** Everything this server serves: one group, one version, one resource. */
export const SERVED_API: GroupVersionDescription = {
  group: GROUP,
  version: VERSION,
  resources: [FOO_RESOURCE],
};

/** The subresources a resource advertises (those marked `served`). */
export function servedSubresources(resource: ResourceDescription): SubresourceDescription[] {
  return resource.subresources.filter((sub) => sub.served);
}

/** `group/version`, the form `apiVersion` and discovery's `groupVersion` use. */
export function groupVersionOf(api: GroupVersionDescription): string {
  return `${api.group}/${api.version}`;
}
