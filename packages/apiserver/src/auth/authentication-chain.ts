/**
 * The authentication chain of an aggregated server, first success wins (k8s' union authenticator
 * under the delegating authenticator):
 *   1. front proxy: a client certificate from the request-header CA, CN allowed → user from the
 *      X-Remote-* headers;
 *   2. client certificate from the client CA → CN is the user, O the groups;
 *   3. bearer token: the static token file, then TokenReview.
 * Credentials presented but refused fail the request with 401 unless a later method succeeds;
 * a request with no credentials at all is anonymous on the always-allowed health paths only.
 * Identity headers count only in step 1: anyone else's X-Remote-User is ignored.
 */
import { StatusError } from '../errors/status-error';
import { isAlwaysAllowed } from './authenticate';
import type { AuthenticationSources, RequestHeaderSource } from './authentication-sources';
import type { CertificateBundle } from './certificate-bundle';
import type { PeerChain, PeerSocket } from './client-chain';
import { peerChainOf, verifyClientChain } from './client-chain';
import { userFromClientCertificate } from './client-cert';
import type { DistinctHeaders } from './request-header';
import { userFromRequestHeaders } from './request-header';
import type { TokenAuthenticator } from './token-file';
import type { TokenReviewer } from './token-review';
import { anonymousUser } from './user';
import type { UserInfo } from './user';

export interface AuthenticationRequest {
  headers: Record<string, string | string[] | undefined>;
  headersDistinct: DistinctHeaders;
  socket: PeerSocket;
  path: string;
  /** For log lines about this request. */
  auditID?: string;
}

/** Resolves with the user, or rejects with a 401 StatusError. */
/**
 * The user a request authenticates as. Synchronous when no TokenReview has to be asked (the hot
 * path: a promise per request costs a microtask hop and an allocation); throws (or rejects with)
 * a 401 StatusError.
 */
export type RequestAuthenticator = (req: AuthenticationRequest) => UserInfo | Promise<UserInfo>;

export interface AuthenticationChainOptions {
  /** The CAs and header names in force now (they may rotate). */
  sources: () => AuthenticationSources;
  tokens?: TokenAuthenticator;
  tokenReview?: TokenReviewer;
  now?: () => Date;
  /** Why a TokenReview could not be made: for the server log, never for the client. */
  onReviewError?: (err: unknown, req: AuthenticationRequest) => void;
}

/** What one method made of a request: a user, nothing to go on, or credentials it refused. */
type Verdict = UserInfo | 'no-credentials' | 'rejected';

// Re-verifying a chain costs a signature check per certificate; a connection carries many requests.
const REVERIFY_AFTER_MS = 60_000;

export function createAuthenticationChain(options: AuthenticationChainOptions): RequestAuthenticator {
  const now = options.now ?? (() => new Date());
  const verdicts = new WeakMap<PeerChain, WeakMap<CertificateBundle, { ok: boolean; until: number }>>();

  const chainTrustedBy = (chain: PeerChain, bundle: CertificateBundle): boolean => {
    const at = now();
    const known = verdicts.get(chain)?.get(bundle);
    if (known && known.until > at.getTime()) return known.ok;
    const ok = verifyClientChain(chain, bundle.certificates, at);
    const perBundle = verdicts.get(chain) ?? new WeakMap();
    perBundle.set(bundle, { ok, until: at.getTime() + REVERIFY_AFTER_MS });
    verdicts.set(chain, perBundle);
    return ok;
  };

  const byFrontProxy = (req: AuthenticationRequest, chain: PeerChain | undefined): Verdict => {
    const config: RequestHeaderSource | undefined = options.sources().requestHeader;
    if (!config || !chain) return 'no-credentials';
    if (!chainTrustedBy(chain, config.ca)) return 'rejected';
    // Go keeps the last CN of a subject that repeats it; so does userFromClientCertificate.
    const cnValue = chain.peer.subject?.CN;
    const cn = (Array.isArray(cnValue) ? cnValue.at(-1) : cnValue) ?? '';
    if (config.allowedNames.length > 0 && !config.allowedNames.includes(cn)) return 'rejected';
    // A verified proxy that names nobody is no credentials (k8s), not a refusal.
    return userFromRequestHeaders(req.headersDistinct, config) ?? 'no-credentials';
  };

  const byClientCertificate = (chain: PeerChain | undefined): Verdict => {
    const clientCA = options.sources().clientCA;
    if (!clientCA || !chain) return 'no-credentials';
    if (!chainTrustedBy(chain, clientCA)) return 'rejected';
    return userFromClientCertificate(chain.peer) ?? 'no-credentials';
  };

  const byTokenReview = async (req: AuthenticationRequest, token: string): Promise<Verdict> => {
    try {
      return (await options.tokenReview!(token)) ?? 'rejected';
    } catch (err) {
      options.onReviewError?.(err, req);
      return 'rejected';
    }
  };

  /** Synchronous unless a TokenReview must be asked (every request pays for each await). */
  const byBearerToken = (req: AuthenticationRequest): Verdict | Promise<Verdict> => {
    const token = bearerToken(req.headers);
    if (token === undefined || (!options.tokens && !options.tokenReview)) return 'no-credentials';
    const fromFile = options.tokens?.authenticate(token);
    if (fromFile) return fromFile;
    if (!options.tokenReview) return 'rejected';
    return byTokenReview(req, token);
  };

  // The methods in k8s' order: the first that names a user wins.
  return (req) => {
    const chain = peerChainOf(req.socket);
    const proxy = byFrontProxy(req, chain);
    if (typeof proxy === 'object') return proxy;
    const certificate = byClientCertificate(chain);
    if (typeof certificate === 'object') return certificate;
    const bearer = byBearerToken(req);
    const settle = (token: Verdict): UserInfo => {
      if (typeof token === 'object') return token;
      // A certificate with no CA configured to check it is no credentials, not refused ones.
      const none = [proxy, certificate, token].every((v) => v === 'no-credentials');
      if (none && isAlwaysAllowed(req.path)) return anonymousUser();
      throw StatusError.unauthorized();
    };
    return bearer instanceof Promise ? bearer.then(settle) : settle(bearer);
  };
}

/** `Authorization: Bearer <token>` parsed as k8s' bearertoken authenticator does. */
function bearerToken(headers: AuthenticationRequest['headers']): string | undefined {
  const header = headers['authorization'];
  const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  const [scheme, token] = value.split(' ');
  // Scheme is case-insensitive; "Bearer  x" (two spaces) carries an empty token, which is no token.
  if (scheme?.toLowerCase() !== 'bearer' || !token) return undefined;
  return token;
}
