/** Client-certificate identity (CN = user, O = groups) and loading the client CA bundle. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { loadClientCA, userFromClientCertificate } from '../../src/auth/client-cert';
import { createCA, issueCertificate } from '../support/certificates';

describe('userFromClientCertificate', () => {
  it('takes the user from CN and the groups from O, adding system:authenticated', () => {
    expect(userFromClientCertificate({ subject: { CN: 'alice', O: ['devs', 'ops'] } })).toEqual({
      name: 'alice',
      groups: ['devs', 'ops', 'system:authenticated'],
    });
  });

  it('accepts a single O as a string and no O at all', () => {
    expect(userFromClientCertificate({ subject: { CN: 'alice', O: 'devs' } })?.groups).toEqual([
      'devs',
      'system:authenticated',
    ]);
    expect(userFromClientCertificate({ subject: { CN: 'bob' } })?.groups).toEqual(['system:authenticated']);
  });

  it('uses the last CN when the subject repeats it, as Go does', () => {
    expect(userFromClientCertificate({ subject: { CN: ['first', 'last'] } })?.name).toBe('last');
  });

  it('names no user when the subject has no CN', () => {
    expect(userFromClientCertificate({ subject: { O: 'devs' } })).toBeUndefined();
    expect(userFromClientCertificate({ subject: { CN: '' } })).toBeUndefined();
    expect(userFromClientCertificate({})).toBeUndefined();
  });
});

describe('loadClientCA', () => {
  let dir: string;
  const first = createCA('pwk-client-ca-1');
  const second = createCA('pwk-client-ca-2');

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-ca-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const fileWith = async (content: string): Promise<string> => {
    const file = path.join(dir, 'ca.crt');
    await writeFile(file, content);
    return file;
  };

  const subjectsOf = (bundle: Buffer): string[] =>
    bundle
      .toString('utf8')
      .split(/(?<=-----END CERTIFICATE-----\n)/)
      .filter((pem) => pem.trim() !== '')
      .map((pem) => new X509Certificate(pem).subject);

  it('returns every certificate of a bundle', async () => {
    const bundle = await loadClientCA(await fileWith(first.cert + second.cert));

    expect(subjectsOf(bundle)).toEqual(['CN=pwk-client-ca-1', 'CN=pwk-client-ca-2']);
  });

  it('drops other PEM blocks, such as a private key kept in the same file', async () => {
    const bundle = await loadClientCA(await fileWith(first.key + first.cert));

    expect(bundle.toString('utf8')).not.toContain('PRIVATE KEY');
    expect(subjectsOf(bundle)).toEqual(['CN=pwk-client-ca-1']);
  });

  it('rejects a file without certificates, naming it', async () => {
    const file = await fileWith(first.key);

    await expect(loadClientCA(file)).rejects.toThrow(
      `client CA file "${file}" does not contain any PEM certificate`,
    );
  });

  it('rejects a damaged certificate, naming the file and which certificate', async () => {
    const damaged = second.cert.replace(/(-----BEGIN CERTIFICATE-----\r?\n)..../, '$1AAAA');
    const file = await fileWith(first.cert + damaged);

    await expect(loadClientCA(file)).rejects.toThrow(`client CA file "${file}": certificate 2 is invalid: `);
  });

  it('names the file when it cannot be read', async () => {
    const file = path.join(dir, 'missing.crt');

    await expect(loadClientCA(file)).rejects.toThrow(
      `cannot read client CA file "${file}": ENOENT: no such file or directory`,
    );
  });

  it('loads the certificates issueCertificate signs against', () => {
    const leaf = new X509Certificate(issueCertificate(first, { cn: 'alice', client: true }).cert);

    expect(leaf.checkIssued(new X509Certificate(first.cert))).toBe(true);
    expect(leaf.checkIssued(new X509Certificate(second.cert))).toBe(false);
  });
});
