/**
 * The admission plugins that read the cluster pwk serves (NamespaceLifecycle, the webhooks,
 * ValidatingAdmissionPolicy, ResourceQuota), put together from the configuration in kube-apiserver's order: the core API
 * is the one `--kubeconfig` names, else the in-cluster service account, as k8s.io/apiserver's
 * CoreAPI options choose it. Standalone there is no core API: only webhooks and policies from static
 * manifests (--admission-control-config-file) run, and the start-up log says once which checks
 * are off.
 */
import { admissionChain } from '../admission/attributes';
import type { EquivalentResources } from '../apis/equivalent-resources';
import type { AdmissionChain, AdmissionPlugin } from '../admission/attributes';
import { NAMESPACES_PATH, namespaceLifecycle } from '../admission/namespace-lifecycle';
import type { Namespace } from '../admission/namespace-lifecycle';
import { RESOURCE_QUOTAS_PATH, resourceQuota } from '../admission/resource-quota';
import type { ResourceQuota } from '../admission/resource-quota';
import { resolveClusterConnection } from '../auth/cluster-connection';
import { createKubeClient } from '../auth/kube-client';
import { createInformer } from '../cluster/informer';
import type { Informer } from '../cluster/informer';
import { loadAdmissionConfiguration } from '../config/admission-configuration';
import type { ServerConfig } from '../config/flags';
import type { Logger } from '../logging/logger';
import { setUpPolicyAdmission } from './policy-admission';
import type { PolicyAdmissionOptions } from './policy-admission';
import { setUpWebhookAdmission } from './webhook-admission';
import type { WebhookAdmissionOptions } from './webhook-admission';

export interface ClusterAdmission {
  /** Undefined when nothing is to be checked (standalone, or every plugin disabled). */
  chain?: AdmissionChain;
  /** Whether there is a core API (a cluster) at all. */
  connected: boolean;
  close(): void;
}

export async function setUpClusterAdmission(opts: {
  config: ServerConfig;
  logger: Logger;
  /** The served resources that are the same objects (a kind's versions), for matchPolicy Equivalent. */
  equivalents: EquivalentResources;
  env: Record<string, string | undefined>;
  serviceAccountDir?: string;
  /** How long a request waits for the informers' first list (default 10 s). */
  syncTimeoutMs?: number;
  /** What the webhook plugins are given (service resolution, matchConditions, metrics). */
  webhooks?: WebhookAdmissionOptions;
  /** What ValidatingAdmissionPolicy is given (metrics, reload interval). */
  policies?: PolicyAdmissionOptions;
}): Promise<ClusterAdmission> {
  const { config, logger, equivalents } = opts;
  const enabled = new Set(config.admissionPlugins);
  const admissionConfiguration = config.admissionControlConfigFile
    ? await loadAdmissionConfiguration(config.admissionControlConfigFile)
    : new Map();
  const connection = await resolveClusterConnection({
    kubeconfig: config.kubeconfig,
    env: opts.env,
    serviceAccountDir: opts.serviceAccountDir,
  });
  if (!connection) {
    const webhooks = await setUpWebhookAdmission({
      enabled,
      admissionConfiguration,
      logger,
      equivalents,
      syncTimeoutMs: opts.syncTimeoutMs,
      inject: opts.webhooks,
    });
    let policies;
    try {
      policies = await setUpPolicyAdmission({
        enabled,
        admissionConfiguration,
        logger,
        equivalents,
        syncTimeoutMs: opts.syncTimeoutMs,
        inject: opts.policies,
      });
    } catch (err) {
      webhooks.close();
      throw err;
    }
    const plugins = [webhooks.mutating, policies.plugin, webhooks.validating].filter(
      (p): p is AdmissionPlugin => !!p,
    );
    const off = [...enabled].filter((name) => !plugins.some((p) => p.name === name));
    if (off.length > 0) {
      logger.info('no core API to read (no --kubeconfig, not in a pod): admission plugins are off', {
        plugins: off,
      });
    }
    const closeBoth = () => {
      webhooks.close();
      policies.close();
    };
    if (plugins.length === 0) {
      closeBoth();
      return { connected: false, close: () => {} };
    }
    logger.info('admission', { plugins: plugins.map((p) => p.name), coreApi: 'none' });
    return { chain: admissionChain(plugins), connected: false, close: closeBoth };
  }
  if (enabled.size === 0) return { connected: true, close: () => {} };
  const client = createKubeClient(connection);
  const informers: Array<Informer<never>> = [];
  const plugins: AdmissionPlugin[] = [];
  const usesWebhooks = enabled.has('MutatingAdmissionWebhook') || enabled.has('ValidatingAdmissionWebhook');
  const usesPolicies = enabled.has('ValidatingAdmissionPolicy');
  // One namespace informer for NamespaceLifecycle and the webhooks' and policies' namespaceSelectors.
  const namespaces =
    enabled.has('NamespaceLifecycle') || usesWebhooks || usesPolicies
      ? createInformer<Namespace>({ client, path: NAMESPACES_PATH, logger })
      : undefined;
  if (namespaces) informers.push(namespaces as Informer<never>);
  if (namespaces && enabled.has('NamespaceLifecycle')) {
    plugins.push(namespaceLifecycle({ namespaces, client, syncTimeoutMs: opts.syncTimeoutMs }));
  }
  let webhooks: Awaited<ReturnType<typeof setUpWebhookAdmission>> | undefined;
  if (namespaces && usesWebhooks) {
    try {
      webhooks = await setUpWebhookAdmission({
        enabled,
        admissionConfiguration,
        logger,
        equivalents,
        cluster: { client, namespaces },
        syncTimeoutMs: opts.syncTimeoutMs,
        inject: opts.webhooks,
      });
    } catch (err) {
      client.close();
      throw err;
    }
    informers.push(...(webhooks.informers as Array<Informer<never>>));
    if (webhooks.mutating) plugins.push(webhooks.mutating);
  }
  let policies: Awaited<ReturnType<typeof setUpPolicyAdmission>> | undefined;
  if (namespaces && usesPolicies) {
    try {
      policies = await setUpPolicyAdmission({
        enabled,
        admissionConfiguration,
        logger,
        equivalents,
        cluster: { client, namespaces },
        syncTimeoutMs: opts.syncTimeoutMs,
        inject: opts.policies,
      });
    } catch (err) {
      webhooks?.close();
      client.close();
      throw err;
    }
    informers.push(...(policies.informers as Array<Informer<never>>));
    if (policies.plugin) plugins.push(policies.plugin);
  }
  // Policies validate before the validating webhooks, as kube orders them.
  if (webhooks?.validating) plugins.push(webhooks.validating);
  // Quota charges only what every other plugin let through: it runs last.
  if (enabled.has('ResourceQuota')) {
    const quotas = createInformer<ResourceQuota>({ client, path: RESOURCE_QUOTAS_PATH, logger });
    informers.push(quotas as Informer<never>);
    plugins.push(resourceQuota({ quotas, client, syncTimeoutMs: opts.syncTimeoutMs }));
  }
  for (const informer of informers) informer.start();
  logger.info('admission', { plugins: plugins.map((p) => p.name), coreApi: connection.server });
  return {
    chain: admissionChain(plugins),
    connected: true,
    close: () => {
      for (const informer of informers) informer.stop();
      webhooks?.close();
      policies?.close();
      client.close();
    },
  };
}
