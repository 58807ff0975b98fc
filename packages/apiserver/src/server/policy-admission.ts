/**
 * ValidatingAdmissionPolicy put together: the policies and bindings of the core API (two
 * informers) after those of the plugin's staticManifestsDir (--admission-control-config-file,
 * a ValidatingAdmissionPolicyConfiguration), the namespaces for namespaceSelectors and
 * `namespaceObject` (NamespaceLifecycle's informer), params from an informer per param kind made
 * when a policy first names it (ConfigMaps), and an optional metrics hook. Standalone, only
 * static policies run, without params.
 */
import { compositePolicySource, informerPolicySource } from '../admission/policy/sources';
import type { PolicySource } from '../admission/policy/sources';
import type { PolicyMetrics } from '../admission/policy/metrics';
import { PARAM_KINDS, paramKindKey } from '../admission/policy/params';
import type { ParamInformer, ParamInformers } from '../admission/policy/params';
import { PLUGIN_NAME, validatingAdmissionPolicyPlugin } from '../admission/policy/plugin';
import type { NamespaceObjects } from '../admission/policy/plugin';
import { staticPolicySource } from '../admission/policy/static-source';
import type { StaticPolicySource } from '../admission/policy/static-source';
import {
  VALIDATING_ADMISSION_POLICIES_PATH,
  VALIDATING_ADMISSION_POLICY_BINDINGS_PATH,
} from '../admission/policy/types';
import type { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from '../admission/policy/types';
import {
  NAMESPACE_NAME_LABEL,
  informerNamespaceLabels,
  standaloneNamespaceLabels,
} from '../admission/webhook/namespace-labels';
import { POLICY_PLUGIN_KINDS, webhookPluginConfiguration } from '../admission/webhook/plugin-configuration';
import { StaticManifestError } from '../admission/webhook/static-manifests';
import type { AdmissionPlugin } from '../admission/attributes';
import { KubeApiError } from '../auth/kube-client';
import type { EquivalentResources } from '../apis/equivalent-resources';
import type { KubeWatchingClient } from '../auth/kube-client';
import { createInformer } from '../cluster/informer';
import type { CachedObject, Informer } from '../cluster/informer';
import type { AdmissionConfiguration } from '../config/admission-configuration';
import { ConfigError } from '@pwk/process';
import type { Logger } from '../logging/logger';
import { NAMESPACES_PATH } from '../admission/namespace-lifecycle';

export interface PolicyAdmissionOptions {
  metrics?: PolicyMetrics;
  /** How often staticManifestsDir is read again (default 10 s). */
  reloadIntervalMs?: number;
}

export interface PolicyAdmission {
  plugin?: AdmissionPlugin;
  /** Informers to start with the others (param informers start when first needed). */
  informers: Array<Informer<CachedObject>>;
  close(): void;
}

const standaloneNamespace: NamespaceObjects = async (name) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { [NAMESPACE_NAME_LABEL]: name } },
});

function clusterNamespaces(client: KubeWatchingClient, namespaces: Informer<CachedObject>): NamespaceObjects {
  return async (name) => {
    const cached = namespaces.get('', name);
    if (cached) return cached;
    try {
      return (await client.request({
        method: 'GET',
        path: `${NAMESPACES_PATH}/${encodeURIComponent(name)}`,
      })) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 404) return null;
      throw err;
    }
  };
}

export async function setUpPolicyAdmission(opts: {
  enabled: ReadonlySet<string>;
  admissionConfiguration: AdmissionConfiguration;
  logger: Logger;
  /** The served resources that are the same objects (a kind's versions), for matchPolicy Equivalent. */
  equivalents: EquivalentResources;
  cluster?: { client: KubeWatchingClient; namespaces: Informer<CachedObject> };
  syncTimeoutMs?: number;
  inject?: PolicyAdmissionOptions;
}): Promise<PolicyAdmission> {
  const { logger, cluster, inject = {} } = opts;
  if (!opts.enabled.has(PLUGIN_NAME)) return { informers: [], close: () => {} };
  const sources: PolicySource[] = [];
  const informers: Array<Informer<CachedObject>> = [];
  const paramInformers = new Map<string, ParamInformer>();
  let statics: StaticPolicySource | undefined;
  const close = () => {
    statics?.close();
    for (const p of paramInformers.values()) (p.informer as Informer<CachedObject>).stop();
  };
  try {
    const { staticManifestsDir } = await webhookPluginConfiguration(
      PLUGIN_NAME,
      opts.admissionConfiguration.get(PLUGIN_NAME),
      POLICY_PLUGIN_KINDS,
    );
    if (staticManifestsDir) {
      statics = await staticPolicySource({
        dir: staticManifestsDir,
        logger,
        reloadIntervalMs: inject.reloadIntervalMs,
      });
      sources.push(statics);
    }
  } catch (err) {
    close();
    if (err instanceof StaticManifestError) throw new ConfigError(err.message);
    throw err;
  }
  if (cluster) {
    const policies = createInformer<ValidatingAdmissionPolicy & CachedObject>({
      client: cluster.client,
      path: VALIDATING_ADMISSION_POLICIES_PATH,
      logger,
    });
    const bindings = createInformer<ValidatingAdmissionPolicyBinding & CachedObject>({
      client: cluster.client,
      path: VALIDATING_ADMISSION_POLICY_BINDINGS_PATH,
      logger,
    });
    informers.push(policies, bindings);
    sources.push(informerPolicySource({ policies, bindings }));
  }
  if (sources.length === 0) return { informers, close };
  const params: ParamInformers = (kind) => {
    if (!cluster) return undefined;
    const key = paramKindKey(kind);
    const known = PARAM_KINDS[key];
    if (!known) return undefined;
    let entry = paramInformers.get(key);
    if (!entry) {
      const informer = createInformer<CachedObject>({ client: cluster.client, path: known.path, logger });
      informer.start();
      entry = { namespaced: known.namespaced, informer };
      paramInformers.set(key, entry);
    }
    return entry;
  };
  const plugin = validatingAdmissionPolicyPlugin({
    source: compositePolicySource(sources),
    namespaces: cluster
      ? informerNamespaceLabels({ namespaces: cluster.namespaces as never, client: cluster.client })
      : standaloneNamespaceLabels,
    equivalents: opts.equivalents,
    namespaceObjects: cluster ? clusterNamespaces(cluster.client, cluster.namespaces) : standaloneNamespace,
    params,
    logger,
    metrics: inject.metrics,
    syncTimeoutMs: opts.syncTimeoutMs,
  });
  return { plugin, informers, close };
}
