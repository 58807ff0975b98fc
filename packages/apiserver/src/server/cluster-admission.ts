/**
 * The admission plugins that read the cluster pwk serves (NamespaceLifecycle, ResourceQuota),
 * put together from the configuration: the core API is the one `--kubeconfig` names, else the
 * in-cluster service account, as k8s.io/apiserver's CoreAPI options choose it. Standalone there is
 * no core API, and the start-up log says once that these checks are off.
 */
import { admissionChain } from '../admission/attributes';
import type { AdmissionChain, AdmissionPlugin } from '../admission/attributes';
import { NAMESPACES_PATH, namespaceLifecycle } from '../admission/namespace-lifecycle';
import type { Namespace } from '../admission/namespace-lifecycle';
import { RESOURCE_QUOTAS_PATH, resourceQuota } from '../admission/resource-quota';
import type { ResourceQuota } from '../admission/resource-quota';
import { resolveClusterConnection } from '../auth/cluster-connection';
import { createKubeClient } from '../auth/kube-client';
import { createInformer } from '../cluster/informer';
import type { Informer } from '../cluster/informer';
import type { ServerConfig } from '../config/flags';
import type { Logger } from '../logging/logger';

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
  env: Record<string, string | undefined>;
  serviceAccountDir?: string;
  /** How long a request waits for the informers' first list (default 10 s). */
  syncTimeoutMs?: number;
}): Promise<ClusterAdmission> {
  const { config, logger } = opts;
  const enabled = new Set(config.admissionPlugins);
  const connection = await resolveClusterConnection({
    kubeconfig: config.kubeconfig,
    env: opts.env,
    serviceAccountDir: opts.serviceAccountDir,
  });
  if (!connection) {
    if (enabled.size > 0) {
      logger.info('no core API to read (no --kubeconfig, not in a pod): admission plugins are off', {
        plugins: [...enabled],
      });
    }
    return { connected: false, close: () => {} };
  }
  if (enabled.size === 0) return { connected: true, close: () => {} };
  const client = createKubeClient(connection);
  const informers: Array<Informer<never>> = [];
  const plugins: AdmissionPlugin[] = [];
  if (enabled.has('NamespaceLifecycle')) {
    const namespaces = createInformer<Namespace>({ client, path: NAMESPACES_PATH, logger });
    informers.push(namespaces as Informer<never>);
    plugins.push(namespaceLifecycle({ namespaces, client, syncTimeoutMs: opts.syncTimeoutMs }));
  }
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
      client.close();
    },
  };
}
