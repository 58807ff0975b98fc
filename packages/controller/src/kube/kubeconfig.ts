/**
 * Where the cluster is: --kubeconfig when given (tests point it at a pwk apiserver), else
 * in-cluster service-account credentials when running in a pod, else $KUBECONFIG (merged, as
 * kubectl does) or ~/.kube/config, as controller-runtime's GetConfig. With none of them start-up
 * fails: client-node's loadFromDefault would fall back to http://localhost:8080 and the
 * controller would retry it forever. API clients get a per-request timeout, which client-node
 * has none of by default.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  IsomorphicFetchHttpLibrary,
  KubeConfig,
  ServerConfiguration,
  createConfiguration,
  wrapHttpLibrary,
} from '@kubernetes/client-node';
import type { Configuration, Middleware, RequestContext, ResponseContext } from '@kubernetes/client-node';
import { userAgent } from './identity';

export interface KubeConfigOptions {
  kubeconfig?: string;
  /** Whether we run in a pod (KUBERNETES_SERVICE_HOST is set); decided at the edge. */
  inCluster: boolean;
  /** $KUBECONFIG and the home directory, read at the edge; absent: neither is looked at. */
  env?: { KUBECONFIG?: string; home?: string };
}

export const NO_KUBECONFIG =
  'no kubeconfig: give --kubeconfig, set $KUBECONFIG or create ~/.kube/config (in a pod, the service account is used)';

/** The files of $KUBECONFIG, else ~/.kube/config when it exists. */
function defaultKubeconfigFiles(env: KubeConfigOptions['env'] = {}): string[] {
  const listed = (env.KUBECONFIG ?? '').split(path.delimiter).filter((file) => file !== '');
  if (listed.length > 0) return listed;
  const inHome = env.home ? path.join(env.home, '.kube', 'config') : undefined;
  return inHome && existsSync(inHome) ? [inHome] : [];
}

export function loadKubeConfig(options: KubeConfigOptions): KubeConfig {
  const kc = new KubeConfig();
  if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
  else if (options.inCluster) kc.loadFromCluster();
  else {
    const [first, ...rest] = defaultKubeconfigFiles(options.env);
    if (!first) throw new Error(NO_KUBECONFIG);
    kc.loadFromFile(first);
    for (const file of rest) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      // As kubectl: the first file that names a current-context wins.
      kc.mergeConfig(more, Boolean(kc.currentContext));
    }
  }
  if (!kc.getCurrentCluster()) {
    throw new Error(`no current cluster in ${options.kubeconfig ?? 'the default kubeconfig'}`);
  }
  return kc;
}

/** The server URL, for logs. */
export function serverOf(kc: KubeConfig): string {
  return kc.getCurrentCluster()?.server ?? '';
}

function timeoutMiddleware(timeoutMs: number): Middleware {
  return {
    pre: (context: RequestContext) => {
      context.setSignal(AbortSignal.timeout(timeoutMs));
      return Promise.resolve(context);
    },
    post: (context: ResponseContext) => Promise.resolve(context),
  };
}

function userAgentMiddleware(agent: string): Middleware {
  return {
    pre: (context: RequestContext) => {
      context.setHeaderParam('User-Agent', agent);
      return Promise.resolve(context);
    },
    post: (context: ResponseContext) => Promise.resolve(context),
  };
}

/** Told of every API call's answer: client-go's rest_client_requests_total labels. */
export type RestClientObserver = (o: { code: string; method: string; host: string }) => void;

export interface ApiOptions {
  requestTimeoutMs: number;
  onResponse?: RestClientObserver;
}

/** client-node's fetch library, reporting each call's code (`<error>` when none came, as client-go). */
function observedHttpLibrary(observe: RestClientObserver) {
  const fetchLibrary = new IsomorphicFetchHttpLibrary();
  return wrapHttpLibrary({
    send: async (request) => {
      const labels = { method: request.getHttpMethod().toString(), host: new URL(request.getUrl()).host };
      try {
        const response = await fetchLibrary.send(request).toPromise();
        observe({ ...labels, code: String(response.httpStatusCode) });
        return response;
      } catch (err) {
        observe({ ...labels, code: '<error>' });
        throw err;
      }
    },
  });
}

/** A generated API client (CustomObjectsApi, EventsV1Api, …) with a request timeout and our User-Agent. */
export function makeApi<A>(kc: KubeConfig, api: new (config: Configuration) => A, options: ApiOptions): A {
  const server = serverOf(kc);
  return new api(
    createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: kc },
      promiseMiddleware: [timeoutMiddleware(options.requestTimeoutMs), userAgentMiddleware(userAgent())],
      ...(options.onResponse && { httpApi: observedHttpLibrary(options.onResponse) }),
    }),
  );
}
