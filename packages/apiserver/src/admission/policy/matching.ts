/**
 * Whether a policy's matchConstraints or a binding's matchResources cover a request, as
 * k8s.io/apiserver's policy matching.Matcher decides: the namespaceSelector (on the namespace's
 * labels; a namespace being written by its new labels), the objectSelector (new or old object),
 * then excludeResourceRules and resourceRules (with resourceNames) — on the request's own resource,
 * else, under matchPolicy Equivalent, on another version of it, which the policy then judges the
 * request as. A binding without resourceRules covers whatever its policy does. A selector that cannot be used is an error the
 * caller turns into a configuration error under the failurePolicy.
 */
import { StatusError } from '../../errors/status-error';
import type { EquivalentResources } from '../../apis/equivalent-resources';
import { equivalentMatch, unknownEquivalentKind } from '../equivalent-match';
import type { AdmissionAttributes, GroupVersionKind, GroupVersionResource } from '../attributes';
import type { ParsedSelector } from '../webhook/accessor';
import type { NamespaceLabels } from '../webhook/namespace-labels';
import { ruleMatches } from '../webhook/rules';
import type { ParsedMatchResources } from './compile-policy';
import type { NamedRuleWithOperations } from './types';

export class PolicyMatchError extends Error {}

const labelsOf = (object: AdmissionAttributes['object']) =>
  (object?.metadata?.labels ?? undefined) as Record<string, string> | undefined;

function usable(selector: ParsedSelector) {
  if ('invalid' in selector) throw new PolicyMatchError(selector.invalid);
  return selector;
}

async function namespaceMatches(
  selector: ParsedSelector,
  attributes: AdmissionAttributes,
  namespaces: NamespaceLabels,
): Promise<boolean> {
  const isNamespace = attributes.resource.resource === 'namespaces' && attributes.resource.group === '';
  if (!attributes.namespace && !isNamespace) return true;
  const matcher = usable(selector);
  if (matcher.empty) return true;
  if (isNamespace && !attributes.subresource && attributes.operation !== 'DELETE') {
    return matcher.matches(labelsOf(attributes.object));
  }
  return matcher.matches(await namespaces.labelsOf(attributes.namespace));
}

/** The resource and kind a policy judges a request as (they differ from the request's under matchPolicy Equivalent). */
export interface MatchedResource {
  resource: GroupVersionResource;
  kind: GroupVersionKind;
}

function ruleCovers(
  rule: NamedRuleWithOperations,
  attributes: AdmissionAttributes,
  resource: GroupVersionResource,
) {
  const target = {
    resource,
    subresource: attributes.subresource,
    operation: attributes.operation,
    namespace: attributes.namespace,
  };
  return (
    ruleMatches({ ...rule, scope: rule.scope ?? '*' }, target) &&
    (!rule.resourceNames?.length || rule.resourceNames.includes(attributes.name))
  );
}

/** Which of the rules covers the request, and as what: its own resource first, then (Equivalent) another version of it. */
function matchRules(
  rules: readonly NamedRuleWithOperations[],
  matchPolicy: ParsedMatchResources['matchPolicy'],
  attributes: AdmissionAttributes,
  equivalents: EquivalentResources,
): MatchedResource | undefined {
  if (rules.some((rule) => ruleCovers(rule, attributes, attributes.resource))) {
    return { resource: attributes.resource, kind: attributes.kind };
  }
  if (matchPolicy !== 'Equivalent') return undefined;
  const match = equivalentMatch(rules, attributes, equivalents, (rule, resource) =>
    ruleCovers(rule, attributes, resource),
  );
  if (!match) return undefined;
  if (!match.kind) throw new PolicyMatchError(unknownEquivalentKind(match.resource));
  return { resource: match.resource, kind: match.kind };
}

/**
 * What the match covers the request as, undefined when it does not. Throws PolicyMatchError for
 * an unusable selector, a StatusError when a namespace cannot be read.
 */
export async function resourcesMatch(
  match: ParsedMatchResources,
  attributes: AdmissionAttributes,
  opts: { namespaces: NamespaceLabels; equivalents: EquivalentResources; emptyRulesMatch: boolean },
): Promise<MatchedResource | undefined> {
  try {
    if (!(await namespaceMatches(match.namespaceSelector, attributes, opts.namespaces))) return undefined;
  } catch (err) {
    if (err instanceof StatusError || err instanceof PolicyMatchError) throw err;
    throw new PolicyMatchError(String((err as Error).message ?? err));
  }
  const objects = usable(match.objectSelector);
  if (
    !objects.empty &&
    !(attributes.object !== undefined && objects.matches(labelsOf(attributes.object))) &&
    !(attributes.oldObject !== undefined && objects.matches(labelsOf(attributes.oldObject)))
  ) {
    return undefined;
  }
  if (matchRules(match.excludeResourceRules, match.matchPolicy, attributes, opts.equivalents))
    return undefined;
  if (match.resourceRules.length === 0) {
    return opts.emptyRulesMatch ? { resource: attributes.resource, kind: attributes.kind } : undefined;
  }
  return matchRules(match.resourceRules, match.matchPolicy, attributes, opts.equivalents);
}
