/**
 * What admissionregistration.k8s.io/v1 validation demands of a webhook configuration created
 * today (ValidateValidatingWebhookConfiguration / ValidateMutatingWebhookConfiguration), for the
 * configurations pwk reads from files — the core API has validated its own already. The
 * messages are kube's field errors (`webhooks[0].sideEffects: Unsupported value: …`).
 */
import { labelSelectorMatcher } from './label-selector-spec';
import type { LabelSelectorSpec, Webhook, WebhookConfiguration, WebhookType } from './types';

const OPERATIONS = ['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'];
const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');
const unsupported = (field: string, value: unknown, allowed: readonly string[]) =>
  `${field}: Unsupported value: ${JSON.stringify(value)}: supported values: ${quoted(allowed)}`;
const required = (field: string) => `${field}: Required value`;

function validateUrl(field: string, url: string, errors: string[]): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    errors.push(`${field}: Invalid value: "${url}": host must be specified`);
    return;
  }
  if (parsed.protocol !== 'https:')
    errors.push(`${field}: Invalid value: "${url}": 'https' is the only allowed URL scheme`);
  if (!parsed.hostname) errors.push(`${field}: Invalid value: "${url}": host must be specified`);
  if (parsed.username || parsed.password)
    errors.push(`${field}: Invalid value: "${url}": user information is not permitted in the URL`);
  if (parsed.hash) errors.push(`${field}: Invalid value: "${url}": fragments are not permitted in the URL`);
  if (parsed.search)
    errors.push(`${field}: Invalid value: "${url}": query parameters are not permitted in the URL`);
}

function validateRules(field: string, webhook: Webhook, errors: string[]): void {
  webhook.rules.forEach((rule, i) => {
    const at = `${field}.rules[${i}]`;
    if (rule.operations.length === 0) errors.push(required(`${at}.operations`));
    if (rule.operations.length > 1 && rule.operations.includes('*')) {
      errors.push(
        `${at}.operations: Invalid value: ${JSON.stringify(rule.operations)}: if '*' is present, must not specify other operations`,
      );
    }
    for (const [j, op] of rule.operations.entries()) {
      if (!OPERATIONS.includes(op)) errors.push(unsupported(`${at}.operations[${j}]`, op, OPERATIONS));
    }
    for (const key of ['apiGroups', 'apiVersions', 'resources'] as const) {
      const items = rule[key];
      if (items.length === 0) errors.push(required(`${at}.${key}`));
      if (items.length > 1 && items.includes('*')) {
        errors.push(
          `${at}.${key}: Invalid value: ${JSON.stringify(items)}: if '*' is present, must not specify other ${key}`,
        );
      }
    }
    for (const [j, resource] of rule.resources.entries()) {
      if (resource === '') errors.push(required(`${at}.resources[${j}]`));
      if (resource.split('/').length > 2) {
        errors.push(
          `${at}.resources[${j}]: Invalid value: "${resource}": must be of the form <resource> or <resource>/<subresource>`,
        );
      }
    }
    if (!['*', 'Cluster', 'Namespaced'].includes(rule.scope)) {
      errors.push(unsupported(`${at}.scope`, rule.scope, ['*', 'Cluster', 'Namespaced']));
    }
  });
}

function validateSelector(field: string, selector: LabelSelectorSpec, errors: string[]): void {
  try {
    labelSelectorMatcher(selector);
  } catch (err) {
    errors.push(`${field}: Invalid value: ${(err as Error).message}`);
  }
}

function validateWebhook(webhook: Webhook, field: string, type: WebhookType): string[] {
  const errors: string[] = [];
  if (!webhook.name) errors.push(required(`${field}.name`));
  else if (webhook.name.split('.').length < 3) {
    errors.push(
      `${field}.name: Invalid value: "${webhook.name}": should be a domain with at least three segments separated by dots`,
    );
  }
  const { url, service } = webhook.clientConfig;
  if (Boolean(url) === Boolean(service)) {
    errors.push(`${field}.clientConfig: Required value: exactly one of url or service is required`);
  }
  if (url) validateUrl(`${field}.clientConfig.url`, url, errors);
  if (
    webhook.clientConfig.caBundle !== undefined &&
    !/^[A-Za-z0-9+/]*={0,2}$/.test(webhook.clientConfig.caBundle)
  ) {
    errors.push(`${field}.clientConfig.caBundle: Invalid value: illegal base64 data`);
  }
  validateRules(field, webhook, errors);
  if (!['Fail', 'Ignore'].includes(webhook.failurePolicy)) {
    errors.push(unsupported(`${field}.failurePolicy`, webhook.failurePolicy, ['Fail', 'Ignore']));
  }
  if (!['Exact', 'Equivalent'].includes(webhook.matchPolicy)) {
    errors.push(unsupported(`${field}.matchPolicy`, webhook.matchPolicy, ['Equivalent', 'Exact']));
  }
  // Webhooks created through admissionregistration.k8s.io/v1 must be free of side effects on dry run.
  if (!webhook.sideEffects) errors.push(unsupported(`${field}.sideEffects`, '', ['None', 'NoneOnDryRun']));
  else if (!['None', 'NoneOnDryRun'].includes(webhook.sideEffects)) {
    errors.push(unsupported(`${field}.sideEffects`, webhook.sideEffects, ['None', 'NoneOnDryRun']));
  }
  if (
    !Number.isInteger(webhook.timeoutSeconds) ||
    webhook.timeoutSeconds < 1 ||
    webhook.timeoutSeconds > 30
  ) {
    errors.push(
      `${field}.timeoutSeconds: Invalid value: ${webhook.timeoutSeconds}: the timeout value must be between 1 and 30 seconds`,
    );
  }
  if (webhook.admissionReviewVersions.length === 0) {
    errors.push(`${field}.admissionReviewVersions: Required value: must specify one of v1, v1beta1`);
  } else if (!webhook.admissionReviewVersions.some((v) => v === 'v1' || v === 'v1beta1')) {
    errors.push(
      `${field}.admissionReviewVersions: Invalid value: ${JSON.stringify(webhook.admissionReviewVersions)}: must include at least one of v1, v1beta1`,
    );
  }
  if (type === 'mutating' && !['Never', 'IfNeeded'].includes(webhook.reinvocationPolicy ?? '')) {
    errors.push(
      unsupported(`${field}.reinvocationPolicy`, webhook.reinvocationPolicy, ['IfNeeded', 'Never']),
    );
  }
  validateSelector(`${field}.namespaceSelector`, webhook.namespaceSelector, errors);
  validateSelector(`${field}.objectSelector`, webhook.objectSelector, errors);
  const conditionNames = new Set<string>();
  if (webhook.matchConditions.length > 64) {
    errors.push(
      `${field}.matchConditions: Too many: ${webhook.matchConditions.length}: must have at most 64 items`,
    );
  }
  webhook.matchConditions.forEach((condition, i) => {
    const at = `${field}.matchConditions[${i}]`;
    if (!condition?.name) errors.push(required(`${at}.name`));
    else if (conditionNames.has(condition.name))
      errors.push(`${at}.name: Duplicate value: "${condition.name}"`);
    else conditionNames.add(condition.name);
    if (!condition?.expression) errors.push(required(`${at}.expression`));
  });
  return errors;
}

/** The field errors of a (defaulted) configuration; empty when it is valid. */
export function validateWebhookConfiguration(config: WebhookConfiguration, type: WebhookType): string[] {
  const errors: string[] = [];
  if (!config.metadata?.name) errors.push(required('metadata.name'));
  const names = new Set<string>();
  (config.webhooks ?? []).forEach((webhook, i) => {
    const field = `webhooks[${i}]`;
    if (webhook.name && names.has(webhook.name))
      errors.push(`${field}.name: Duplicate value: "${webhook.name}"`);
    names.add(webhook.name);
    errors.push(...validateWebhook(webhook, field, type));
  });
  return errors;
}
