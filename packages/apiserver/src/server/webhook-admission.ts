/**
 * MutatingAdmissionWebhook and ValidatingAdmissionWebhook put together: the configurations of the
 * core API (two informers) after those of the plugins' staticManifestsDir
 * (--admission-control-config-file), the namespaces for namespaceSelectors (NamespaceLifecycle's
 * informer when it runs), matchConditions evaluated with CEL (admission/cel), and what the caller
 * injects — how a webhook service is reached, another evaluator of matchConditions and a metrics
 * hook. Standalone, only static webhooks run.
 */
import type { AccessorContext } from '../admission/webhook/accessor';
import { celMatchConditions } from '../admission/cel/match-conditions';
import type { MatchConditionEvaluator } from '../admission/webhook/match-conditions';
import type { WebhookMetrics } from '../admission/webhook/metrics';
import { mutatingWebhookPlugin } from '../admission/webhook/mutating';
import { informerNamespaceLabels, standaloneNamespaceLabels } from '../admission/webhook/namespace-labels';
import { webhookPluginConfiguration } from '../admission/webhook/plugin-configuration';
import { compositeWebhookSource, informerWebhookSource } from '../admission/webhook/sources';
import type { WebhookSource } from '../admission/webhook/sources';
import { StaticManifestError } from '../admission/webhook/static-manifests';
import { staticWebhookSource } from '../admission/webhook/static-source';
import type { StaticWebhookSource } from '../admission/webhook/static-source';
import {
  MUTATING_WEBHOOK_CONFIGURATIONS_PATH,
  VALIDATING_WEBHOOK_CONFIGURATIONS_PATH,
} from '../admission/webhook/types';
import type { WebhookConfiguration, WebhookType } from '../admission/webhook/types';
import { validatingWebhookPlugin } from '../admission/webhook/validating';
import { createAgentPool, dnsServiceResolver } from '../admission/webhook/webhook-client';
import type { ServiceResolver } from '../admission/webhook/webhook-client';
import type { AdmissionPlugin } from '../admission/attributes';
import type { EquivalentResources } from '../apis/equivalent-resources';
import type { KubeWatchingClient } from '../auth/kube-client';
import { createInformer } from '../cluster/informer';
import type { CachedObject, Informer } from '../cluster/informer';
import type { AdmissionConfiguration } from '../config/admission-configuration';
import { ConfigError } from '@pwk/process';
import type { Logger } from '../logging/logger';

/** What a caller (tests, the lead's wiring) may inject. */
export interface WebhookAdmissionOptions {
  /** How a webhook `service` is reached (default: its DNS name `<name>.<namespace>.svc`). */
  serviceResolver?: ServiceResolver;
  /** Evaluates matchConditions (default: CEL, admission/cel). */
  matchConditions?: MatchConditionEvaluator;
  metrics?: WebhookMetrics;
  /** How often staticManifestsDir is read again (default 10 s). */
  reloadIntervalMs?: number;
}

export interface WebhookAdmission {
  mutating?: AdmissionPlugin;
  validating?: AdmissionPlugin;
  /** Informers to start with the others. */
  informers: Array<Informer<CachedObject>>;
  close(): void;
}

const PLUGINS: Readonly<Record<WebhookType, { name: string; path: string }>> = {
  mutating: { name: 'MutatingAdmissionWebhook', path: MUTATING_WEBHOOK_CONFIGURATIONS_PATH },
  validating: { name: 'ValidatingAdmissionWebhook', path: VALIDATING_WEBHOOK_CONFIGURATIONS_PATH },
};

export async function setUpWebhookAdmission(opts: {
  enabled: ReadonlySet<string>;
  admissionConfiguration: AdmissionConfiguration;
  logger: Logger;
  /** The served resources that are the same objects (a kind's versions), for matchPolicy Equivalent. */
  equivalents: EquivalentResources;
  /** The core API, when there is one. */
  cluster?: { client: KubeWatchingClient; namespaces: Informer<CachedObject> };
  syncTimeoutMs?: number;
  inject?: WebhookAdmissionOptions;
}): Promise<WebhookAdmission> {
  const { logger, cluster, inject = {} } = opts;
  const agents = createAgentPool();
  const context: AccessorContext = {
    matchConditions: inject.matchConditions ?? celMatchConditions(),
    resolver: inject.serviceResolver ?? dnsServiceResolver,
    agents,
  };
  const match = {
    namespaces: cluster
      ? informerNamespaceLabels({ namespaces: cluster.namespaces as never, client: cluster.client })
      : standaloneNamespaceLabels,
    equivalents: opts.equivalents,
  };
  const informers: Array<Informer<CachedObject>> = [];
  const statics: StaticWebhookSource[] = [];
  const plugins: Partial<Record<WebhookType, AdmissionPlugin>> = {};
  const close = () => {
    for (const source of statics) source.close();
    agents.close();
  };
  try {
    for (const type of ['mutating', 'validating'] as const) {
      const plugin = PLUGINS[type];
      if (!opts.enabled.has(plugin.name)) continue;
      const sources: WebhookSource[] = [];
      const { staticManifestsDir } = await webhookPluginConfiguration(
        plugin.name,
        opts.admissionConfiguration.get(plugin.name),
      );
      if (staticManifestsDir) {
        const source = await staticWebhookSource({
          dir: staticManifestsDir,
          type,
          context,
          logger,
          reloadIntervalMs: inject.reloadIntervalMs,
        });
        statics.push(source);
        sources.push(source);
      }
      if (cluster) {
        const informer = createInformer<WebhookConfiguration & CachedObject>({
          client: cluster.client,
          path: plugin.path,
          logger,
        });
        informers.push(informer);
        sources.push(informerWebhookSource({ informer, type, context }));
      }
      if (sources.length === 0) continue;
      const options = {
        source: compositeWebhookSource(sources),
        match,
        logger,
        metrics: inject.metrics,
        syncTimeoutMs: opts.syncTimeoutMs,
      };
      plugins[type] = type === 'mutating' ? mutatingWebhookPlugin(options) : validatingWebhookPlugin(options);
    }
  } catch (err) {
    close();
    if (err instanceof StaticManifestError) throw new ConfigError(err.message);
    throw err;
  }
  return { mutating: plugins.mutating, validating: plugins.validating, informers, close };
}
