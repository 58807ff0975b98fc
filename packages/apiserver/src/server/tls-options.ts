/**
 * The TLS settings of the serving socket: TLS 1.2 at least, forward-secret AEAD ciphers only (the
 * Mozilla "intermediate" list, close to k8s' secure defaults), the server's cipher order, and —
 * when client certificates can authenticate — a certificate request naming every CA that may
 * vouch for a client. The chain itself is checked per CA by auth/client-chain.ts, so the
 * handshake does not reject (see there why).
 */
import type { SecureContextOptions, TlsOptions } from 'node:tls';

export const MODERN_CIPHERS = [
  // TLS 1.3 (OpenSSL picks among these itself).
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  // TLS 1.2: ECDHE key exchange, AEAD ciphers.
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** PEM of every CA that may sign client certificates (client CA ∪ request-header CA). */
  clientCAs?: string;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
}

/** Options for `server.setSecureContext()`: what may change while serving (certificate, CAs). */
export function secureContextOptions(material: TlsMaterial): SecureContextOptions {
  return {
    cert: material.cert,
    key: material.key,
    minVersion: material.minVersion,
    ciphers: MODERN_CIPHERS,
    honorCipherOrder: true,
    // An empty list (no CA known yet) must not fall back to node's public roots.
    ca: material.clientCAs ?? [],
  };
}

/** Options for `https.createServer()`. */
export function serverTlsOptions(material: TlsMaterial, requestClientCertificates: boolean): TlsOptions {
  return {
    ...secureContextOptions(material),
    requestCert: requestClientCertificates,
    // Token users connect without a certificate; each authenticator checks chains against its own CA.
    rejectUnauthorized: false,
  };
}
