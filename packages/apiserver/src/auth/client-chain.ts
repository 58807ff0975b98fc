/**
 * Client-certificate chains, verified by us rather than by TLS. Two CAs may vouch for a client:
 * the client CA (its CN is the user) and the request-header CA (the front proxy, trusted to name
 * the user in headers). TLS can only check a chain against the union of both, which would let a
 * user certificate pass as the front proxy or the other way round. So the server asks for a
 * certificate with `ca` = the union (clients choose their certificate from the CA names in that
 * request) and rejectUnauthorized: false, and each authenticator checks the chain against its
 * own CA here, as k8s' x509 Verifier does with its own x509.VerifyOptions.Roots.
 *
 * Checked: signatures up to a root of the bundle, validity dates of every certificate, CA flag
 * of intermediates, and extended key usage clientAuth (or none, or any) on leaf and
 * intermediates. Not checked (as most PKIs in clusters never use them): path length and name
 * constraints, revocation.
 */
import { X509Certificate } from 'node:crypto';

/** The parts of node's DetailedPeerCertificate we read. */
export interface PeerCertificate {
  raw?: Buffer;
  subject?: { CN?: string | string[]; O?: string | string[] };
  issuerCertificate?: PeerCertificate;
}

/** A TLS socket, or a plain one (no getPeerCertificate). */
export interface PeerSocket {
  getPeerCertificate?(detailed: true): PeerCertificate | Record<string, never> | null;
}

export interface PeerChain {
  /** Node's view of the leaf (subject CN/O give the user). */
  peer: PeerCertificate;
  leaf: X509Certificate;
  /** Every other certificate of the handshake: candidates for intermediates, trusted for nothing. */
  others: X509Certificate[];
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';
const MAX_INTERMEDIATES = 8;

// A connection's certificate never changes, and keep-alive connections carry many requests.
const chains = new WeakMap<object, PeerChain | null>();

/** The client's certificate chain, or undefined when it presented none. */
export function peerChainOf(socket: PeerSocket): PeerChain | undefined {
  const cached = chains.get(socket);
  if (cached !== undefined) return cached ?? undefined;
  const peer = socket.getPeerCertificate?.(true);
  // Node returns null once the socket is gone: do not remember that.
  if (peer === null) return undefined;
  const chain =
    peer && 'raw' in peer && peer.raw ? readPeerChain(peer as PeerCertificate & { raw: Buffer }) : undefined;
  chains.set(socket, chain ?? null);
  return chain;
}

function readPeerChain(peer: PeerCertificate & { raw: Buffer }): PeerChain {
  const others: X509Certificate[] = [];
  const seen = new Set<string>([peer.raw.toString('base64')]);
  // Node links the certificates the client sent (and the root it found in `ca`) by issuer;
  // a self-signed root links to itself, so stop at anything already seen.
  for (let next = peer.issuerCertificate; next?.raw && !seen.has(next.raw.toString('base64'));) {
    seen.add(next.raw.toString('base64'));
    others.push(new X509Certificate(next.raw));
    next = next.issuerCertificate;
  }
  return { peer, leaf: new X509Certificate(peer.raw), others };
}

/** Whether `chain` leads from its leaf to one of `roots`, valid at `now`, for client authentication. */
export function verifyClientChain(chain: PeerChain, roots: readonly X509Certificate[], now: Date): boolean {
  if (!validAt(chain.leaf, now) || !allowsClientAuth(chain.leaf)) return false;
  return reachesRoot(chain.leaf, { others: chain.others, roots, now, visited: new Set() });
}

interface Search {
  others: readonly X509Certificate[];
  roots: readonly X509Certificate[];
  now: Date;
  visited: Set<X509Certificate>;
}

function reachesRoot(cert: X509Certificate, search: Search): boolean {
  const { roots, now } = search;
  // A certificate that is itself in the bundle is trusted as it is (Go does the same).
  if (roots.some((root) => root.raw.equals(cert.raw))) return true;
  if (roots.some((root) => issuedBy(cert, root) && validAt(root, now))) return true;
  if (search.visited.size >= MAX_INTERMEDIATES) return false;
  return search.others.some((candidate) => {
    if (search.visited.has(candidate) || !candidate.ca || !validAt(candidate, now)) return false;
    if (!allowsClientAuth(candidate) || !issuedBy(cert, candidate)) return false;
    search.visited.add(candidate);
    return reachesRoot(candidate, search);
  });
}

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  try {
    return child.checkIssued(parent) && child.verify(parent.publicKey);
  } catch {
    return false;
  }
}

function validAt(cert: X509Certificate, now: Date): boolean {
  return new Date(cert.validFrom) <= now && now <= new Date(cert.validTo);
}

/** Node's `keyUsage` is the extended key usage list; no extension means any use. */
function allowsClientAuth(cert: X509Certificate): boolean {
  const usages = cert.keyUsage as string[] | undefined;
  return usages === undefined || usages.includes(CLIENT_AUTH) || usages.includes(ANY_EXTENDED_KEY_USAGE);
}
