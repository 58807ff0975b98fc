/**
 * A webhook ready to be matched and called (kube's WebhookAccessor): its defaulted definition,
 * its selectors parsed and its matchConditions compiled once — when its configuration changes,
 * never per request — and its HTTPS client made on first use.
 */
import { defaultWebhookConfiguration } from './defaults';
import { InvalidSelectorError, labelSelectorMatcher } from './label-selector-spec';
import type { LabelMatcher } from './label-selector-spec';
import type { CompiledMatchConditions, MatchConditionEvaluator } from './match-conditions';
import type { Webhook, WebhookConfiguration, WebhookType } from './types';
import { WebhookCallError, createWebhookClient } from './webhook-client';
import type { AgentPool, ServiceResolver, WebhookClient } from './webhook-client';

/** A selector, or why it cannot be used (kube: an internal error once a rule matches). */
export type ParsedSelector = LabelMatcher | { invalid: string };

export interface WebhookAccessor {
  /** Unique per webhook: `<configuration>/<webhook>/<n>` (kube's accessor uid), `manifest/…` from files. */
  uid: string;
  configurationName: string;
  type: WebhookType;
  webhook: Webhook;
  namespaceSelector: ParsedSelector;
  objectSelector: ParsedSelector;
  /** Undefined when the webhook has no matchConditions. */
  matchConditions?: CompiledMatchConditions;
  /** The webhook's client, made once; throws WebhookCallError when the clientConfig is unusable. */
  client(): WebhookClient;
}

export interface AccessorContext {
  matchConditions: MatchConditionEvaluator;
  resolver: ServiceResolver;
  agents: AgentPool;
}

function parseSelector(spec: Webhook['namespaceSelector']): ParsedSelector {
  try {
    return labelSelectorMatcher(spec);
  } catch (err) {
    if (err instanceof InvalidSelectorError) return { invalid: err.message };
    throw err;
  }
}

/** Accessors for one configuration's webhooks, in their order. */
export function accessorsOf(
  raw: WebhookConfiguration,
  opts: { type: WebhookType; context: AccessorContext; uidPrefix?: string },
): WebhookAccessor[] {
  const config = defaultWebhookConfiguration(raw, opts.type);
  const configurationName = String(config.metadata.name ?? '');
  // Webhook names are not required to be unique: a counter tells two of one name apart.
  const seen = new Map<string, number>();
  return (config.webhooks ?? []).map((webhook) => {
    const n = seen.get(webhook.name) ?? 0;
    seen.set(webhook.name, n + 1);
    let client: WebhookClient | undefined;
    let clientError: WebhookCallError | undefined;
    return {
      uid: `${opts.uidPrefix ?? ''}${configurationName}/${webhook.name}/${n}`,
      configurationName,
      type: opts.type,
      webhook,
      namespaceSelector: parseSelector(webhook.namespaceSelector),
      objectSelector: parseSelector(webhook.objectSelector),
      matchConditions:
        webhook.matchConditions.length > 0
          ? opts.context.matchConditions.compile(webhook.matchConditions)
          : undefined,
      client() {
        if (clientError) throw clientError;
        if (!client) {
          try {
            client = createWebhookClient({
              config: webhook.clientConfig,
              resolver: opts.context.resolver,
              agents: opts.context.agents,
            });
          } catch (err) {
            clientError =
              err instanceof WebhookCallError ? err : new WebhookCallError(String((err as Error).message));
            throw clientError;
          }
        }
        return client;
      },
    };
  });
}
