/**
 * Foos through client-node: replace and replace-status with the object's resourceVersion as
 * precondition (the custom objects API at FOO_API: bar.pwk.educative.io v1, plural foos), and
 * the ListWatch behind the informer — a list of all namespaces, then a watch that asks for
 * bookmarks (so a resume after a restart starts from a recent version) and a server-side
 * timeout of 5–10 min (client-go's reflector: a half-open connection cannot hang it forever).
 */
import { CustomObjectsApi, ListWatch, Watch } from '@kubernetes/client-node';
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { FOO_API } from '../foo';
import type { Foo } from '../foo';
import { apiCall } from './errors';
import { FIELD_MANAGER, userAgent, withUserAgent } from './identity';
import type { ListWatchLike } from './informer';
import { makeApi } from './kubeconfig';
import type { ApiOptions } from './kubeconfig';

export interface FooWriter {
  updateSpec(foo: Foo): Promise<Foo>;
  updateStatus(foo: Foo): Promise<Foo>;
}

function target(foo: Foo) {
  return {
    ...FOO_API,
    namespace: foo.metadata.namespace ?? 'default',
    name: foo.metadata.name ?? '',
    body: foo,
    fieldManager: FIELD_MANAGER,
  };
}

export function createFooWriter(kc: KubeConfig, options: ApiOptions): FooWriter {
  const api = makeApi(kc, CustomObjectsApi, options);
  return {
    updateSpec: (foo) => apiCall(() => api.replaceNamespacedCustomObject(target(foo)) as Promise<Foo>),
    updateStatus: (foo) =>
      apiCall(() => api.replaceNamespacedCustomObjectStatus(target(foo)) as Promise<Foo>),
  };
}

/** client-node's Watch, with bookmarks and a randomised server-side timeout on every watch. */
class BoundedWatch extends Watch {
  constructor(
    config: KubeConfig,
    private readonly timeoutSeconds: () => number,
  ) {
    super(config);
  }

  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    const params = { ...queryParams, allowWatchBookmarks: true, timeoutSeconds: this.timeoutSeconds() };
    return super.watch(path, params, callback, done);
  }
}

export interface FooListWatchOptions extends ApiOptions {
  /** Server-side watch timeout; default 300–600 s at random. */
  watchTimeoutSeconds?: () => number;
}

export function createFooListWatch(kc: KubeConfig, options: FooListWatchOptions): ListWatchLike<Foo> {
  const api = makeApi(kc, CustomObjectsApi, options);
  const list = () =>
    apiCall(
      () => api.listClusterCustomObject({ ...FOO_API }) as Promise<KubernetesListObject<KubernetesObject>>,
    );
  const timeout = options.watchTimeoutSeconds ?? (() => 300 + Math.floor(Math.random() * 300));
  const listWatch = new ListWatch<KubernetesObject>(
    `/apis/${FOO_API.group}/${FOO_API.version}/${FOO_API.plural}`,
    new BoundedWatch(withUserAgent(kc, userAgent()), timeout),
    list,
    false,
  );
  // The objects are Foos as served; client-node's KubernetesObject types metadata times as
  // Dates, which custom objects' JSON never holds, hence the one cast here.
  return listWatch as unknown as ListWatchLike<Foo>;
}
