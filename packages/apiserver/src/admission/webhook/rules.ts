/**
 * Whether a webhook's rule covers a request, as k8s.io/apiserver's predicates/rules Matcher
 * decides it: scope, operation (`*` for all), API group and version (exact or `*`), and resource
 * with subresource — `widgets` is the main resource only, `widgets/status` its status, `widgets/*` the
 * resource and all its subresources, `*` every main resource, `*\/*` everything.
 */
import type { AdmissionOperation, GroupVersionResource } from '../attributes';
import type { RuleWithOperations } from './types';

export interface RuleTarget {
  resource: GroupVersionResource;
  subresource: string;
  operation: AdmissionOperation;
  namespace: string;
}

const exactOrWildcard = (items: readonly string[], requested: string) =>
  items.some((item) => item === '*' || item === requested);

const isNamespaceResource = (r: GroupVersionResource) =>
  r.group === '' && r.version === 'v1' && r.resource === 'namespaces';

function scopeMatches(rule: RuleWithOperations, target: RuleTarget): boolean {
  switch (rule.scope ?? '*') {
    case '*':
      return true;
    // Namespace objects are cluster-scoped, though a request for one carries its name as namespace.
    case 'Namespaced':
      return !isNamespaceResource(target.resource) && target.namespace !== '';
    case 'Cluster':
      return isNamespaceResource(target.resource) || target.namespace === '';
    default:
      return false;
  }
}

function resourceMatches(rule: RuleWithOperations, target: RuleTarget): boolean {
  return rule.resources.some((entry) => {
    const slash = entry.indexOf('/');
    const resource = slash < 0 ? entry : entry.slice(0, slash);
    const subresource = slash < 0 ? '' : entry.slice(slash + 1);
    return (
      (resource === '*' || resource === target.resource.resource) &&
      (subresource === '*' || subresource === target.subresource)
    );
  });
}

export function ruleMatches(rule: RuleWithOperations, target: RuleTarget): boolean {
  return (
    scopeMatches(rule, target) &&
    rule.operations.some((op) => op === '*' || op === target.operation) &&
    exactOrWildcard(rule.apiGroups, target.resource.group) &&
    exactOrWildcard(rule.apiVersions, target.resource.version) &&
    resourceMatches(rule, target)
  );
}
