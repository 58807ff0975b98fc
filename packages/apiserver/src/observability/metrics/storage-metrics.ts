/**
 * Storage metrics as kube-apiserver names them: the latency of each storage operation
 * (`etcd_request_duration_seconds{operation,type}` for the etcd backend, exactly kube's; the
 * same shape as `apiserver_storage_request_duration_seconds` for the file store, which is not
 * etcd), `apiserver_storage_objects{resource}`, `apiserver_storage_list_*_total{resource}`; and
 * the file store's own: fsync latency, how many writes share one directory fsync (group
 * commit), the event window's size and the oldest revision it can replay.
 */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { REQUEST_DURATION_BUCKETS, exponentialBuckets } from './buckets';
import { FastHistogram } from './fast-series';
import type { StorageStats } from '../../storage/interface';

export type StorageBackend = 'file' | 'etcd';

export type StorageOperation = 'get' | 'list' | 'create' | 'update' | 'delete' | 'watch';

/** What the file store reports while it works (see durable-fs.ts). */
export interface FileStoreObserver {
  fsync(seconds: number, target: 'file' | 'directory' | 'log'): void;
  /** One directory fsync completed for this many writes waiting on it. */
  groupCommit(writes: number): void;
}

export class StorageMetrics {
  private readonly latency: FastHistogram;
  private readonly lists: Counter<'resource'>;
  private readonly returned: Counter<'resource'>;
  private readonly fetched: Counter<'resource'>;
  private readonly evaluated: Counter<'resource'>;
  private readonly children = new Map<string, { observe(v: number): void }>();
  readonly fileStore: FileStoreObserver;
  private stats: (() => StorageStats) | undefined;

  constructor(registry: Registry, backend: StorageBackend) {
    const registers = [registry];
    // Every storage call is timed: a series of our own, resolved once per operation and type.
    this.latency = new FastHistogram({
      name:
        backend === 'etcd' ? 'etcd_request_duration_seconds' : 'apiserver_storage_request_duration_seconds',
      help:
        backend === 'etcd'
          ? 'Etcd request latency in seconds for each operation and object type.'
          : 'File store request latency in seconds for each operation and object type (the shape of etcd_request_duration_seconds).',
      labelNames: ['operation', 'type'],
      buckets: REQUEST_DURATION_BUCKETS,
      registry,
    });
    const listCounter = (name: string, help: string) =>
      new Counter({ name, help, labelNames: ['resource'], registers });
    this.lists = listCounter('apiserver_storage_list_total', 'Number of LIST requests served from storage');
    this.fetched = listCounter(
      'apiserver_storage_list_fetched_objects_total',
      'Number of objects read from storage in the course of serving a LIST request',
    );
    this.evaluated = listCounter(
      'apiserver_storage_list_evaluated_objects_total',
      'Number of objects tested in the course of serving a LIST request from storage',
    );
    this.returned = listCounter(
      'apiserver_storage_list_returned_objects_total',
      'Number of objects returned for a LIST request from storage',
    );
    const readStats = () => this.stats?.();
    new Gauge({
      name: 'apiserver_storage_objects',
      help: 'Number of stored objects at the time of last check split by kind.',
      labelNames: ['resource'],
      registers,
      collect() {
        const stats = readStats();
        for (const [resource, count] of stats?.objects ?? []) this.set({ resource }, count);
      },
    });
    new Gauge({
      name: 'apiserver_storage_size_bytes',
      help: 'Size of the storage database file physically allocated in bytes.',
      labelNames: ['storage_cluster_id'],
      registers,
      collect() {
        const size = readStats()?.sizeBytes;
        if (size !== undefined) this.set({ storage_cluster_id: backend }, size);
      },
    });
    if (backend === 'file') {
      this.fileStore = fileStoreMetrics(registry);
      new Gauge({
        name: 'pwk_storage_event_window_size',
        help: 'Changes held in the file store event window (what watches and paged lists replay from).',
        registers,
        collect() {
          const window = readStats()?.eventWindow;
          if (window) this.set(window.size);
        },
      });
      new Gauge({
        name: 'pwk_storage_event_window_oldest_revision',
        help: 'The oldest resourceVersion a watch or paged list can start from; older ones are 410 Expired.',
        registers,
        collect() {
          const window = readStats()?.eventWindow;
          if (window) this.set(window.oldestRevision);
        },
      });
    } else {
      this.fileStore = { fsync: () => {}, groupCommit: () => {} };
    }
  }

  /** Where the gauges read the store's counts from, once the store is open. */
  readStatsFrom(stats: () => StorageStats): void {
    this.stats = stats;
  }

  /** The latency recorder of one operation on one type (`widgets.example.com`). */
  operation(operation: StorageOperation, type: string): { observe(seconds: number): void } {
    const key = `${operation} ${type}`;
    let child = this.children.get(key);
    if (!child) {
      child = this.latency.child([operation, type]);
      this.children.set(key, child);
    }
    return child;
  }

  /** A LIST served: what was read, tested and returned. */
  listed(resource: string, counts: { fetched: number; evaluated: number; returned: number }): void {
    this.lists.inc({ resource });
    this.fetched.inc({ resource }, counts.fetched);
    this.evaluated.inc({ resource }, counts.evaluated);
    this.returned.inc({ resource }, counts.returned);
  }
}

function fileStoreMetrics(registry: Registry): FileStoreObserver {
  const fsync = new FastHistogram({
    name: 'pwk_storage_fsync_duration_seconds',
    help: 'Latency of the file store fsyncs (of a new object file, of its directory, or the write-ahead log fdatasync of a batch), as etcd_disk_wal_fsync_duration_seconds buckets them.',
    labelNames: ['target'],
    buckets: exponentialBuckets(0.001, 2, 14),
    registry,
  });
  const batch = new FastHistogram({
    name: 'pwk_storage_group_commit_writes',
    help: 'Writes made durable by one directory fsync, or by one log fdatasync with --file-store-sync=log (group commit).',
    labelNames: [],
    buckets: exponentialBuckets(1, 2, 10),
    registry,
  });
  const file = fsync.child(['file']);
  const directory = fsync.child(['directory']);
  const log = fsync.child(['log']);
  const writes = batch.child([]);
  return {
    fsync: (seconds, target) =>
      (target === 'file' ? file : target === 'log' ? log : directory).observe(seconds),
    groupCommit: (n) => writes.observe(n),
  };
}
