/**
 * matchPolicy Equivalent, as k8s.io/apiserver's admission matching applies it to webhooks and
 * policies alike: a request whose own resource no rule names is still covered when a rule names
 * another version of the same objects — earlier rules first, then the versions in kube's priority
 * order — and is judged as a request to that resource, with the kind it has there.
 */
import type { EquivalentResources, KindRef, ResourceRef } from '../apis/equivalent-resources';
import type { AdmissionAttributes } from './attributes';

export interface EquivalentMatch {
  resource: ResourceRef;
  /** Undefined when the equivalent resource's kind is unknown: the caller refuses the request. */
  kind: KindRef | undefined;
}

const sameResource = (a: ResourceRef, b: ResourceRef) =>
  a.group === b.group && a.version === b.version && a.resource === b.resource;

/** The first other version of the request's resource a rule covers; undefined when none does. */
export function equivalentMatch<Rule>(
  rules: readonly Rule[],
  attributes: AdmissionAttributes,
  equivalents: EquivalentResources,
  covers: (rule: Rule, resource: ResourceRef) => boolean,
): EquivalentMatch | undefined {
  const others = equivalents
    .equivalentResourcesFor(attributes.resource, attributes.subresource)
    .filter((r) => !sameResource(r, attributes.resource));
  for (const rule of rules) {
    for (const resource of others) {
      if (covers(rule, resource))
        return { resource, kind: equivalents.kindFor(resource, attributes.subresource) };
    }
  }
  return undefined;
}

/** kube's words for an equivalent resource whose kind it cannot name. */
export const unknownEquivalentKind = (resource: ResourceRef): string =>
  `unable to convert to ${resource.group}/${resource.version}, Resource=${resource.resource}: unknown kind`;
