/**
 * The LeaseStore over a real coordination.k8s.io/v1 Lease. Lease times are MicroTime:
 * written as V1MicroTime (six fractional digits, which the API server requires), and read
 * back as whatever client-node hands over (it leaves MicroTime strings undeserialised).
 */
import { CoordinationV1Api, V1MicroTime } from '@kubernetes/client-node';
import type { KubeConfig, V1Lease } from '@kubernetes/client-node';
import { isNotFound } from '../api-error';
import type { LeaseRecord, LeaseStore, StoredLease } from '../leader-election';
import { apiCall } from './errors';
import { FIELD_MANAGER } from './identity';
import { makeApi } from './kubeconfig';
import type { ApiOptions } from './kubeconfig';

function toMs(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') return Date.parse(value) || 0;
  return 0;
}

function toStored(lease: V1Lease): StoredLease {
  const spec = lease.spec ?? {};
  return {
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    record: {
      holderIdentity: spec.holderIdentity ?? '',
      leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
      acquireTime: toMs(spec.acquireTime),
      renewTime: toMs(spec.renewTime),
      leaseTransitions: spec.leaseTransitions ?? 0,
    },
  };
}

export function createLeaseStore(
  kc: KubeConfig,
  options: ApiOptions & { namespace: string; name: string },
): LeaseStore {
  const api = makeApi(kc, CoordinationV1Api, options);
  const { namespace, name } = options;
  const body = (record: LeaseRecord, resourceVersion?: string): V1Lease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion ? { resourceVersion } : {}) },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      acquireTime: new V1MicroTime(record.acquireTime),
      renewTime: new V1MicroTime(record.renewTime),
      leaseTransitions: record.leaseTransitions,
    },
  });
  return {
    describe: () => `${namespace}/${name}`,
    async get() {
      try {
        return toStored(await apiCall(() => api.readNamespacedLease({ name, namespace })));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    create: async (record) =>
      toStored(
        await apiCall(() =>
          api.createNamespacedLease({ namespace, body: body(record), fieldManager: FIELD_MANAGER }),
        ),
      ),
    update: async (record, resourceVersion) =>
      toStored(
        await apiCall(() =>
          api.replaceNamespacedLease({
            name,
            namespace,
            body: body(record, resourceVersion),
            fieldManager: FIELD_MANAGER,
          }),
        ),
      ),
  };
}
