/**
 * The storage contract every backend (file, etcd) implements and the contract suite pins.
 *
 * Modelled on k8s.io/apiserver's storage.Interface: a small set of operations with one
 * precise meaning each. Objects are plain JSON values (what a GET returns); the store owns
 * `metadata.resourceVersion` and nothing else. Every call returns fresh objects: callers may
 * mutate what they receive without affecting the store.
 */

/** A Kubernetes object as stored: at least apiVersion, kind and metadata. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMetaLike;
  [field: string]: unknown;
}

export interface ObjectMetaLike {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  [field: string]: unknown;
}

/** Addresses one collection: the objects of one resource, optionally within one namespace. */
export interface CollectionKey {
  group: string;
  resource: string;
  /** Omitted: every namespace (and cluster-scoped objects). */
  namespace?: string;
}

/** Addresses one object. `namespace` is '' for cluster-scoped resources. */
export interface ObjectKey {
  group: string;
  resource: string;
  namespace: string;
  name: string;
}

/** Pushed-down filter: the store applies it while listing and watching. */
export type ObjectFilter = (obj: KubeObject) => boolean;

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface ListOptions extends CollectionKey {
  filter?: ObjectFilter;
  /** Maximum items per page; 0 or undefined = all. */
  limit?: number;
  /** Opaque token from a previous page; the page is served at that page's revision. */
  continue?: string;
  /**
   * Revision semantics as in Kubernetes: undefined = most recent; with `match: 'Exact'`
   * serve exactly at this revision (Expired when older than the retained window);
   * with 'NotOlderThan' serve at a revision ≥ it.
   */
  resourceVersion?: number;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface ListResult {
  /** Sorted by namespace, then name (the key order Kubernetes uses). */
  items: KubeObject[];
  /**
   * Optional, set by backends that keep objects serialized: `serializedItems[i]` is exactly
   * `JSON.stringify(items[i])`, so a caller that forwards the items unchanged need not decode and
   * re-encode them (reading `items` may then be what decodes them).
   */
  serializedItems?: readonly string[];
  /** The revision the list is consistent at (decimal string in the API). */
  revision: number;
  /** Set when more items remain; pass back as `continue`. */
  continue?: string;
  remainingItemCount?: number;
  /** For metrics, when the backend knows: objects read and tested to build this page. */
  evaluated?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  /** For DELETED: the object's last state, with the deletion's revision as resourceVersion. */
  object: KubeObject;
  revision: number;
  /** When set: exactly `JSON.stringify(object)`, for consumers that only need the bytes. */
  serialized?: string;
}

export interface WatchOptions extends CollectionKey {
  /**
   * Replay every event with revision > fromRevision, then live events. An object that
   * starts or stops matching `filter` yields ADDED / DELETED (as the Kubernetes cacher does).
   * Throws Expired when fromRevision is older than the retained event window.
   */
  fromRevision: number;
  filter?: ObjectFilter;
}

/**
 * A watch is an async iterable of events in revision order. The iterator throws
 * WatchTooSlowError when the consumer fell too far behind (its bounded buffer overflowed):
 * events are never dropped silently. `close()` ends the iteration (pending `next()` resolves done).
 */
export interface Watch extends AsyncIterable<WatchEvent> {
  close(): void;
}

/**
 * GuaranteedUpdate's callback: given the current object, return the next one (or throw to abort;
 * a thrown error reaches the caller unchanged). It may run more than once when the object changed
 * underneath; it must be free of side effects beyond its return value.
 */
export type TryUpdate = (current: KubeObject) => KubeObject | Promise<KubeObject>;

export interface UpdateOptions {
  preconditions?: Preconditions;
}

export interface DeleteOptions {
  preconditions?: Preconditions;
  /** Checked against the current object before deleting; throw to refuse. */
  validateDeletion?: (current: KubeObject) => void | Promise<void>;
}

export interface Storage {
  /** Throws NotFoundError. */
  get(key: ObjectKey): Promise<KubeObject>;
  /**
   * Optional, for backends that keep objects serialized: exactly `JSON.stringify(await get(key))`,
   * for callers that forward the object unchanged (a GET's body). Throws NotFoundError.
   */
  getSerialized?(key: ObjectKey): Promise<string>;
  list(options: ListOptions): Promise<ListResult>;
  /** Stores a new object (its resourceVersion must be unset); throws AlreadyExistsError. */
  create(key: ObjectKey, obj: KubeObject): Promise<KubeObject>;
  /**
   * Reads the current object, applies tryUpdate and writes the result if the object did not change
   * in between; retries otherwise. Preconditions failing → ConflictError. An object returned
   * unchanged (deep-equal) is not written and keeps its resourceVersion. Throws NotFoundError.
   */
  guaranteedUpdate(key: ObjectKey, tryUpdate: TryUpdate, options?: UpdateOptions): Promise<KubeObject>;
  /** Returns the deleted object with the deletion's resourceVersion. Throws NotFoundError / ConflictError. */
  delete(key: ObjectKey, options?: DeleteOptions): Promise<KubeObject>;
  watch(options: WatchOptions): Promise<Watch>;
  /** The newest revision the store has committed (or reserved at start-up): what an unfiltered list would report. */
  currentRevision(): Promise<number>;
  /** True once the store has loaded and can serve and write (backs /readyz). */
  ready(): boolean;
  /**
   * Optional: while not ready, why not, in words fit for a client (no paths): served by
   * /readyz/storage, e.g. `storage write failed: no space left on device`.
   */
  notReadyReason?(): string | undefined;
  /** Optional: counts for the storage metrics. */
  stats?(): StorageStats;
  /** Ends every watch, waits for in-flight writes, releases locks. */
  close(): Promise<void>;
}

/** What a backend can tell about its contents cheaply, for metrics (read at scrape time). */
export interface StorageStats {
  /** Objects per `resource.group` (kube's apiserver_storage_objects label). */
  objects: Map<string, number>;
  /** Bytes the stored objects take, when known. */
  sizeBytes?: number;
  /** The retained change window: changes held, and the oldest revision still servable. */
  eventWindow?: { size: number; oldestRevision: number };
}
