/**
 * ValidatingAdmissionPolicy, as k8s.io/apiserver's validating policy dispatcher runs it, in the
 * validating phase before ValidatingAdmissionWebhook: for each policy whose matchConstraints
 * cover the request, each of its bindings whose matchResources do, and each param the binding
 * selects, the policy is evaluated (evaluate.ts) — on the request as the version its
 * matchConstraints named shows it (matchPolicy Equivalent: `object`, `oldObject` converted,
 * `request.kind` that version) and every failed validation is acted on per the
 * binding's validationActions — Deny refuses, Warn adds a `Warning`, Audit adds the
 * `validation.policy.admission.k8s.io/validation_failure` audit annotation. A policy or binding
 * that cannot be used (a selector, params, a compile error) is a configuration error: it refuses
 * under failurePolicy Fail and is ignored under Ignore. The first refusal answers, worded as
 * kube's: `ValidatingAdmissionPolicy 'p' with binding 'b' denied request: …`, with the
 * validation's reason and its code (Invalid 422 by default).
 */
import type { CelInput } from '@bufbuild/cel';
import type { EquivalentResources } from '../../apis/equivalent-resources';
import { StatusError } from '../../errors/status-error';
import type { StatusReason } from '../../errors/status-error';
import type { Logger } from '../../logging/logger';
import { toCel } from '../cel/values';
import { addAuditAnnotation, addWarning, subjectName } from '../attributes';
import { versionedObjects } from '../versioned-objects';
import type { AdmissionAttributes, AdmissionPlugin } from '../attributes';
import { admissionRequestOf } from '../webhook/admission-review';
import type { NamespaceLabels } from '../webhook/namespace-labels';
import { validatePolicy } from './evaluate';
import type { PolicyDecision } from './evaluate';
import { PolicyMatchError, resourcesMatch } from './matching';
import type { MatchedResource } from './matching';
import type { PolicyMetrics } from './metrics';
import { policyErrorType } from './metrics';
import { ParamError, collectParams } from './params';
import type { ParamInformers } from './params';
import type { PolicySource } from './sources';
import type { ValidatingAdmissionPolicyBinding } from './types';
import { parseMatchResources } from './compile-policy';
import type { CompiledPolicy, ParsedMatchResources } from './compile-policy';

export const PLUGIN_NAME = 'ValidatingAdmissionPolicy';
export const VALIDATION_FAILURE_ANNOTATION = 'validation.policy.admission.k8s.io/validation_failure';
const MAX_AUDIT_ANNOTATION_VALUE_LENGTH = 10 * 1024;

/** The namespace object CEL sees as `namespaceObject` (null for cluster-scoped requests). */
export type NamespaceObjects = (name: string) => Promise<Record<string, unknown> | null>;

export interface PolicyPluginOptions {
  source: PolicySource;
  namespaces: NamespaceLabels;
  /** The served resources that are the same objects (a kind's versions), for matchPolicy Equivalent. */
  equivalents: EquivalentResources;
  namespaceObjects: NamespaceObjects;
  params: ParamInformers;
  logger: Logger;
  metrics?: PolicyMetrics;
  syncTimeoutMs?: number;
}

interface Denial {
  policy: string;
  binding?: string;
  message: string;
  reason?: string;
}

const CODES: Readonly<Record<string, number>> = {
  Forbidden: 403,
  Unauthorized: 401,
  RequestEntityTooLarge: 413,
  Invalid: 422,
};

function refusal(attributes: AdmissionAttributes, denial: Denial, all: readonly Denial[]): StatusError {
  const text = (d: Denial) =>
    d.binding
      ? `ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}' denied request: ${d.message}`
      : `ValidatingAdmissionPolicy '${d.policy}' denied request: ${d.message}`;
  const forbidden = StatusError.forbidden(
    { group: attributes.resource.group, resource: attributes.resource.resource },
    subjectName(attributes),
    text(denial),
  );
  const reason = (denial.reason || 'Invalid') as StatusReason;
  return new StatusError(CODES[reason] ?? 422, reason, forbidden.message, {
    details: { ...forbidden.details, causes: all.slice(0, 1).map((d) => ({ message: text(d) })) },
  });
}

async function waitUntilReady(options: PolicyPluginOptions, attributes: AdmissionAttributes): Promise<void> {
  if (options.source.hasSynced() && options.namespaces.hasSynced()) return;
  const timeoutMs = options.syncTimeoutMs ?? 10_000;
  const [a, b] = await Promise.all([
    options.source.waitForSync(timeoutMs),
    options.namespaces.waitForSync(timeoutMs),
  ]);
  if (a && b) return;
  throw StatusError.forbidden(
    { group: attributes.resource.group, resource: attributes.resource.resource },
    subjectName(attributes),
    'not yet ready to handle request',
  );
}

interface CelInputs {
  request: CelInput;
  object: CelInput;
  oldObject: CelInput;
}

/** `request`, `object` and `oldObject` as a policy that matched `matched` sees them (converted to its version). */
function celInputs(
  attributes: AdmissionAttributes,
  matched: MatchedResource,
  equivalents: EquivalentResources,
): CelInputs {
  const versioned = versionedObjects(attributes, matched.kind, equivalents);
  return {
    request: toCel({
      ...admissionRequestOf(attributes, { ...matched, subresource: attributes.subresource }),
      dryRun: attributes.dryRun,
      options: attributes.options ?? null,
    }),
    object: toCel(versioned.object ?? null),
    oldObject: toCel(versioned.oldObject ?? null),
  };
}

export function validatingAdmissionPolicyPlugin(options: PolicyPluginOptions): AdmissionPlugin {
  const { logger, metrics } = options;
  // A binding's selectors are parsed once per version of it (the informer replaces changed objects).
  const parsedBindings = new WeakMap<object, ParsedMatchResources>();
  const bindingMatchResources = (binding: ValidatingAdmissionPolicyBinding) => {
    const spec = binding.spec?.matchResources;
    if (!spec) return undefined;
    let parsed = parsedBindings.get(binding);
    if (!parsed) parsedBindings.set(binding, (parsed = parseMatchResources(spec)));
    return parsed;
  };

  const act = (o: {
    attributes: AdmissionAttributes;
    policy: CompiledPolicy;
    binding: ValidatingAdmissionPolicyBinding;
    decision: PolicyDecision;
    denials: Denial[];
  }) => {
    const { attributes, policy, binding, decision, denials } = o;
    const bindingName = String(binding.metadata.name ?? '');
    const errorType = policyErrorType(decision);
    if (decision.action === 'admit') {
      if (decision.evaluation === 'error') {
        metrics?.observePolicyCheck?.({
          policy: policy.name,
          binding: bindingName,
          errorType,
          enforcementAction: 'allow',
          durationMs: decision.durationMs,
        });
      }
      return;
    }
    const actions = binding.spec?.validationActions ?? [];
    for (const action of actions) {
      if (action === 'Deny') {
        denials.push({
          policy: policy.name,
          binding: bindingName,
          message: decision.message,
          reason: decision.reason,
        });
      } else if (action === 'Warn') {
        addWarning(
          attributes,
          `Validation failed for ValidatingAdmissionPolicy '${policy.name}' with binding '${bindingName}': ${decision.message}`,
        );
      } else if (action === 'Audit') {
        const value = JSON.stringify([
          {
            message: decision.message,
            policy: String(binding.spec?.policyName ?? ''),
            binding: bindingName,
            expressionIndex: decision.index,
            validationActions: actions,
          },
        ]);
        if (!addAuditAnnotation(attributes, { key: VALIDATION_FAILURE_ANNOTATION, value })) {
          logger.warn('failed to set admission audit annotation', {
            key: VALIDATION_FAILURE_ANNOTATION,
            policy: policy.name,
            binding: bindingName,
          });
        }
      } else {
        continue;
      }
      metrics?.observePolicyCheck?.({
        policy: policy.name,
        binding: bindingName,
        errorType,
        enforcementAction: action === 'Deny' ? 'deny' : action === 'Warn' ? 'warn' : 'audit',
        durationMs: decision.durationMs,
      });
    }
  };

  return {
    name: PLUGIN_NAME,
    async validate(attributes) {
      await waitUntilReady(options, attributes);
      const hooks = options.source.hooks();
      if (hooks.length === 0) return;
      const denials: Denial[] = [];
      const configError = (
        policy: CompiledPolicy,
        message: string,
        binding?: ValidatingAdmissionPolicyBinding,
      ) => {
        if (policy.failurePolicy === 'Ignore') return;
        denials.push({
          policy: policy.name,
          binding: binding ? String(binding.metadata.name ?? '') : undefined,
          message: binding
            ? `failed to configure binding: ${message}`
            : `failed to configure policy: ${message}`,
        });
      };
      // What CEL sees, once per version policies judge the request as (most often only the request's).
      const inputs = new Map<string, CelInputs>();
      const inputsFor = (matched: MatchedResource): CelInputs => {
        const key = `${matched.kind.group}/${matched.kind.version}/${matched.kind.kind}/${matched.resource.resource}`;
        let found = inputs.get(key);
        if (!found) inputs.set(key, (found = celInputs(attributes, matched, options.equivalents)));
        return found;
      };
      let namespaceObject: CelInput | undefined;
      const match = { namespaces: options.namespaces, equivalents: options.equivalents };
      for (const { policy, bindings } of hooks) {
        let matched: MatchedResource | undefined;
        try {
          matched = await resourcesMatch(policy.matchConstraints, attributes, {
            ...match,
            emptyRulesMatch: false,
          });
          if (!matched) continue;
        } catch (err) {
          if (err instanceof PolicyMatchError) {
            configError(policy, err.message);
            continue;
          }
          throw err;
        }
        const annotations = new Map<string, string[]>();
        for (const binding of bindings) {
          let params;
          try {
            const matchResources = bindingMatchResources(binding);
            if (matchResources) {
              if (
                !(await resourcesMatch(matchResources, attributes, {
                  ...match,
                  emptyRulesMatch: true,
                }))
              ) {
                continue;
              }
            }
            params = await collectParams({
              paramKind: policy.paramKind,
              paramRef: binding.spec?.paramRef,
              namespace: attributes.namespace,
              informers: options.params,
            });
          } catch (err) {
            if (err instanceof PolicyMatchError || err instanceof ParamError) {
              configError(policy, err.message, binding);
              continue;
            }
            throw err;
          }
          if (params.length === 0) continue;
          const { request, ...objects } = inputsFor(matched);
          if (namespaceObject === undefined) {
            const isNamespace = attributes.kind.group === '' && attributes.kind.kind === 'Namespace';
            namespaceObject =
              attributes.namespace && !isNamespace
                ? toCel(await options.namespaceObjects(attributes.namespace))
                : null;
          }
          for (const param of params) {
            const result = validatePolicy(policy, {
              ...objects,
              request,
              namespaceObject,
              params: toCel(param),
            });
            for (const decision of result.decisions) act({ attributes, policy, binding, decision, denials });
            for (const annotation of result.auditAnnotations) {
              if (annotation.action === 'publish') {
                const values = annotations.get(annotation.key) ?? [];
                const value = annotation.value!.slice(0, MAX_AUDIT_ANNOTATION_VALUE_LENGTH);
                if (!values.includes(value)) values.push(value);
                annotations.set(annotation.key, values);
              } else if (annotation.action === 'error') {
                denials.push({
                  policy: policy.name,
                  binding: String(binding.metadata.name ?? ''),
                  message: annotation.error ?? '',
                });
              }
            }
          }
        }
        for (const [key, values] of annotations) {
          addAuditAnnotation(attributes, { key: `${policy.name}/${key}`, value: values.join(', ') });
        }
      }
      if (denials.length > 0) throw refusal(attributes, denials[0]!, denials);
    },
  };
}
