/**
 * Client-certificate identity, as k8s' x509 authenticator (CommonNameUserConversion) maps it:
 * subject CN is the user name, each subject O is a group. Also loads the `--client-ca-file` the
 * TLS server verifies client chains against. Verification itself is TLS's job: callers must only
 * pass certificates whose chain the TLS socket reported as authorized.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { UserInfo } from './user';
import { withAuthenticatedGroup } from './user';

/** The part of node's `TLSSocket.getPeerCertificate()` result we read. */
export interface PeerCertificateLike {
  subject?: { CN?: string | string[]; O?: string | string[] };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

// Duck-typed: fs errors are not `instanceof Error` across realms (e.g. under jest).
const errorMessage = (err: unknown): string =>
  typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);

/**
 * The user a verified client certificate names, with system:authenticated added; undefined when
 * the subject has no CN (k8s then treats the certificate as carrying no user, not as an error).
 */
export function userFromClientCertificate(cert: PeerCertificateLike): UserInfo | undefined {
  // Node reports a repeated attribute as an array; Go's pkix.Name keeps the last CN, so do we.
  const name = asList(cert.subject?.CN).at(-1) ?? '';
  if (name === '') return undefined;
  return withAuthenticatedGroup({ name, groups: asList(cert.subject?.O) });
}

/**
 * Reads a PEM bundle of CA certificates for the TLS server's `ca` option. Every CERTIFICATE block
 * must parse and there must be at least one (other PEM blocks are ignored, as k8s' ParseCertsPEM
 * does); the result holds only the certificates. Errors name the file.
 */
export async function loadClientCA(path: string): Promise<Buffer> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read client CA file "${path}": ${errorMessage(err)}`);
  }
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    throw new Error(`client CA file "${path}" does not contain any PEM certificate`);
  }
  const certificates = blocks.map((block, index) => {
    try {
      return new X509Certificate(block).toString();
    } catch (err) {
      throw new Error(`client CA file "${path}": certificate ${index + 1} is invalid: ${errorMessage(err)}`);
    }
  });
  return Buffer.from(certificates.join(''), 'utf8');
}
