/**
 * The standalone authentication chain: verified client certificate, then bearer token from the
 * static token file. Like kube-apiserver, credentials that are presented but refused (a bad
 * token, a certificate the client CA does not vouch for) fail the request with 401 unless another
 * method authenticates it; only a request with no credentials at all may be anonymous, and only
 * on the always-allowed health and version paths.
 */
import { StatusError } from '../errors/status-error';
import { userFromClientCertificate } from './client-cert';
import type { TokenAuthenticator } from './token-file';
import { anonymousUser } from './user';
import type { UserInfo } from './user';

export interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  socket: {
    authorized?: boolean;
    getPeerCertificate?: (
      detailed?: boolean,
    ) => { subject?: { CN?: string | string[]; O?: string | string[] } } | Record<string, never>;
  };
  path: string;
}

export interface AuthenticatorOptions {
  /** Bearer tokens from `--token-auth-file`. */
  tokens?: TokenAuthenticator;
  /** Trust client certificates whose chain TLS verified against the client CA. */
  clientCertificates?: boolean;
}

/** Reachable without credentials (load balancers, probes, `kubectl version` before login). */
export const ALWAYS_ALLOWED_PATHS: readonly string[] = ['/healthz', '/livez', '/readyz', '/version'];

export function isAlwaysAllowed(path: string): boolean {
  return ALWAYS_ALLOWED_PATHS.some((allowed) => path === allowed || path.startsWith(`${allowed}/`));
}

/** What one method made of a request: a user, nothing to go on, or credentials it refused. */
type Verdict = UserInfo | 'no-credentials' | 'rejected';

/**
 * Builds the request authenticator. It returns the user (system:anonymous on an always-allowed
 * path without credentials) or throws StatusError.unauthorized().
 */
export function createAuthenticator(options: AuthenticatorOptions): (req: AuthRequest) => UserInfo {
  const { tokens, clientCertificates = false } = options;
  if (!tokens && !clientCertificates) {
    // Every request but health checks would be 401: that is a configuration mistake, say so early.
    throw new Error('no authentication method configured: give a token file, a client CA, or both');
  }
  return (req) => {
    const verdicts: Verdict[] = [];
    if (clientCertificates) verdicts.push(byClientCertificate(req.socket));
    if (tokens) verdicts.push(byBearerToken(req.headers, tokens));
    const user = verdicts.find((v): v is UserInfo => typeof v === 'object');
    if (user) return user;
    if (verdicts.every((v) => v === 'no-credentials') && isAlwaysAllowed(req.path)) return anonymousUser();
    throw StatusError.unauthorized();
  };
}

function byClientCertificate(socket: AuthRequest['socket']): Verdict {
  // Node returns {} when the client presented no certificate (null once the socket is gone).
  const cert = socket.getPeerCertificate?.(false);
  if (!cert || Object.keys(cert).length === 0) return 'no-credentials';
  // The server runs with rejectUnauthorized: false so that token users can connect without a
  // certificate; `authorized` is TLS's verdict on the chain against the client CA.
  if (socket.authorized !== true) return 'rejected';
  return userFromClientCertificate(cert) ?? 'no-credentials';
}

function byBearerToken(headers: AuthRequest['headers'], tokens: TokenAuthenticator): Verdict {
  const token = bearerToken(headers);
  if (token === undefined) return 'no-credentials';
  return tokens.authenticate(token) ?? 'rejected';
}

/** `Authorization: Bearer <token>` parsed as k8s' bearertoken authenticator does. */
function bearerToken(headers: AuthRequest['headers']): string | undefined {
  const header = headers['authorization'];
  const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  const [scheme, token] = value.split(' ');
  // Scheme is case-insensitive; "Bearer  x" (two spaces) carries an empty token, which is no token.
  if (scheme?.toLowerCase() !== 'bearer' || !token) return undefined;
  return token;
}
