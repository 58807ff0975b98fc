/**
 * The labels of a request's namespace, for namespaceSelectors: from the namespace informer (the
 * one NamespaceLifecycle reads), and, for a namespace the cache has not seen, from the core API
 * itself — as kube's namespace Provider does, so a namespace created a moment ago is not taken
 * for missing. Standalone there are no namespace objects: every namespace exists and carries only
 * the label kube gives every namespace, `kubernetes.io/metadata.name: <name>`.
 */
import { KubeApiError } from '../../auth/kube-client';
import type { KubeClient } from '../../auth/kube-client';
import type { Informer } from '../../cluster/informer';
import { StatusError } from '../../errors/status-error';
import { NAMESPACES_PATH } from '../namespace-lifecycle';
import { internalError } from './errors';

export interface NamespaceLabels {
  hasSynced(): boolean;
  waitForSync(timeoutMs: number): Promise<boolean>;
  /** Throws a StatusError: 404 `namespaces "x" not found`, or 500 when the core API fails. */
  labelsOf(namespace: string): Promise<Record<string, string>>;
}

interface NamespaceObject {
  metadata: { name?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

/** The label the namespace controller puts on every namespace (NamespaceDefaultLabelName). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function informerNamespaceLabels(opts: {
  namespaces: Informer<NamespaceObject>;
  client: KubeClient;
}): NamespaceLabels {
  return {
    hasSynced: () => opts.namespaces.hasSynced(),
    waitForSync: (timeoutMs) => opts.namespaces.waitForSync(timeoutMs),
    async labelsOf(name) {
      const cached = opts.namespaces.get('', name);
      if (cached) return cached.metadata.labels ?? {};
      try {
        const live = (await opts.client.request({
          method: 'GET',
          path: `${NAMESPACES_PATH}/${encodeURIComponent(name)}`,
        })) as NamespaceObject;
        return live.metadata?.labels ?? {};
      } catch (err) {
        if (err instanceof KubeApiError && err.code === 404) {
          throw StatusError.notFound({ group: '', resource: 'namespaces' }, name);
        }
        throw internalError(String((err as Error).message));
      }
    },
  };
}

export const standaloneNamespaceLabels: NamespaceLabels = {
  hasSynced: () => true,
  waitForSync: async () => true,
  labelsOf: async (name) => ({ [NAMESPACE_NAME_LABEL]: name }),
};
