/**
 * The TLS face of pwk: TLS 1.2 or newer with forward-secret AEAD ciphers only, and a serving
 * certificate (--tls-cert-file/--tls-private-key-file) that is reloaded when its files change.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { createCA, issueCertificate } from '../support/certificates';
import { startSecureServer } from './secure-server';
import type { SecureServer } from './secure-server';

describe('TLS', () => {
  const firstCA = createCA('serving-ca-1');
  const secondCA = createCA('serving-ca-2');
  let dir: string;
  let pwk: SecureServer;
  let certFile: string;
  let keyFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-tls-'));
    certFile = path.join(dir, 'tls.crt');
    keyFile = path.join(dir, 'tls.key');
    const serving = issueCertificate(firstCA, { cn: 'pwk-apiserver' });
    await writeFile(certFile, serving.cert);
    await writeFile(keyFile, serving.key);
    await writeFile(path.join(dir, 'tokens.csv'), 't,admin,1\n');
    pwk = await startSecureServer({
      flags: [
        `--tls-cert-file=${certFile}`,
        `--tls-private-key-file=${keyFile}`,
        `--token-auth-file=${dir}/tokens.csv`,
      ],
      start: { certReloadIntervalMs: 100 },
    });
  });

  afterAll(async () => {
    await pwk?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Handshake outcome: the negotiated protocol and cipher, or the error code. */
  const handshake = (options: tls.ConnectionOptions) =>
    new Promise<string>((resolve) => {
      const { port } = new URL(pwk.url);
      const socket = tls.connect(
        { host: '127.0.0.1', port: Number(port), servername: 'localhost', ...options },
        () => {
          resolve(`${socket.getProtocol()} ${socket.getCipher().name}`);
          socket.destroy();
        },
      );
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code ?? err.message}`));
    });

  it('refuses TLS 1.1', async () => {
    expect(await handshake({ ca: firstCA.cert, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' })).toMatch(
      /^error /,
    );
  });

  it('refuses TLS 1.2 without forward secrecy', async () => {
    expect(
      await handshake({ ca: firstCA.cert, maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256:AES256-SHA' }),
    ).toMatch(/^error /);
  });

  it('speaks TLS 1.2 with ECDHE and TLS 1.3', async () => {
    expect(await handshake({ ca: firstCA.cert, maxVersion: 'TLSv1.2' })).toMatch(
      /^TLSv1\.2 ECDHE-RSA-AES(128|256)-GCM-SHA(256|384)$/,
    );
    expect(await handshake({ ca: firstCA.cert })).toMatch(/^TLSv1\.3 TLS_/);
  });

  it('reloads the serving certificate when its files change', async () => {
    const get = (ca: string) =>
      new Promise<string>((resolve) => {
        https
          .get(`${pwk.url}/healthz`, { ca, agent: false, servername: 'localhost' }, (res) => {
            res.resume();
            resolve(String(res.statusCode));
          })
          .on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      });
    expect(await get(firstCA.cert)).toBe('200');

    const next = issueCertificate(secondCA, { cn: 'pwk-apiserver' });
    await writeFile(certFile, next.cert);
    await writeFile(keyFile, next.key);
    const deadline = Date.now() + 5000;
    while ((await get(secondCA.cert)) !== '200') {
      if (Date.now() > deadline) throw new Error('the new certificate was never served');
      await new Promise((r) => setTimeout(r, 50));
    }

    expect(await get(firstCA.cert)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(pwk.logs).toContainEqual(expect.objectContaining({ message: 'serving certificate reloaded' }));
  });
});
