/**
 * A cache of one core-API collection (namespaces, ResourceQuotas) kept current the way
 * client-go's reflector does it: list, then watch from the list's resourceVersion with bookmarks;
 * a watch that ends is resumed from the last resourceVersion seen, a 410 relists, and any other
 * failure relists after a backoff (1 s doubling to 30 s). Reads never wait on the network.
 *
 * Written here rather than taken from @kubernetes/client-node: that client is an ES module kept
 * behind the controller's adapter, and its informer stops for good on an unexpected status.
 */
import { KubeApiError } from '../auth/kube-client';
import type { KubeWatch, KubeWatchingClient } from '../auth/kube-client';
import type { Logger } from '../logging/logger';

export interface CachedObject {
  metadata: { name?: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface InformerOptions {
  client: KubeWatchingClient;
  /** The collection, e.g. `/api/v1/namespaces` or `/api/v1/resourcequotas` (every namespace). */
  path: string;
  logger: Logger;
  backoff?: { initialMs: number; maxMs: number };
  /** Server-side watch timeout; the watch is then resumed (default 5–10 min, as client-go). */
  watchTimeoutSeconds?: number;
}

export interface Informer<T extends CachedObject> {
  /** Starts listing and watching; idempotent. */
  start(): void;
  stop(): void;
  hasSynced(): boolean;
  /** Resolves true once the first list is in, false if that takes longer than timeoutMs. */
  waitForSync(timeoutMs: number): Promise<boolean>;
  get(namespace: string, name: string): T | undefined;
  /** Every cached object, or those of one namespace. */
  list(namespace?: string): T[];
}

/** Objects by namespace ('' for cluster-scoped), then name: a namespace's objects are one lookup. */
class ObjectCache<T extends CachedObject> {
  private readonly byNamespace = new Map<string, Map<string, T>>();

  set(object: T): void {
    const namespace = object.metadata.namespace ?? '';
    let objects = this.byNamespace.get(namespace);
    if (!objects) this.byNamespace.set(namespace, (objects = new Map()));
    objects.set(object.metadata.name ?? '', object);
  }

  delete(object: T): void {
    const namespace = object.metadata.namespace ?? '';
    const objects = this.byNamespace.get(namespace);
    objects?.delete(object.metadata.name ?? '');
    if (objects?.size === 0) this.byNamespace.delete(namespace);
  }

  get(namespace: string, name: string): T | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  list(namespace?: string): T[] {
    if (namespace !== undefined) return [...(this.byNamespace.get(namespace)?.values() ?? [])];
    return [...this.byNamespace.values()].flatMap((objects) => [...objects.values()]);
  }

  replace(objects: readonly T[]): void {
    this.byNamespace.clear();
    for (const object of objects) this.set(object);
  }
}

interface ListBody {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: CachedObject[];
}

export function createInformer<T extends CachedObject>(options: InformerOptions): Informer<T> {
  const backoff = options.backoff ?? { initialMs: 1000, maxMs: 30_000 };
  const items = new ObjectCache<T>();
  let resourceVersion = '';
  let synced = false;
  let started = false;
  let stopped = false;
  let current: KubeWatch | undefined;
  let wakeUp: (() => void) | undefined;
  const syncWaiters = new Set<() => void>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** One list of the whole collection, page by page. */
  async function relist(): Promise<void> {
    const fresh: T[] = [];
    let continueToken: string | undefined;
    let listedAt = '';
    do {
      const query = `?limit=500${continueToken ? `&continue=${encodeURIComponent(continueToken)}` : ''}`;
      const body = (await options.client.request({
        method: 'GET',
        path: `${options.path}${query}`,
      })) as ListBody;
      fresh.push(...((body.items ?? []) as T[]));
      listedAt ||= body.metadata?.resourceVersion ?? '';
      continueToken = body.metadata?.continue || undefined;
    } while (continueToken && !stopped);
    items.replace(fresh);
    resourceVersion = listedAt;
    if (!synced) {
      synced = true;
      for (const resolve of syncWaiters) resolve();
      syncWaiters.clear();
    }
  }

  /** Watches until the stream ends (true: resume) or the server says 410 (false: relist). */
  async function watchOnce(): Promise<boolean> {
    const timeout = options.watchTimeoutSeconds ?? Math.floor(300 * (1 + Math.random()));
    const watch = await options.client.watch(
      `${options.path}?watch=true&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(resourceVersion)}&timeoutSeconds=${timeout}`,
      { idleTimeoutMs: (timeout + 30) * 1000 },
    );
    current = watch;
    try {
      for await (const event of watch) {
        if (stopped) return true;
        const object = event.object as T;
        if (event.type === 'ERROR') {
          const code = (object as { code?: unknown }).code;
          if (code === 410) return false;
          throw new KubeApiError(
            Number(code) || undefined,
            `watch ${options.path}: ${String((object as { message?: unknown }).message)}`,
          );
        }
        if (event.type === 'ADDED' || event.type === 'MODIFIED') items.set(object);
        else if (event.type === 'DELETED') items.delete(object);
        if (object.metadata?.resourceVersion) resourceVersion = object.metadata.resourceVersion;
      }
      return true;
    } finally {
      current = undefined;
      watch.close();
    }
  }

  async function run(): Promise<void> {
    let delay = backoff.initialMs;
    while (!stopped) {
      try {
        await relist();
        delay = backoff.initialMs;
        while (!stopped && (await watchOnce()));
      } catch (err) {
        if (stopped) return;
        options.logger.warn('cannot list or watch the core API; retrying', {
          path: options.path,
          error: String((err as Error)?.message ?? err),
          retryInMs: delay,
        });
        await sleep(delay);
        delay = Math.min(delay * 2, backoff.maxMs);
      }
    }
  }

  return {
    start() {
      if (started) return;
      started = true;
      void run();
    },
    stop() {
      stopped = true;
      current?.close();
      wakeUp?.();
      for (const resolve of syncWaiters) resolve();
      syncWaiters.clear();
    },
    hasSynced: () => synced,
    async waitForSync(timeoutMs) {
      if (synced) return true;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        timer.unref();
        syncWaiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return synced;
    },
    get: (namespace, name) => items.get(namespace, name),
    list: (namespace) => items.list(namespace),
  };
}
