/**
 * Test PKI: a CA and the server and client certificates it issues, as PEM strings ready for
 * `https.createServer({ key, cert, ca })`, `https.request({ key, cert, ca })` or a kubeconfig.
 * Keys are RSA 2048 (forge uses node's native generator, so this is quick).
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** A certificate and its private key, PEM-encoded. */
export interface PemCertificate {
  cert: string;
  key: string;
}

export interface IssueOptions {
  /** Subject CN: the user name for client certificates. */
  cn: string;
  /** Subject O entries: the groups for client certificates. */
  organizations?: string[];
  /** DNS names and IP addresses for a server certificate; default `localhost` and `127.0.0.1`. */
  serverNames?: string[];
  /** Issue a client certificate (extKeyUsage clientAuth, no SANs) instead of a server one. */
  client?: boolean;
  /** Validity window; default from one hour ago to one day from now. */
  notBefore?: Date;
  notAfter?: Date;
}

const HOUR_MS = 60 * 60 * 1000;

/** A self-signed CA that may sign leaf certificates (and nothing below them). */
export function createCA(cn: string): PemCertificate {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const cert = newCertificate(keys.publicKey, {});
  const subject = [{ name: 'commonName', value: cn }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** A leaf certificate signed by `ca`: a server certificate unless `client` is set. */
export function issueCertificate(ca: PemCertificate, options: IssueOptions): PemCertificate {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const caKey = forge.pki.privateKeyFromPem(ca.key);
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const cert = newCertificate(keys.publicKey, options);
  cert.setSubject([
    { name: 'commonName', value: options.cn },
    ...(options.organizations ?? []).map((o) => ({ name: 'organizationName', value: o })),
  ]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    options.client ? { name: 'extKeyUsage', clientAuth: true } : { name: 'extKeyUsage', serverAuth: true },
    ...(options.client ? [] : [{ name: 'subjectAltName', altNames: altNames(options.serverNames) }]),
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

function newCertificate(
  publicKey: forge.pki.PublicKey,
  validity: Pick<IssueOptions, 'notBefore' | 'notAfter'>,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // Positive (high bit clear), random so two CAs in one test never share issuer+serial.
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  const now = Date.now();
  cert.validity.notBefore = validity.notBefore ?? new Date(now - HOUR_MS);
  cert.validity.notAfter = validity.notAfter ?? new Date(now + 24 * HOUR_MS);
  return cert;
}

/** SAN entries: type 7 is an IP address, type 2 a DNS name. */
function altNames(serverNames: string[] = ['localhost', '127.0.0.1']): Array<Record<string, unknown>> {
  return serverNames.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name }));
}
