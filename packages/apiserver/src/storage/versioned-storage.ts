/**
 * One served version's view of a kind's storage, as k8s.io/apiserver's storage codec gives it
 * to a registry store: objects are written at the kind's storage version and read (get, list,
 * watch, the object a write returns) at the served version, whatever version each was stored
 * at — the encoding/decoding conversion a CRD version's etcd3 store does with
 * UnstructuredObjectConverter. Strategies, validation and admission therefore see the served
 * version, as they do for a CRD.
 *
 * A kind with one version needs no view: `versionedStorage` returns the storage itself, and
 * the zero-copy read paths (getSerialized, serializedItems, serialized events) stay. With
 * several versions those are kept only for objects already at the served version.
 */
import type { KindDefinition, KindObject } from '@pwk/api';
import type {
  DeleteOptions,
  KubeObject,
  ListOptions,
  ListResult,
  ObjectFilter,
  ObjectKey,
  Storage,
  TryUpdate,
  UpdateOptions,
  Watch,
  WatchEvent,
  WatchOptions,
} from './interface';

/** `storage` as `version` of `kind` sees it. */
export function versionedStorage(storage: Storage, view: { kind: KindDefinition; version: string }): Storage {
  const { kind, version } = view;
  if (kind.versions.length === 1) return storage;
  const served = kind.version(version)?.apiVersion;
  if (!served) throw new Error(`${kind.kind} has no served version ${version}`);
  const stored = kind.storageVersion.name;
  const toServed = (obj: KubeObject): KubeObject =>
    obj.apiVersion === served ? obj : (kind.convert(obj as KindObject, version) as KubeObject);
  const toStored = (obj: KubeObject): KubeObject => kind.convert(obj as KindObject, stored) as KubeObject;
  const servedFilter = (filter: ObjectFilter | undefined): ObjectFilter | undefined =>
    filter && ((obj) => filter(toServed(obj)));

  return {
    get: async (key) => toServed(await storage.get(key)),
    getSerialized: async (key: ObjectKey) => {
      if (!storage.getSerialized) return JSON.stringify(toServed(await storage.get(key)));
      const text = await storage.getSerialized(key);
      const obj = JSON.parse(text) as KubeObject;
      return obj.apiVersion === served ? text : JSON.stringify(toServed(obj));
    },
    list: async (options: ListOptions): Promise<ListResult> => {
      const result = await storage.list({ ...options, filter: servedFilter(options.filter) });
      const { serializedItems, ...rest } = result;
      const items = result.items.map(toServed);
      const same = items.every((item, i) => item === result.items[i]);
      return same && serializedItems ? { ...rest, items, serializedItems } : { ...rest, items };
    },
    create: async (key, obj) => toServed(await storage.create(key, toStored(obj))),
    guaranteedUpdate: async (key: ObjectKey, tryUpdate: TryUpdate, options?: UpdateOptions) =>
      toServed(
        await storage.guaranteedUpdate(
          key,
          async (current) => toStored(await tryUpdate(toServed(current))),
          options,
        ),
      ),
    delete: async (key: ObjectKey, options: DeleteOptions = {}) => {
      const { validateDeletion } = options;
      return toServed(
        await storage.delete(key, {
          ...options,
          validateDeletion: validateDeletion && ((current) => validateDeletion(toServed(current))),
        }),
      );
    },
    watch: async (options: WatchOptions) =>
      servedWatch(await storage.watch({ ...options, filter: servedFilter(options.filter) }), toServed),
    currentRevision: () => storage.currentRevision(),
    ready: () => storage.ready(),
    notReadyReason: storage.notReadyReason && (() => storage.notReadyReason!()),
    stats: storage.stats && (() => storage.stats!()),
    // The storage is shared by every version's view: its owner closes it.
    close: async () => {},
  };
}

/** A watch whose events carry their objects at the served version. */
function servedWatch(watch: Watch, toServed: (obj: KubeObject) => KubeObject): Watch {
  return {
    close: () => watch.close(),
    [Symbol.asyncIterator]() {
      const events = watch[Symbol.asyncIterator]();
      return {
        async next(): Promise<IteratorResult<WatchEvent>> {
          const step = await events.next();
          if (step.done) return step;
          const object = toServed(step.value.object);
          if (object === step.value.object) return step;
          const { serialized: _stale, ...event } = step.value;
          return { done: false, value: { ...event, object } };
        },
        async return(): Promise<IteratorResult<WatchEvent>> {
          watch.close();
          return (await events.return?.()) ?? { done: true, value: undefined };
        },
      };
    },
  };
}
