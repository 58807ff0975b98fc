/**
 * A Storage that times every operation into the storage metrics — as kube's etcd3 store records
 * each call (`etcd_request_duration_seconds{operation,type}`, type the group-resource) — counts
 * what LISTs read and return, and, when tracing, runs each operation in a `storage.<op>` span. The backend is unchanged underneath; errors pass through
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
import type { Tracer } from '@opentelemetry/api';
import { inSpan } from '../tracing/tracer';
import type { StorageMetrics, StorageOperation } from './storage-metrics';

/** kube's type label: `resource.group` (the resource alone in the core group). */
function typeOf(key: { group: string; resource: string }): string {
  return key.group ? `${key.resource}.${key.group}` : key.resource;
}

export function instrumentStorage(storage: Storage, metrics: StorageMetrics, tracer?: Tracer): Storage {
  const timed = async <T>(
    operation: StorageOperation,
    key: { group: string; resource: string },
    call: () => Promise<T>,
  ): Promise<T> => {
    const type = typeOf(key);
    const started = process.hrtime.bigint();
    try {
      return await (tracer ? inSpan(tracer, `storage.${operation}`, call, { attributes: { type } }) : call());
    } finally {
      metrics.operation(operation, type).observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
  if (storage.stats) metrics.readStatsFrom(() => storage.stats!());
  const getSerialized = storage.getSerialized?.bind(storage);
  return {
    get: (key: ObjectKey) => timed('get', key, () => storage.get(key)),
    ...(getSerialized && {
      getSerialized: (key: ObjectKey) => timed('get', key, () => getSerialized(key)),
    }),
    list: async (options: ListOptions) => {
      const result = await timed('list', options, () => storage.list(options));
      // serializedItems first: reading `items` may decode every object.
      const returned = result.serializedItems?.length ?? result.items.length;
      const evaluated = result.evaluated ?? returned;
      metrics.listed(typeOf(options), { fetched: evaluated, evaluated, returned });
      return result;
    },
    create: (key: ObjectKey, obj: KubeObject) => timed('create', key, () => storage.create(key, obj)),
    guaranteedUpdate: (key: ObjectKey, tryUpdate: TryUpdate, options?: UpdateOptions) =>
      timed('update', key, () => storage.guaranteedUpdate(key, tryUpdate, options)),
    delete: (key: ObjectKey, options?: DeleteOptions) =>
      timed('delete', key, () => storage.delete(key, options)),
    watch: (options: WatchOptions) => timed('watch', options, () => storage.watch(options)),
    currentRevision: () => storage.currentRevision(),
    ready: () => storage.ready(),
    ...(storage.notReadyReason && { notReadyReason: () => storage.notReadyReason!() }),
    ...(storage.stats && { stats: () => storage.stats!() }),
    close: () => storage.close(),
  };
}
