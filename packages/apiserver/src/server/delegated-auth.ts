/**
 * Authentication and authorization put together from the configuration. With a kubeconfig (or in
 * a pod) pwk delegates like every k8s.io/apiserver-based server: CAs and front-proxy headers from
 * flags or the extension-apiserver-authentication ConfigMap, tokens via TokenReview, decisions via
 * SubjectAccessReview. Without one it runs standalone: token file and/or client CA, and only
 * system:masters and what --authorization-policy-file grants are allowed (--authorization-always-allow
 * allows everyone, with a warning) — the start-up log says which.
 */
import { createAuthenticationChain } from '../auth/authentication-chain';
import type { RequestAuthenticator } from '../auth/authentication-chain';
import { describeSources, keepSourcesFresh, loadAuthenticationSources } from '../auth/authentication-sources';
import type { AuthenticationSources, LiveSources } from '../auth/authentication-sources';
import { createAuthorizer, PRIVILEGED_GROUP } from '../auth/authorizer';
import type { Authorizer } from '../auth/authorizer';
import { unionPem } from '../auth/certificate-bundle';
import { resolveClusterConnection } from '../auth/cluster-connection';
import { loadPolicyFile, policyMatcher } from '../auth/policy-file';
import type { Policy } from '../auth/policy-file';
import { createKubeClient } from '../auth/kube-client';
import type { KubeClient } from '../auth/kube-client';
import type { RequestHeaderNames } from '../auth/request-header';
import type { ReviewMetrics } from '../auth/review-metrics';
import { createSubjectAccessReviewer } from '../auth/subject-access-review';
import { loadTokenFile } from '../auth/token-file';
import { createTokenReviewer } from '../auth/token-review';
import type { ServerConfig } from '../config/flags';
import type { Logger } from '../logging/logger';

export interface DelegatedAuth {
  authenticate: RequestAuthenticator;
  authorize: Authorizer;
  /** The identity headers to strip from requests: configured, else the flags' (default X-Remote-*). */
  identityHeaders(): RequestHeaderNames;
  sources: LiveSources;
  /** PEM of every CA that may sign client certificates now, for the TLS certificate request. */
  clientCAs(): string | undefined;
  /** Whether the TLS server should ask clients for certificates at all. */
  requestClientCertificates: boolean;
  close(): void;
}

export interface DelegatedAuthOptions {
  config: ServerConfig;
  logger: Logger;
  /** Where KUBERNETES_SERVICE_HOST/_PORT are read from (in-cluster detection). */
  env: Record<string, string | undefined>;
  serviceAccountDir?: string;
  /** How often CA files and the ConfigMap are re-read. */
  refreshMs: number;
  /** The review clients' metrics hooks. */
  metrics?: { tokenReview?: ReviewMetrics; accessReview?: ReviewMetrics };
}

const errorMessage = (err: unknown): string => String((err as Error)?.message ?? err);

export async function setUpDelegatedAuth(options: DelegatedAuthOptions): Promise<DelegatedAuth> {
  const { config, logger, env } = options;
  const tokens = config.tokenAuthFile ? await loadTokenFile(config.tokenAuthFile) : undefined;
  for (const warning of tokens?.warnings ?? []) logger.warn(warning);
  const policies = config.authorizationPolicyFile ? await loadPolicyFile(config.authorizationPolicyFile) : [];
  const [authnConnection, authzConnection] = await Promise.all([
    resolveClusterConnection({
      kubeconfig: config.authenticationKubeconfig,
      fallbackKubeconfig: config.kubeconfig,
      env,
      serviceAccountDir: options.serviceAccountDir,
    }),
    resolveClusterConnection({
      kubeconfig: config.authorizationKubeconfig,
      fallbackKubeconfig: config.kubeconfig,
      env,
      serviceAccountDir: options.serviceAccountDir,
    }),
  ]);
  const clients: KubeClient[] = [];
  const authnClient = authnConnection && createKubeClient(authnConnection);
  const authzClient = authzConnection && createKubeClient(authzConnection);
  for (const client of [authnClient, authzClient]) if (client) clients.push(client);

  const initial = await loadInitialSources({ config, logger, client: authnClient });
  const lookupClient = config.authenticationSkipLookup ? undefined : authnClient;
  const sources = keepSourcesFresh({
    load: () =>
      loadAuthenticationSources({
        clientCAFile: config.clientCAFile,
        requestHeader: config.requestHeader,
        client: lookupClient,
      }),
    intervalMs: options.refreshMs,
    logger,
    initial,
  });
  if (!tokens && !authnClient && !initial.clientCA && !initial.requestHeader) {
    sources.stop();
    throw new Error(
      'no authentication configured: give --token-auth-file, --client-ca-file, --requestheader-client-ca-file or a kubeconfig',
    );
  }

  const authenticate = createAuthenticationChain({
    sources: sources.current,
    tokens,
    tokenReview:
      authnClient &&
      createTokenReviewer({
        client: authnClient,
        ttlMs: config.tokenWebhookCacheTtlMs,
        metrics: options.metrics?.tokenReview,
      }),
    onReviewError: (err, req) =>
      logger.warn('TokenReview failed; the request is not authenticated', {
        auditID: req.auditID,
        error: errorMessage(err),
      }),
  });
  const authorize = createAuthorizer({
    alwaysAllowPaths: config.authorizationAlwaysAllowPaths,
    alwaysAllow: config.authorizationAlwaysAllow,
    policies: policies.length > 0 ? policyMatcher(policies) : undefined,
    review:
      authzClient &&
      createSubjectAccessReviewer({
        client: authzClient,
        allowedTtlMs: config.authorizationAllowedCacheTtlMs,
        deniedTtlMs: config.authorizationDeniedCacheTtlMs,
        metrics: options.metrics?.accessReview,
      }),
  });
  logStartup({
    logger,
    initial,
    authn: authnClient,
    authz: authzClient,
    tokenFile: Boolean(tokens),
    policies,
    alwaysAllow: config.authorizationAlwaysAllow,
  });

  return {
    authenticate,
    authorize,
    identityHeaders: () => sources.current().requestHeader ?? config.requestHeader,
    sources,
    clientCAs: () => unionPem([sources.current().clientCA, sources.current().requestHeader?.ca]),
    // CAs may appear later (ConfigMap), so with a cluster to ask, always ask for certificates.
    requestClientCertificates: Boolean(
      lookupClient || config.clientCAFile || config.requestHeader.clientCAFile,
    ),
    close: () => {
      sources.stop();
      for (const client of clients) client.close();
    },
  };
}

/** First read: a ConfigMap that cannot be read stops start-up unless told to tolerate it (k8s). */
async function loadInitialSources(opts: {
  config: ServerConfig;
  logger: Logger;
  client: KubeClient | undefined;
}): Promise<AuthenticationSources> {
  const { config } = opts;
  const client = config.authenticationSkipLookup ? undefined : opts.client;
  const load = (withClient: KubeClient | undefined) =>
    loadAuthenticationSources({
      clientCAFile: config.clientCAFile,
      requestHeader: config.requestHeader,
      client: withClient,
    });
  try {
    return await load(client);
  } catch (err) {
    if (!client || !config.authenticationTolerateLookupFailure) throw err;
    opts.logger.warn('cannot read the authentication ConfigMap; continuing with flags only, retrying', {
      error: errorMessage(err),
    });
    return load(undefined);
  }
}

function logStartup(opts: {
  logger: Logger;
  initial: AuthenticationSources;
  authn: KubeClient | undefined;
  authz: KubeClient | undefined;
  tokenFile: boolean;
  policies: readonly Policy[];
  alwaysAllow: boolean;
}): void {
  const { logger } = opts;
  logger.info('authentication', {
    ...describeSources(opts.initial),
    tokenFile: opts.tokenFile,
    tokenReview: opts.authn?.server ?? 'off (no kubeconfig, not in a cluster)',
  });
  const policyFile = opts.policies.length > 0 ? { policies: opts.policies.length } : {};
  if (opts.alwaysAllow) {
    logger.warn(
      'authorization is AlwaysAllow (--authorization-always-allow): every authenticated user is allowed everything',
    );
  } else if (opts.authz) {
    logger.info('authorization delegated to the kube-apiserver (SubjectAccessReview)', {
      server: opts.authz.server,
      ...policyFile,
    });
  } else {
    logger.info(
      `authorization is standalone (no kubeconfig, not in a cluster): only ${PRIVILEGED_GROUP} and --authorization-policy-file's grants are allowed`,
      policyFile,
    );
  }
}
