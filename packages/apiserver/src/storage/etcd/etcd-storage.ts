/**
 * The etcd backend: several apiserver replicas share one consistent store. Objects live at
 * `<prefix>/<group>/<resource>/<namespace>/<name>` as JSON; resourceVersion is etcd's
 * mod_revision. Create is a transaction on create_revision == 0, update and delete are
 * transactions on the mod_revision that was read (retried in guaranteedUpdate, as Kubernetes'
 * etcd3 store does), lists read at one revision and watches are etcd watches with prev_kv.
 * When etcd cannot be reached, calls fail with StorageUnavailableError (503) and ready() is
 * false until it answers again; nothing crashes. When etcd is over its space quota, writes fail
 * with StorageWriteFailedError (`storage write failed: etcdserver: mvcc: database space
 * exceeded`, a 500 as in Kubernetes) and ready() is false until etcd takes writes again.
 */
import type { Etcd3, IKeyValue, KVClient } from 'etcd3';
import {
  AlreadyExistsError,
  ExpiredError,
  InvalidObjectError,
  NotFoundError,
  StorageUnavailableError,
  StorageWriteFailedError,
  TooLargeResourceVersionError,
} from '../errors';
import type {
  DeleteOptions,
  KubeObject,
  ListOptions,
  ListResult,
  ObjectKey,
  Storage,
  TryUpdate,
  UpdateOptions,
  Watch,
  WatchOptions,
} from '../interface';
import { assertValidCollectionKey, assertValidObjectKey } from '../keys';
import type { StorageLogger } from '../logger';
import { silentLogger } from '../logger';
import { Availability } from './availability';
import { RevisionWindowCompactor } from './compactor';
import { openEtcdClient } from './etcd-client';
import type { EtcdTlsFiles } from './etcd-client';
import { decodeObject, encodeObject } from './etcd-codec';
import {
  NO_SPACE,
  describeError,
  isCompacted,
  isFutureRevision,
  isNoSpace,
  isUnavailable,
} from './etcd-errors';
import { EtcdKeys } from './etcd-keys';
import { listEtcd } from './etcd-list';
import { openEtcdWatch } from './etcd-watch';
import { assertMatchesKey, checkPreconditions, unchanged } from '../write-checks';

export interface EtcdStorageOptions {
  /** --etcd-servers: `http(s)://host:port` each. */
  endpoints: string[];
  /** --etcd-prefix (default `/registry`). */
  prefix?: string;
  tls?: EtcdTlsFiles;
  logger?: StorageLogger;
  /**
   * Revisions etcd keeps for watch resumption and paged lists: older history is compacted
   * (as --event-window does for the file store). Undefined: never compact (leave it to etcd's
   * --auto-compaction-* or another compactor).
   */
  eventWindow?: number;
  /** Events a watcher may leave unread before it is closed as too slow (default 10,000). */
  watchBuffer?: number;
  /** Deadline of each etcd call (default 5 s). */
  requestTimeoutMs?: number;
  /** How often availability is probed (default 2 s). */
  healthCheckIntervalMs?: number;
}

/** Connects (without waiting for etcd to be up: the store starts not ready and becomes ready). */
export async function createEtcdStorage(options: EtcdStorageOptions): Promise<Storage> {
  const client = await openEtcdClient({
    endpoints: options.endpoints,
    tls: options.tls,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const storage = new EtcdStorage(client, options);
  await storage.start();
  return storage;
}

class EtcdStorage implements Storage {
  private readonly keys: EtcdKeys;
  private readonly logger: StorageLogger;
  private readonly availability: Availability;
  private readonly watches = new Set<Watch>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private compactor?: RevisionWindowCompactor;
  private closed = false;

  constructor(
    private readonly client: Etcd3,
    private readonly options: EtcdStorageOptions,
  ) {
    this.keys = new EtcdKeys(options.prefix ?? '/registry');
    this.logger = options.logger ?? silentLogger;
    this.availability = new Availability({
      probe: async () => {
        await this.client.kv.range({ key: Buffer.from(this.keys.healthKey), keys_only: true });
      },
      refusesWrites: async () => {
        const { alarms } = await this.client.maintenance.alarm({ action: 'Get', memberID: 0, alarm: 'None' });
        return alarms.some((a) => a.alarm === 'Nospace');
      },
      intervalMs: options.healthCheckIntervalMs ?? 2000,
      logger: this.logger,
    });
  }

  async start(): Promise<void> {
    const up = await this.availability.start();
    const revision = up ? await this.currentRevision() : 0;
    if (this.options.eventWindow !== undefined) {
      this.compactor = new RevisionWindowCompactor(
        this.client.kv,
        this.options.eventWindow,
        revision,
        this.logger,
      );
    }
    this.logger.info('etcd store opened', {
      endpoints: this.options.endpoints,
      prefix: this.keys.prefix,
      available: up,
      revision,
    });
  }

  async get(key: ObjectKey): Promise<KubeObject> {
    assertValidObjectKey(key);
    const kv = await this.read(key);
    if (!kv) throw new NotFoundError(key);
    return decodeObject(kv.value, kv.mod_revision, key);
  }

  async list(options: ListOptions): Promise<ListResult> {
    assertValidCollectionKey(options);
    return listEtcd({
      options,
      keys: this.keys,
      call: (fn) => this.call(fn),
      currentRevision: () => this.currentRevision(),
    });
  }

  async create(key: ObjectKey, obj: KubeObject): Promise<KubeObject> {
    this.assertOpen();
    assertValidObjectKey(key);
    if (obj.metadata?.resourceVersion) {
      throw new InvalidObjectError('resourceVersion should not be set on objects to be created', key);
    }
    assertMatchesKey(key, obj);
    const etcdKey = Buffer.from(this.keys.object(key));
    const value = encodeObject(obj);
    return this.writing(async () => {
      const response = await this.call((kv) =>
        kv.txn({
          compare: [{ key: etcdKey, target: 'Create', result: 'Equal', create_revision: 0 }],
          success: [{ request_put: { key: etcdKey, value: Buffer.from(value) } }],
        }),
      );
      if (!response.succeeded) throw new AlreadyExistsError(key);
      return this.written(value, response.header.revision, key);
    });
  }

  async guaranteedUpdate(
    key: ObjectKey,
    tryUpdate: TryUpdate,
    options: UpdateOptions = {},
  ): Promise<KubeObject> {
    this.assertOpen();
    assertValidObjectKey(key);
    const etcdKey = Buffer.from(this.keys.object(key));
    return this.writing(async () => {
      let kv = await this.read(key);
      for (;;) {
        if (!kv) throw new NotFoundError(key);
        const current = decodeObject(kv.value, kv.mod_revision, key);
        checkPreconditions(key, current, options.preconditions);
        const next = await tryUpdate(decodeObject(kv.value, kv.mod_revision, key));
        assertMatchesKey(key, next);
        if (unchanged(current, next)) return current;
        const value = encodeObject(next);
        const response = await this.call((client) =>
          client.txn({
            compare: [{ key: etcdKey, target: 'Mod', result: 'Equal', mod_revision: kv!.mod_revision }],
            success: [{ request_put: { key: etcdKey, value: Buffer.from(value) } }],
            failure: [{ request_range: { key: etcdKey } }],
          }),
        );
        if (response.succeeded) return this.written(value, response.header.revision, key);
        // Someone else wrote in between: try again on what they wrote (read in the same txn).
        kv = response.responses[0]?.response_range?.kvs[0];
      }
    });
  }

  async delete(key: ObjectKey, options: DeleteOptions = {}): Promise<KubeObject> {
    this.assertOpen();
    assertValidObjectKey(key);
    const etcdKey = Buffer.from(this.keys.object(key));
    return this.writing(async () => {
      let kv = await this.read(key);
      for (;;) {
        if (!kv) throw new NotFoundError(key);
        const current = decodeObject(kv.value, kv.mod_revision, key);
        checkPreconditions(key, current, options.preconditions);
        await options.validateDeletion?.(decodeObject(kv.value, kv.mod_revision, key));
        const response = await this.call((client) =>
          client.txn({
            compare: [{ key: etcdKey, target: 'Mod', result: 'Equal', mod_revision: kv!.mod_revision }],
            success: [{ request_delete_range: { key: etcdKey } }],
            failure: [{ request_range: { key: etcdKey } }],
          }),
        );
        if (response.succeeded) {
          await this.compactor?.afterWrite(Number(response.header.revision));
          return decodeObject(kv.value, response.header.revision, key);
        }
        kv = response.responses[0]?.response_range?.kvs[0];
      }
    });
  }

  async watch(options: WatchOptions): Promise<Watch> {
    this.assertOpen();
    assertValidCollectionKey(options);
    const current = await this.currentRevision();
    const from = options.fromRevision;
    if (from > current) throw new TooLargeResourceVersionError(from, current);
    if (from < current) await this.assertNotCompacted(from);
    const watch = await openEtcdWatch({
      client: this.client,
      keys: this.keys,
      options,
      bufferSize: this.options.watchBuffer ?? 10_000,
      backlog: current - from,
      timeoutMs: this.options.requestTimeoutMs ?? 5000,
      onClose: (closed) => this.watches.delete(closed),
    });
    if (this.closed) watch.close();
    else this.watches.add(watch);
    return watch;
  }

  async currentRevision(): Promise<number> {
    const response = await this.call((kv) =>
      kv.range({ key: Buffer.from(this.keys.healthKey), keys_only: true }),
    );
    return Number(response.header.revision);
  }

  ready(): boolean {
    return !this.closed && this.availability.problem === undefined;
  }

  notReadyReason(): string | undefined {
    if (this.closed) return 'the etcd store is closed';
    return this.availability.problem;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    for (const watch of [...this.watches]) watch.close();
    this.availability.stop();
    this.client.close();
  }

  /** Runs one etcd call; a failure for want of etcd becomes StorageUnavailableError. */
  private async call<T>(fn: (kv: KVClient) => Promise<T>): Promise<T> {
    if (this.closed) throw new StorageUnavailableError('the etcd store is closed');
    try {
      const result = await fn(this.client.kv);
      this.availability.markAvailable();
      return result;
    } catch (err) {
      if (isNoSpace(err)) {
        const refused = new StorageWriteFailedError(NO_SPACE);
        this.availability.markWritesRefused(refused.message);
        throw refused;
      }
      if (!isUnavailable(err)) throw err;
      this.availability.markUnavailable(err);
      throw new StorageUnavailableError(`etcd is unavailable: ${describeError(err)}`);
    }
  }

  private async read(key: ObjectKey): Promise<IKeyValue | undefined> {
    const response = await this.call((kv) => kv.range({ key: Buffer.from(this.keys.object(key)) }));
    return response.kvs[0];
  }

  /** Throws ExpiredError when etcd compacted past `revision` (a read at it fails). */
  private async assertNotCompacted(revision: number): Promise<void> {
    try {
      await this.call((kv) => kv.range({ key: Buffer.from(this.keys.healthKey), keys_only: true, revision }));
    } catch (err) {
      if (isCompacted(err)) throw new ExpiredError(revision, revision + 1);
      if (isFutureRevision(err))
        throw new TooLargeResourceVersionError(revision, await this.currentRevision());
      throw err;
    }
  }

  /** The stored object as a read would return it; keeps the compaction window. */
  private async written(value: string, revision: string, key: ObjectKey): Promise<KubeObject> {
    this.availability.markWritesAccepted();
    await this.compactor?.afterWrite(Number(revision));
    return decodeObject(value, revision, key);
  }

  /** Tracks a write so close() can wait for it. */
  private writing<T>(fn: () => Promise<T>): Promise<T> {
    const promise = fn();
    this.inFlight.add(promise);
    const forget = () => this.inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageUnavailableError('the etcd store is closed');
  }
}
