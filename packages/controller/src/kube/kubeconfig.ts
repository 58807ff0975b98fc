/**
 * Where the cluster is: --kubeconfig when given (tests point it at a pwk apiserver), else
 * in-cluster service-account credentials when running in a pod, else $KUBECONFIG or
 * ~/.kube/config (client-node's loadFromDefault, as controller-runtime's GetConfig). API clients
 * get a per-request timeout, which client-node has none of by default.
 */
import { KubeConfig, ServerConfiguration, createConfiguration } from '@kubernetes/client-node';
import type { Configuration, Middleware, RequestContext, ResponseContext } from '@kubernetes/client-node';
import { userAgent } from './identity';

export interface KubeConfigOptions {
  kubeconfig?: string;
  /** Whether we run in a pod (KUBERNETES_SERVICE_HOST is set); decided at the edge. */
  inCluster: boolean;
}

export function loadKubeConfig(options: KubeConfigOptions): KubeConfig {
  const kc = new KubeConfig();
  if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
  else if (options.inCluster) kc.loadFromCluster();
  else kc.loadFromDefault();
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

/** A generated API client (CustomObjectsApi, EventsV1Api, …) with a request timeout and our User-Agent. */
export function makeApi<A>(kc: KubeConfig, api: new (config: Configuration) => A, timeoutMs: number): A {
  const server = serverOf(kc);
  return new api(
    createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: kc },
      promiseMiddleware: [timeoutMiddleware(timeoutMs), userAgentMiddleware(userAgent())],
    }),
  );
}
