import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { peerChainOf, verifyClientChain } from '../../src/auth/client-chain';
import type { PeerCertificate, PeerChain } from '../../src/auth/client-chain';
import { createCA, issueCertificate } from '../support/certificates';
import type { PemCertificate } from '../support/certificates';

const DAY = 24 * 3600_000;

/** A CA certificate signed by `root` (createCA only makes roots). */
function intermediate(root: PemCertificate, cn: string, validity: { notAfter?: Date } = {}): PemCertificate {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const cert = forge.pki.createCertificate();
  const rootCert = forge.pki.certificateFromPem(root.cert);
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '0a' + Math.floor(Math.random() * 1e12).toString(16);
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = validity.notAfter ?? new Date(Date.now() + DAY);
  cert.setSubject([{ name: 'commonName', value: cn }]);
  cert.setIssuer(rootCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(root.key), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

const chainOf = (leaf: PemCertificate, ...others: PemCertificate[]): PeerChain => ({
  peer: {},
  leaf: new X509Certificate(leaf.cert),
  others: others.map((o) => new X509Certificate(o.cert)),
});

const roots = (...cas: PemCertificate[]) => cas.map((ca) => new X509Certificate(ca.cert));

describe('verifyClientChain', () => {
  const root = createCA('root');
  const otherRoot = createCA('other-root');
  const now = new Date();

  it('accepts a client certificate signed by a root of the bundle', () => {
    const leaf = issueCertificate(root, { cn: 'alice', client: true });

    expect(verifyClientChain(chainOf(leaf), roots(otherRoot, root), now)).toBe(true);
    expect(verifyClientChain(chainOf(leaf), roots(otherRoot), now)).toBe(false);
  });

  it('follows intermediates the client sent, up to the bundle', () => {
    const middle = intermediate(root, 'middle');
    const leaf = issueCertificate(middle, { cn: 'alice', client: true });

    expect(verifyClientChain(chainOf(leaf, middle), roots(root), now)).toBe(true);
    expect(verifyClientChain(chainOf(leaf), roots(root), now)).toBe(false);
    expect(verifyClientChain(chainOf(leaf, middle), roots(otherRoot), now)).toBe(false);
  });

  it('refuses an expired intermediate', () => {
    const middle = intermediate(root, 'stale', { notAfter: new Date(Date.now() + 1000) });
    const leaf = issueCertificate(middle, { cn: 'alice', client: true });

    expect(verifyClientChain(chainOf(leaf, middle), roots(root), new Date(Date.now() + 2 * DAY))).toBe(false);
  });

  it('refuses a leaf outside its validity, and one only meant for servers', () => {
    const leaf = issueCertificate(root, { cn: 'alice', client: true });
    const serverOnly = issueCertificate(root, { cn: 'alice' });

    expect(verifyClientChain(chainOf(leaf), roots(root), new Date(Date.now() + 2 * DAY))).toBe(false);
    expect(verifyClientChain(chainOf(serverOnly), roots(root), now)).toBe(false);
  });

  it('does not let a leaf act as a CA for another leaf', () => {
    const fakeMiddle = issueCertificate(root, { cn: 'middle', client: true });
    const leaf = issueCertificate(fakeMiddle, { cn: 'alice', client: true });

    expect(verifyClientChain(chainOf(leaf, fakeMiddle), roots(root), now)).toBe(false);
  });
});

describe('peerChainOf', () => {
  it('is undefined without a client certificate, and reads the chain node reports otherwise', () => {
    const root = createCA('root');
    const leaf = issueCertificate(root, { cn: 'alice', client: true });
    const rootPeer: PeerCertificate = { raw: new X509Certificate(root.cert).raw };
    rootPeer.issuerCertificate = rootPeer;
    const peer: PeerCertificate = { raw: new X509Certificate(leaf.cert).raw, issuerCertificate: rootPeer };

    expect(peerChainOf({ getPeerCertificate: () => ({}) })).toBeUndefined();
    expect(peerChainOf({})).toBeUndefined();
    const chain = peerChainOf({ getPeerCertificate: () => peer });
    expect(chain?.leaf.subject).toBe('CN=alice');
    expect(chain?.others.map((c) => c.subject)).toEqual(['CN=root']);
  });
});
