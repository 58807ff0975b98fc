/**
 * A real pwk apiserver for the security tests: startServer with the given flags and start options
 * (intervals, env), logs captured as JSON, and a request helper that can present a client
 * certificate, a bearer token or neither — on a fresh TLS connection each time, so certificate and
 * CA changes apply to the next request.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseCommandLine } from '../../src/config/flags';
import { createLogger } from '../../src/logging/logger';
import { startServer } from '../../src/server/server';
import type { RunningServer, StartOptions } from '../../src/server/server';
import type { PemCertificate } from '../support/certificates';
import { readResponse } from '../support/server';
import type { TestResponse } from '../support/server';

export interface SecureServer {
  url: string;
  server: RunningServer;
  dir: string;
  logs: Array<Record<string, unknown>>;
  request(method: string, urlPath: string, options?: SecureRequestOptions): Promise<SecureResponse>;
  stop(): Promise<void>;
}

export interface SecureRequestOptions {
  token?: string;
  certificate?: PemCertificate;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer | object;
}

export type SecureResponse = TestResponse;

export const FOOS = '/apis/bar.pwk.educative.io/v1beta1/namespaces/default/foos';

export async function startSecureServer(
  options: { flags?: string[]; start?: Partial<Omit<StartOptions, 'config' | 'logger'>> } = {},
): Promise<SecureServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-secure-'));
  const parsed = parseCommandLine([
    '--bind-address=127.0.0.1',
    '--secure-port=0',
    `--data-dir=${path.join(dir, 'data')}`,
    `--cert-dir=${path.join(dir, 'certs')}`,
    ...(options.flags ?? []),
  ]);
  if (parsed.help) throw new Error('unexpected --help');
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const logger = createLogger({ level: 'debug', format: 'json', stream: sink });
  const server = await startServer({ config: parsed.config, logger, env: {}, ...options.start });
  const ca = await readFile(server.certFile);

  const request = (method: string, urlPath: string, opts: SecureRequestOptions = {}) =>
    new Promise<SecureResponse>((resolve, reject) => {
      const headers: Record<string, string | string[]> = { ...opts.headers };
      if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
      let body: string | Buffer | undefined;
      if (opts.body !== undefined) {
        body =
          typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
        // Node frames a DELETE's body only with an explicit length.
        headers['content-length'] = String(Buffer.byteLength(body));
      }
      const req = https.request(
        `${server.url}${urlPath}`,
        {
          method,
          headers,
          ca,
          agent: false,
          ...(opts.certificate ? { cert: opts.certificate.cert, key: opts.certificate.key } : {}),
        },
        (res) => {
          readResponse(res).then(resolve, reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  return {
    url: server.url,
    server,
    dir,
    logs,
    request,
    async stop() {
      await server.shutdown();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A Foo as kubectl would send it. */
export const foo = (name: string, spec: Record<string, unknown> = { replicas: 1 }) => ({
  apiVersion: 'bar.pwk.educative.io/v1beta1',
  kind: 'Foo',
  metadata: { name },
  spec,
});
