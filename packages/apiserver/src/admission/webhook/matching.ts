/**
 * Whether a webhook is called for a request, and as what (kube's Webhook.ShouldCallHook): its
 * namespaceSelector on the namespace's labels, its objectSelector on the new or the old object,
 * then its rules — on the request's own resource, else, under matchPolicy Equivalent, on an
 * equivalent resource (another version serving the same objects) — and last its
 * matchConditions. A selector that cannot be used, or a namespace that does not exist, is an
 * error only for a webhook whose rules match.
 */
import type { EquivalentResources } from '../../apis/equivalent-resources';
import { equivalentMatch, unknownEquivalentKind } from '../equivalent-match';
import { StatusError } from '../../errors/status-error';
import type { AdmissionAttributes } from '../attributes';
import type { WebhookAccessor } from './accessor';
import type { Invocation, InvocationTarget } from './admission-review';
import { admissionRequestOf } from './admission-review';
import { internalError } from './errors';
import { matchOutcome } from './match-conditions';
import type { NamespaceLabels } from './namespace-labels';
import { ruleMatches } from './rules';
import { versionedObjects } from '../versioned-objects';

export interface MatchContext {
  namespaces: NamespaceLabels;
  equivalents: EquivalentResources;
}

type Selection = { matches: boolean; error?: StatusError };

const labelsOf = (object: AdmissionAttributes['object']) =>
  (object?.metadata?.labels ?? undefined) as Record<string, string> | undefined;

async function matchNamespace(
  accessor: WebhookAccessor,
  attributes: AdmissionAttributes,
  namespaces: NamespaceLabels,
): Promise<Selection> {
  const isNamespace = attributes.resource.resource === 'namespaces' && attributes.resource.group === '';
  // Cluster-scoped objects other than namespaces are never exempted.
  if (!attributes.namespace && !isNamespace) return { matches: true };
  const selector = accessor.namespaceSelector;
  if ('invalid' in selector) return { matches: false, error: internalError(selector.invalid) };
  if (selector.empty) return { matches: true };
  // A namespace being created or updated is judged by its new labels.
  if (
    isNamespace &&
    !attributes.subresource &&
    (attributes.operation === 'CREATE' || attributes.operation === 'UPDATE')
  ) {
    return { matches: selector.matches(labelsOf(attributes.object)) };
  }
  try {
    return { matches: selector.matches(await namespaces.labelsOf(attributes.namespace)) };
  } catch (err) {
    return { matches: false, error: err instanceof StatusError ? err : internalError(String(err)) };
  }
}

function matchObject(accessor: WebhookAccessor, attributes: AdmissionAttributes): Selection {
  const selector = accessor.objectSelector;
  if ('invalid' in selector) return { matches: false, error: internalError(selector.invalid) };
  if (selector.empty) return { matches: true };
  const matches =
    (attributes.object !== undefined && selector.matches(labelsOf(attributes.object))) ||
    (attributes.oldObject !== undefined && selector.matches(labelsOf(attributes.oldObject)));
  return { matches };
}

function matchRules(
  accessor: WebhookAccessor,
  attributes: AdmissionAttributes,
  equivalents: EquivalentResources,
): InvocationTarget | undefined {
  const target = {
    resource: attributes.resource,
    subresource: attributes.subresource,
    operation: attributes.operation,
    namespace: attributes.namespace,
  };
  const { rules, matchPolicy } = accessor.webhook;
  if (rules.some((rule) => ruleMatches(rule, target))) {
    return { resource: attributes.resource, subresource: attributes.subresource, kind: attributes.kind };
  }
  if (matchPolicy !== 'Equivalent') return undefined;
  const match = equivalentMatch(rules, attributes, equivalents, (rule, resource) =>
    ruleMatches(rule, { ...target, resource }),
  );
  if (!match) return undefined;
  if (!match.kind) throw internalError(unknownEquivalentKind(match.resource));
  return { resource: match.resource, subresource: attributes.subresource, kind: match.kind };
}

/** The invocation when the webhook is to be called, undefined when not; throws a StatusError to refuse. */
export async function shouldCallHook(
  accessor: WebhookAccessor,
  attributes: AdmissionAttributes,
  context: MatchContext,
): Promise<Invocation | undefined> {
  const namespace = await matchNamespace(accessor, attributes, context.namespaces);
  if (!namespace.matches && !namespace.error) return undefined;
  const object = matchObject(accessor, attributes);
  if (!object.matches && !object.error) return undefined;
  const matched = matchRules(accessor, attributes, context.equivalents);
  if (!matched) return undefined;
  if (namespace.error) throw namespace.error;
  if (object.error) throw object.error;
  // From here on the webhook sees the objects in the version its rules named.
  const invocation: Invocation = {
    ...matched,
    ...versionedObjects(attributes, matched.kind, context.equivalents),
  };
  if (accessor.matchConditions) {
    const results = await accessor.matchConditions.evaluate({
      object: invocation.object ?? null,
      oldObject: invocation.oldObject ?? null,
      request: {
        ...admissionRequestOf(attributes, invocation),
        dryRun: attributes.dryRun,
        options: attributes.options ?? null,
      },
    });
    const outcome = matchOutcome(results, accessor.webhook.failurePolicy);
    if ('error' in outcome) {
      throw StatusError.forbidden(
        { group: attributes.resource.group, resource: attributes.resource.resource },
        attributes.name,
        outcome.error,
      );
    }
    if (!outcome.call) return undefined;
  }
  return invocation;
}
