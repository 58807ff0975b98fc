/**
 * A real pwk apiserver for tests: HTTPS on a random loopback port, the real file store in a
 * temp dir, a generated self-signed certificate, a static token, and a kubeconfig for kubectl.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { KindDefinition } from '@pwk/api';
import { parseCommandLine } from '../../src/config/flags';
import type { ServerConfig } from '../../src/config/flags';
import { createLogger } from '../../src/logging/logger';
import { startServer } from '../../src/server/server';
import type { RunningServer } from '../../src/server/server';

export const ADMIN_TOKEN = 'admin-token-for-tests';

export interface TestServer {
  url: string;
  server: RunningServer;
  dir: string;
  dataDir: string;
  kubeconfig: string;
  /** Everything the server logged, one JSON object per entry. */
  logs: Array<Record<string, unknown>>;
  request(method: string, urlPath: string, options?: RequestOptions): Promise<TestResponse>;
  stop(): Promise<void>;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: string | Buffer | object;
  /** Default: the admin token. `null`: no credentials. */
  token?: string | null;
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body as received, for binary answers (protobuf). */
  bytes: Buffer;
  json<T = Record<string, unknown>>(): T;
}

/** A response read to its end: status, headers and body text (and its JSON on demand). */
export function readResponse(res: IncomingMessage): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const text = bytes.toString('utf8');
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        text,
        bytes,
        json: <T>() => JSON.parse(text) as T,
      });
    });
    res.on('error', reject);
  });
}

export interface TestServerOptions {
  /** Extra flags, e.g. ['--event-window', '100']. */
  flags?: string[];
  bookmarkIntervalMs?: number;
  /** Reuse a data dir (restart tests). */
  dataDir?: string;
  /** The kinds to serve (default: the server's registered kinds). */
  kinds?: readonly KindDefinition[];
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-server-'));
  const dataDir = options.dataDir ?? path.join(dir, 'data');
  const tokenFile = path.join(dir, 'tokens.csv');
  await writeFile(tokenFile, `${ADMIN_TOKEN},admin,admin-uid,"system:masters"\n`);
  const parsed = parseCommandLine([
    '--bind-address=127.0.0.1',
    '--secure-port=0',
    `--data-dir=${dataDir}`,
    `--cert-dir=${path.join(dir, 'certs')}`,
    `--token-auth-file=${tokenFile}`,
    ...(options.flags ?? []),
  ]);
  if (parsed.help) throw new Error('unexpected --help');
  const config: ServerConfig = parsed.config;
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ level: 'debug', format: 'json', stream: sink });
  const server = await startServer({
    config,
    logger,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
    kinds: options.kinds,
  });
  const kubeconfig = path.join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: pwk`,
      `  cluster: {server: "${server.url}", certificate-authority: "${server.certFile}"}`,
      'users:',
      `- name: admin`,
      `  user: {token: "${ADMIN_TOKEN}"}`,
      'contexts:',
      '- name: pwk',
      '  context: {cluster: pwk, user: admin, namespace: default}',
      'current-context: pwk',
      '',
    ].join('\n'),
  );
  const ca = await readFile(server.certFile);

  const request = (method: string, urlPath: string, opts: RequestOptions = {}): Promise<TestResponse> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...opts.headers };
      const token = opts.token === undefined ? ADMIN_TOKEN : opts.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | Buffer | undefined;
      if (opts.body !== undefined) {
        body =
          typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
          headers['content-type'] = 'application/json';
        // Node frames a DELETE body only with a Content-Length (it never chunks DELETE bodies).
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-length'))
          headers['content-length'] = String(Buffer.byteLength(body));
      }
      const req = https.request(`${server.url}${urlPath}`, { method, headers, ca }, (res) => {
        readResponse(res).then(resolve, reject);
      });
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });

  let stopped = false;
  return {
    url: server.url,
    server,
    dir,
    dataDir,
    kubeconfig,
    logs,
    request,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.shutdown();
      if (!options.dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Opens a watch and collects its event lines until stopped. */
export function openWatchStream(
  server: TestServer,
  urlPath: string,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  headers: Record<string, unknown>;
  events: Array<Record<string, unknown>>;
  /** Each event line exactly as it came (without its newline). */
  lines: string[];
  ended: Promise<void>;
  close(): void;
}> {
  return new Promise((resolve, reject) => {
    const ca = readFileSync(server.server.certFile);
    const req = https.request(
      `${server.url}${urlPath}`,
      { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers }, ca },
      (res) => {
        const events: Array<Record<string, unknown>> = [];
        const lines: string[] = [];
        let buffer = '';
        const ended = new Promise<void>((done) => {
          res.on('end', done);
          res.on('close', done);
        });
        res.on('data', (chunk: Buffer) => {
          buffer += chunk.toString('utf8');
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            if (!line.trim()) continue;
            lines.push(line);
            events.push(JSON.parse(line) as Record<string, unknown>);
          }
        });
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          events,
          lines,
          ended,
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    req.end();
  });
}

/** Waits until predicate() holds, polling; fails with `what` after a few seconds. */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
