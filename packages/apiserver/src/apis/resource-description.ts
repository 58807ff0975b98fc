/**
 * What one installed group version serves, as data: its resources, their verbs and
 * subresources. Discovery (legacy and aggregated), the OpenAPI paths and the routes are all
 * derived from these descriptions (built by installed-api.ts from the kind definitions), so
 * `kubectl api-resources`, `kubectl explain` and the routes cannot disagree.
 */

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

/** The verbs a CRD's main resource serves; alphabetical, as discovery lists them. */
export const RESOURCE_VERBS: readonly Verb[] = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

/** The verbs of a CRD's status and scale subresources. */
export const SUBRESOURCE_VERBS: readonly Verb[] = ['get', 'patch', 'update'];

/** The subresources a resource advertises (those marked `served`). */
export function servedSubresources(resource: ResourceDescription): SubresourceDescription[] {
  return resource.subresources.filter((sub) => sub.served);
}

/** `group/version`, the form `apiVersion` and discovery's `groupVersion` use. */
export function groupVersionOf(api: { group: string; version: string }): string {
  return `${api.group}/${api.version}`;
}

export interface GroupDescription {
  name: string;
  /** In kube's version priority; the first is the preferred version. */
  versions: readonly GroupVersionDescription[];
}
