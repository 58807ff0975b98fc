/**
 * The serving certificate: the files given by --tls-cert-file/--tls-private-key-file, or a
 * self-signed one generated into --cert-dir at first start and reused afterwards (as
 * k8s.io/apiserver's MaybeDefaultWithSelfSignedCerts does).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { generate as generateType } from 'selfsigned';

export interface ServingCertificate {
  cert: Buffer;
  key: Buffer;
  /** Where the certificate came from, for the start-up log and the kubeconfig. */
  certFile: string;
}

export async function loadServingCertificate(opts: {
  tls?: { certFile: string; keyFile: string };
  certDir: string;
}): Promise<ServingCertificate> {
  if (opts.tls) {
    const [cert, key] = await Promise.all([readFile(opts.tls.certFile), readFile(opts.tls.keyFile)]);
    return { cert, key, certFile: opts.tls.certFile };
  }
  const certFile = path.join(opts.certDir, 'apiserver.crt');
  const keyFile = path.join(opts.certDir, 'apiserver.key');
  try {
    const [cert, key] = await Promise.all([readFile(certFile), readFile(keyFile)]);
    return { cert, key, certFile };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const now = new Date();
  // Loaded only when a certificate must be made: the X.509 libraries behind it hold ~15 MB of
  // memory for the life of the process, and a restarted server reuses the one it made before.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { generate } = require('selfsigned') as { generate: typeof generateType };
  const generated = await generate([{ name: 'commonName', value: 'pwk-apiserver' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 2, value: os.hostname() },
          { type: 2, value: 'pwk-apiserver' },
          { type: 2, value: 'pwk-apiserver.pwk-system.svc' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  await mkdir(opts.certDir, { recursive: true, mode: 0o700 });
  await writeFile(certFile, generated.cert, { mode: 0o644 });
  await writeFile(keyFile, generated.private, { mode: 0o600 });
  return { cert: Buffer.from(generated.cert), key: Buffer.from(generated.private), certFile };
}
