/**
 * Authentication as an Express filter: runs the chain, puts the user in `res.locals.user`, then
 * removes the credentials from the request (Authorization and the front proxy's identity
 * headers, as k8s does) so nothing downstream can mistake a client's X-Remote-User for an
 * identity. Failures go to the error handler as 401 Status.
 */
import { requestPath } from './exchange';
import type { ApiRequest, ApiResponse, Next } from './exchange';
import type { RequestAuthenticator } from '../auth/authentication-chain';
import type { UserInfo } from '../auth/user';
import { StatusError } from '../errors/status-error';
import type { AuthMetrics } from '../observability/metrics/auth-metrics';
import type { Tracer } from '@opentelemetry/api';
import type { PeerSocket } from '../auth/client-chain';
import type { RequestHeaderNames } from '../auth/request-header';
import { identityHeaderMatcher } from '../auth/request-header';

export interface AuthenticateRequestsOptions {
  authenticate: RequestAuthenticator;
  metrics?: AuthMetrics;
  /** When tracing: an "authentication" span per request. */
  tracer?: Tracer;
  /** The identity header names in force now (configured or the defaults). */
  identityHeaders: () => RequestHeaderNames;
}

export function authenticateRequests(options: AuthenticateRequestsOptions) {
  const { metrics } = options;
  return (req: ApiRequest, res: ApiResponse, next: Next): void => {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const span = options.tracer?.startSpan('authentication');
    const refuse = (err: unknown): void => {
      span?.setAttribute('result', 'failure');
      span?.end();
      // 401 is a refused credential (kube's failure); anything else could not be decided.
      const failed = err instanceof StatusError && err.code === 401;
      metrics?.authenticated(failed ? 'failure' : 'error', seconds());
      next(err);
    };
    const accept = (user: UserInfo): void => {
      span?.setAttribute('user', user.name);
      span?.end();
      metrics?.authenticated('success', seconds(), user.name);
      res.locals.user = user;
      removeCredentials(req, options.identityHeaders());
      // The request may have timed out while a TokenReview was pending: do not run it then.
      if (!res.writableEnded) next();
    };
    let user: UserInfo | Promise<UserInfo>;
    try {
      user = options.authenticate({
        headers: req.headers,
        headersDistinct: req.headersDistinct,
        // On HTTPS a TLSSocket: the chain reads the client's certificate from it.
        socket: req.socket as unknown as PeerSocket,
        path: requestPath(req),
        auditID: res.locals.auditID as string | undefined,
      });
    } catch (err) {
      refuse(err);
      return;
    }
    if (user instanceof Promise) user.then(accept, refuse);
    else accept(user);
  };
}

function removeCredentials(req: ApiRequest, names: RequestHeaderNames): void {
  const distinct = req.headersDistinct as Record<string, string[] | undefined>;
  const isIdentity = identityMatcher(names);
  for (const header of Object.keys(req.headers)) {
    if (header === 'authorization' || isIdentity(header)) {
      delete req.headers[header];
      delete distinct[header];
    }
  }
}

let matcherFor: { names: RequestHeaderNames; matches: (header: string) => boolean } | undefined;

/** The identity-header check for these names, prepared once per configuration (reloads change it). */
function identityMatcher(names: RequestHeaderNames): (header: string) => boolean {
  if (matcherFor?.names !== names) matcherFor = { names, matches: identityHeaderMatcher(names) };
  return matcherFor.matches;
}
