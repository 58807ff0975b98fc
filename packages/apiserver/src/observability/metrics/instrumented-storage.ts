/**
 * A Storage that times every operation into the storage metrics — as kube's etcd3 store records
 * each call (`etcd_request_duration_seconds{operation,type}`, type the group-resource) — and
 * counts what LISTs read and return. The backend is unchanged underneath; errors pass through
 * as they are (and are timed too, as kube times failed calls).
 */
import type {
  DeleteOptions,
  KubeObject,
  ListOptions,
  ObjectKey,
  Storage,
  TryUpdate,
  UpdateOptions,
  WatchOptions,
} from '../../storage/interface';
import type { StorageMetrics, StorageOperation } from './storage-metrics';

/** kube's type label: `resource.group` (the resource alone in the core group). */
function typeOf(key: { group: string; resource: string }): string {
  return key.group ? `${key.resource}.${key.group}` : key.resource;
}

async function timed<T>(
  metrics: StorageMetrics,
  operation: StorageOperation,
  key: { group: string; resource: string },
  call: () => Promise<T>,
): Promise<T> {
  const started = process.hrtime.bigint();
  try {
    return await call();
  } finally {
    metrics.operation(operation, typeOf(key)).observe(Number(process.hrtime.bigint() - started) / 1e9);
  }
}

export function instrumentStorage(storage: Storage, metrics: StorageMetrics): Storage {
  if (storage.stats) metrics.readStatsFrom(() => storage.stats!());
  const getSerialized = storage.getSerialized?.bind(storage);
  return {
    get: (key: ObjectKey) => timed(metrics, 'get', key, () => storage.get(key)),
    ...(getSerialized && {
      getSerialized: (key: ObjectKey) => timed(metrics, 'get', key, () => getSerialized(key)),
    }),
    list: async (options: ListOptions) => {
      const result = await timed(metrics, 'list', options, () => storage.list(options));
      // serializedItems first: reading `items` may decode every object.
      const returned = result.serializedItems?.length ?? result.items.length;
      const evaluated = result.evaluated ?? returned;
      metrics.listed(typeOf(options), { fetched: evaluated, evaluated, returned });
      return result;
    },
    create: (key: ObjectKey, obj: KubeObject) =>
      timed(metrics, 'create', key, () => storage.create(key, obj)),
    guaranteedUpdate: (key: ObjectKey, tryUpdate: TryUpdate, options?: UpdateOptions) =>
      timed(metrics, 'update', key, () => storage.guaranteedUpdate(key, tryUpdate, options)),
    delete: (key: ObjectKey, options?: DeleteOptions) =>
      timed(metrics, 'delete', key, () => storage.delete(key, options)),
    watch: (options: WatchOptions) => timed(metrics, 'watch', options, () => storage.watch(options)),
    currentRevision: () => storage.currentRevision(),
    ready: () => storage.ready(),
    ...(storage.notReadyReason && { notReadyReason: () => storage.notReadyReason!() }),
    ...(storage.stats && { stats: () => storage.stats!() }),
    close: () => storage.close(),
  };
}
