/**
 * admissionregistration.k8s.io/v1 Mutating/ValidatingWebhookConfiguration, as pwk reads them
 * (from the core API or from static manifests), after defaulting (defaults.ts). Only the fields
 * admission uses are typed; the rest of an object is carried along untouched.
 */

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT' | '*';
export type Scope = 'Cluster' | 'Namespaced' | '*';
export type FailurePolicy = 'Fail' | 'Ignore';
export type MatchPolicy = 'Exact' | 'Equivalent';
export type SideEffectClass = 'None' | 'NoneOnDryRun' | 'Some' | 'Unknown';
export type ReinvocationPolicy = 'Never' | 'IfNeeded';

export interface RuleWithOperations {
  operations: Operation[];
  apiGroups: string[];
  apiVersions: string[];
  /** `widgets`, `widgets/status`, `*`, `*\/scale`, `widgets/*`, `*\/*`. */
  resources: string[];
  scope: Scope;
}

/** metav1.LabelSelector. */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface ServiceReference {
  namespace: string;
  name: string;
  path?: string;
  port: number;
}

export interface WebhookClientConfig {
  url?: string;
  service?: ServiceReference;
  /** Base64 of the PEM bundle the webhook's serving certificate is checked against; absent: the system's roots. */
  caBundle?: string;
}

export interface MatchCondition {
  name: string;
  expression: string;
}

/** What mutating and validating webhooks share. */
export interface Webhook {
  name: string;
  clientConfig: WebhookClientConfig;
  rules: RuleWithOperations[];
  failurePolicy: FailurePolicy;
  matchPolicy: MatchPolicy;
  namespaceSelector: LabelSelectorSpec;
  objectSelector: LabelSelectorSpec;
  sideEffects?: SideEffectClass;
  timeoutSeconds: number;
  admissionReviewVersions: string[];
  matchConditions: MatchCondition[];
  /** Mutating webhooks only. */
  reinvocationPolicy?: ReinvocationPolicy;
}

export type WebhookType = 'mutating' | 'validating';

export const WEBHOOK_KINDS: Readonly<Record<WebhookType, string>> = {
  mutating: 'MutatingWebhookConfiguration',
  validating: 'ValidatingWebhookConfiguration',
};

export interface WebhookConfiguration {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; uid?: string; resourceVersion?: string; [k: string]: unknown };
  webhooks?: Webhook[];
  [k: string]: unknown;
}

export const ADMISSIONREGISTRATION_V1 = 'admissionregistration.k8s.io/v1';

/** Where the core API serves them (what pwk lists and watches, and RBAC grants). */
export const MUTATING_WEBHOOK_CONFIGURATIONS_PATH =
  '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations';
export const VALIDATING_WEBHOOK_CONFIGURATIONS_PATH =
  '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations';
