/**
 * A CA bundle as both forms we need: parsed certificates (to verify client chains ourselves)
 * and PEM text (for the TLS server's `ca`, which only decides which CAs the server names in its
 * certificate request). Parsing follows k8s' cert.ParseCertsPEM: every CERTIFICATE block must
 * parse, other PEM blocks are ignored, and an empty bundle is an error.
 */
import { X509Certificate } from 'node:crypto';

export interface CertificateBundle {
  /** The certificates, PEM-encoded and normalised, one after another. */
  pem: string;
  certificates: X509Certificate[];
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

// Duck-typed: errors are not `instanceof Error` across realms (e.g. under jest).
const errorMessage = (err: unknown): string =>
  typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);

/** Parses PEM text; `source` names where it came from in errors ("file x", "ConfigMap key y"). */
export function parseCertificateBundle(text: string, source: string): CertificateBundle {
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new Error(`${source} does not contain any PEM certificate`);
  const certificates = blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      throw new Error(`${source}: certificate ${index + 1} is invalid: ${errorMessage(err)}`);
    }
  });
  return { pem: certificates.map((c) => c.toString()).join(''), certificates };
}

/** Whether two bundles hold the same certificates (so a reload that changed nothing is a no-op). */
export function sameBundle(a: CertificateBundle | undefined, b: CertificateBundle | undefined): boolean {
  return a?.pem === b?.pem;
}

/** The PEM union of several bundles, without duplicates; undefined when there is nothing. */
export function unionPem(bundles: Array<CertificateBundle | undefined>): string | undefined {
  const seen = new Set<string>();
  for (const bundle of bundles) for (const cert of bundle?.certificates ?? []) seen.add(cert.toString());
  return seen.size === 0 ? undefined : [...seen].join('');
}
