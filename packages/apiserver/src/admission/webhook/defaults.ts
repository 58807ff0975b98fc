/**
 * The defaults admissionregistration.k8s.io/v1 gives a webhook (SetDefaults_ValidatingWebhook,
 * SetDefaults_MutatingWebhook, SetDefaults_Rule, SetDefaults_ServiceReference): failurePolicy
 * Fail, matchPolicy Equivalent, empty selectors (everything), timeoutSeconds 10, rule scope `*`,
 * service port 443, reinvocationPolicy Never. The core API has applied them already; static
 * manifests have not. Applying them twice changes nothing.
 */
import type {
  LabelSelectorSpec,
  RuleWithOperations,
  Webhook,
  WebhookClientConfig,
  WebhookConfiguration,
  WebhookType,
} from './types';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

function defaultRule(raw: unknown): RuleWithOperations {
  const rule = isObject(raw) ? raw : {};
  return {
    ...rule,
    operations: strings(rule.operations) as RuleWithOperations['operations'],
    apiGroups: strings(rule.apiGroups),
    apiVersions: strings(rule.apiVersions),
    resources: strings(rule.resources),
    scope: (typeof rule.scope === 'string' ? rule.scope : '*') as RuleWithOperations['scope'],
  };
}

function defaultClientConfig(raw: unknown): WebhookClientConfig {
  const config = isObject(raw) ? { ...raw } : {};
  if (isObject(config.service)) {
    const service = config.service;
    config.service = { ...service, port: service.port ?? 443 };
  }
  return config as WebhookClientConfig;
}

function defaultWebhook(raw: unknown, type: WebhookType): Webhook {
  const hook = isObject(raw) ? raw : {};
  const webhook: Webhook = {
    ...hook,
    name: String(hook.name ?? ''),
    clientConfig: defaultClientConfig(hook.clientConfig),
    rules: Array.isArray(hook.rules) ? hook.rules.map(defaultRule) : [],
    failurePolicy: (hook.failurePolicy ?? 'Fail') as Webhook['failurePolicy'],
    matchPolicy: (hook.matchPolicy ?? 'Equivalent') as Webhook['matchPolicy'],
    namespaceSelector: (isObject(hook.namespaceSelector) ? hook.namespaceSelector : {}) as LabelSelectorSpec,
    objectSelector: (isObject(hook.objectSelector) ? hook.objectSelector : {}) as LabelSelectorSpec,
    sideEffects: hook.sideEffects as Webhook['sideEffects'],
    timeoutSeconds: typeof hook.timeoutSeconds === 'number' ? hook.timeoutSeconds : 10,
    admissionReviewVersions: strings(hook.admissionReviewVersions),
    matchConditions: Array.isArray(hook.matchConditions)
      ? (hook.matchConditions as Webhook['matchConditions'])
      : [],
  };
  if (type === 'mutating') {
    webhook.reinvocationPolicy = (hook.reinvocationPolicy ?? 'Never') as Webhook['reinvocationPolicy'];
  }
  return webhook;
}

/** The configuration with its webhooks defaulted (a new object; the input is not changed). */
export function defaultWebhookConfiguration(
  raw: WebhookConfiguration,
  type: WebhookType,
): WebhookConfiguration {
  const webhooks = Array.isArray(raw.webhooks) ? raw.webhooks : [];
  return {
    ...raw,
    metadata: isObject(raw.metadata) ? raw.metadata : {},
    webhooks: webhooks.map((w) => defaultWebhook(w, type)),
  };
}
