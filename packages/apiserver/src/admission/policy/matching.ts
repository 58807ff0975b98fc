/**
 * Whether a policy's matchConstraints or a binding's matchResources cover a request, as
 * k8s.io/apiserver's policy matching.Matcher decides: the namespaceSelector (on the namespace's
 * labels; a namespace being written by its new labels), the objectSelector (new or old object),
 * then excludeResourceRules and resourceRules (with resourceNames). A binding without
 * resourceRules covers whatever its policy does. A selector that cannot be used is an error the
 * caller turns into a configuration error under the failurePolicy.
 */
import { StatusError } from '../../errors/status-error';
import type { AdmissionAttributes } from '../attributes';
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

function rulesMatch(rules: readonly NamedRuleWithOperations[], attributes: AdmissionAttributes): boolean {
  const target = {
    resource: attributes.resource,
    subresource: attributes.subresource,
    operation: attributes.operation,
    namespace: attributes.namespace,
  };
  return rules.some(
    (rule) =>
      ruleMatches({ ...rule, scope: rule.scope ?? '*' }, target) &&
      (!rule.resourceNames?.length || rule.resourceNames.includes(attributes.name)),
  );
}

/** Throws PolicyMatchError for an unusable selector, a StatusError when a namespace cannot be read. */
export async function resourcesMatch(
  match: ParsedMatchResources,
  attributes: AdmissionAttributes,
  opts: { namespaces: NamespaceLabels; emptyRulesMatch: boolean },
): Promise<boolean> {
  try {
    if (!(await namespaceMatches(match.namespaceSelector, attributes, opts.namespaces))) return false;
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
    return false;
  }
  if (rulesMatch(match.excludeResourceRules, attributes)) return false;
  if (match.resourceRules.length === 0) return opts.emptyRulesMatch;
  return rulesMatch(match.resourceRules, attributes);
}
