/**
 * One served version's view of a kind's storage: what k8s.io/apiserver's storage codec does for a
 * resource served in several versions. Writes are converted to the kind's storage version before
 * they are stored; everything read (objects, list items, watch events, the object a guaranteed
 * update hands its callback) is converted to the served version. An object stored in an older
 * version (written before the storage version moved) is converted on every read until it is
 * rewritten (`pwk-storage migrate-version`).
 *
 * The zero-copy read paths survive where nothing needs converting: a stored object's bytes are
 * passed on when they already name the served apiVersion. The check reads the bytes' first
 * member only: the server writes apiVersion first, and an object written any other way simply
 * takes the converting path, which is correct for every object.
 */
import type { KindDefinition, KindVersion } from '@pwk/api';
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

/**
 * `storage` as `version` of `kind` sees it. A kind with one version needs no view: the storage
 * itself is returned.
 */
export function versionedStorage(storage: Storage, view: { kind: KindDefinition; version: string }): Storage {
  const { kind, version } = view;
  if (kind.versions.length === 1) return storage;
  const served = kind.version(version);
  if (!served) throw new Error(`${kind.kind} has no served version ${version}`);
  return new VersionedStorage(storage, kind, served);
}

class VersionedStorage implements Storage {
  private readonly servedPrefix: string;

  constructor(
    private readonly inner: Storage,
    private readonly kind: KindDefinition,
    private readonly served: KindVersion,
  ) {
    this.servedPrefix = `{"apiVersion":${JSON.stringify(served.apiVersion)},`;
  }

  /**
   * In the served version. A converted object is defaulted in that version, as a CRD's objects
   * are when read from etcd: a field the stored version lacks reads as its default.
   */
  private toServed(obj: KubeObject): KubeObject {
    if (obj.apiVersion === this.served.apiVersion) return obj;
    return this.served.applyDefaults(this.kind.convert(obj, this.served.name) as KubeObject);
  }

  /** In the storage version, apiVersion and kind first (as kube encodes), so reads can pass the bytes on. */
  private toStored(obj: KubeObject): KubeObject {
    const storage = this.kind.storageVersion;
    // Converted objects are defaulted at the storage version too: a field the request's version
    // lacks is stored with its default, so a read at the storage version shows it (kube defaults
    // what it decodes from etcd).
    const stored =
      obj.apiVersion === storage.apiVersion
        ? obj
        : storage.applyDefaults(this.kind.convert(obj, storage.name) as KubeObject);
    const { apiVersion, kind, ...rest } = stored;
    return { apiVersion, kind, ...rest };
  }

  private servedJson(serialized: string): string {
    return serialized.startsWith(this.servedPrefix)
      ? serialized
      : JSON.stringify(this.toServed(JSON.parse(serialized) as KubeObject));
  }

  /** A pushed-down filter sees the object as the client's version shows it. */
  private servedFilter(filter: ObjectFilter | undefined): ObjectFilter | undefined {
    return filter && ((obj) => filter(this.toServed(obj)));
  }

  async get(key: ObjectKey): Promise<KubeObject> {
    return this.toServed(await this.inner.get(key));
  }

  async getSerialized(key: ObjectKey): Promise<string> {
    if (!this.inner.getSerialized) return JSON.stringify(await this.get(key));
    return this.servedJson(await this.inner.getSerialized(key));
  }

  async list(options: ListOptions): Promise<ListResult> {
    const result = await this.inner.list({ ...options, filter: this.servedFilter(options.filter) });
    const { serializedItems } = result;
    if (serializedItems && serializedItems.every((s) => s.startsWith(this.servedPrefix))) return result;
    const items = result.items.map((obj) => this.toServed(obj));
    const { serializedItems: _dropped, ...rest } = result;
    return { ...rest, items };
  }

  async create(key: ObjectKey, obj: KubeObject): Promise<KubeObject> {
    return this.toServed(await this.inner.create(key, this.toStored(obj)));
  }

  async guaranteedUpdate(key: ObjectKey, tryUpdate: TryUpdate, options?: UpdateOptions): Promise<KubeObject> {
    const updated = await this.inner.guaranteedUpdate(
      key,
      async (current) => this.toStored(await tryUpdate(this.toServed(current))),
      options,
    );
    return this.toServed(updated);
  }

  async delete(key: ObjectKey, options?: DeleteOptions): Promise<KubeObject> {
    const validate = options?.validateDeletion;
    const deleted = await this.inner.delete(key, {
      ...options,
      validateDeletion: validate && ((current) => validate(this.toServed(current))),
    });
    return this.toServed(deleted);
  }

  async watch(options: WatchOptions): Promise<Watch> {
    const watch = await this.inner.watch({ ...options, filter: this.servedFilter(options.filter) });
    const convert = (event: WatchEvent): WatchEvent => {
      if (event.object.apiVersion === this.served.apiVersion) return event;
      const { serialized: _stale, ...rest } = event;
      return { ...rest, object: this.toServed(event.object) };
    };
    return {
      close: () => watch.close(),
      [Symbol.asyncIterator]: () => {
        const events = watch[Symbol.asyncIterator]();
        return {
          next: async () => {
            const next = await events.next();
            return next.done ? next : { done: false, value: convert(next.value) };
          },
          return: async () => (events.return ? events.return() : { done: true, value: undefined }),
        };
      },
    };
  }

  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }

  ready(): boolean {
    return this.inner.ready();
  }

  notReadyReason(): string | undefined {
    return this.inner.notReadyReason?.();
  }

  stats() {
    return this.inner.stats?.() ?? { objects: new Map<string, number>() };
  }

  /** The storage is shared by every version's view and closed by whoever opened it. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
