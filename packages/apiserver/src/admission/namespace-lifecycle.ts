/**
 * NamespaceLifecycle, as kube-apiserver's plugin (plugin/pkg/admission/namespace/lifecycle) runs
 * it for a CRD's objects: nothing is written into a namespace that does not exist (404
 * `namespaces "x" not found`), and nothing is created in one being terminated (403, with a
 * NamespaceTerminating cause) — so the namespace controller can empty a namespace for good.
 * Namespaces come from an informer; one not in it yet is looked up live before refusing.
 */
import { KubeApiError } from '../auth/kube-client';
import type { KubeClient } from '../auth/kube-client';
import type { Informer } from '../cluster/informer';
import { StatusError } from '../errors/status-error';
import type { AdmissionAttributes, AdmissionPlugin } from './attributes';
import { subjectName } from './attributes';

export interface Namespace {
  metadata: { name?: string; resourceVersion?: string; [k: string]: unknown };
  status?: { phase?: string };
  [k: string]: unknown;
}

export interface NamespaceLifecycleOptions {
  namespaces: Informer<Namespace>;
  /** For the live lookup of a namespace the informer has not seen. */
  client: KubeClient;
  /** How long a request waits for the first list before it is refused (kube: 10 s). */
  syncTimeoutMs?: number;
  /** A create waits this long for a namespace created just before it to reach the cache (kube: 50 ms). */
  missingNamespaceWaitMs?: number;
}

export const NAMESPACES_PATH = '/api/v1/namespaces';

export function namespaceLifecycle(options: NamespaceLifecycleOptions): AdmissionPlugin {
  const syncTimeoutMs = options.syncTimeoutMs ?? 10_000;
  const waitMs = options.missingNamespaceWaitMs ?? 50;

  async function lookUp(name: string): Promise<Namespace> {
    try {
      return (await options.client.request({
        method: 'GET',
        path: `${NAMESPACES_PATH}/${encodeURIComponent(name)}`,
      })) as Namespace;
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 404) {
        throw StatusError.notFound({ group: '', resource: 'namespaces' }, name);
      }
      throw StatusError.internal(String((err as Error).message));
    }
  }

  return {
    name: 'NamespaceLifecycle',
    async admit(attributes: AdmissionAttributes): Promise<void> {
      // Cluster-scoped objects have no namespace to check; deleting is always allowed.
      if (!attributes.namespace || attributes.operation === 'DELETE') return;
      const ref = { group: attributes.group, resource: attributes.resource };
      if (!(await options.namespaces.waitForSync(syncTimeoutMs))) {
        throw StatusError.forbidden(ref, subjectName(attributes), 'not yet ready to handle request');
      }
      let namespace = options.namespaces.get('', attributes.namespace);
      if (!namespace && attributes.operation === 'CREATE') {
        // Give the cache time to observe a namespace created just before this request.
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        namespace = options.namespaces.get('', attributes.namespace);
      }
      namespace ??= await lookUp(attributes.namespace);
      if (attributes.operation !== 'CREATE' || namespace.status?.phase !== 'Terminating') return;
      const refusal = StatusError.forbidden(
        ref,
        subjectName(attributes),
        `unable to create new content in namespace ${attributes.namespace} because it is being terminated`,
      );
      refusal.details!.causes = [
        {
          reason: 'NamespaceTerminating',
          message: `namespace ${attributes.namespace} is being terminated`,
          field: 'metadata.namespace',
        },
      ];
      throw refusal;
    },
  };
}
