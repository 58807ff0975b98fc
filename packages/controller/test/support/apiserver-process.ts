/**
 * A real pwk apiserver as a child process (packages/apiserver/dist/main.js, built by
 * `npm run build` at the repo root): HTTPS on a loopback port, the file store in a temp dir,
 * a generated certificate, a static admin token, and a kubeconfig for the controller. It can
 * be restarted on the same port and data dir, as an apiserver rollout would.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
const APISERVER_MAIN = path.join(REPO_ROOT, 'packages/apiserver/dist/main.js');
const TOKEN = 'controller-test-token';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
}

export class ApiserverProcess {
  port = 0;
  url = '';
  readonly dataDir: string;
  readonly certFile: string;
  readonly kubeconfig: string;
  readonly logs: string[] = [];
  private child: ChildProcess | undefined;
  private ca: Buffer | undefined;
  private agent = new https.Agent({ keepAlive: true, maxSockets: 32 });

  private constructor(
    readonly dir: string,
    private readonly extraArgs: string[],
  ) {
    this.dataDir = path.join(dir, 'data');
    this.certFile = path.join(dir, 'certs', 'apiserver.crt');
    this.kubeconfig = path.join(dir, 'kubeconfig');
  }

  /** `args`: more flags, e.g. `--access-log-level=info` to log every request (with its User-Agent). */
  static async start(options: { args?: string[] } = {}): Promise<ApiserverProcess> {
    if (!existsSync(APISERVER_MAIN)) {
      throw new Error(`${APISERVER_MAIN} is missing: run \`npm run build\` at the repo root first`);
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-controller-it-'));
    await writeFile(path.join(dir, 'tokens.csv'), `${TOKEN},admin,admin-uid,"system:masters"\n`);
    const server = new ApiserverProcess(dir, options.args ?? []);
    await server.launch(0);
    await writeFile(
      server.kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: pwk',
        `  cluster: {server: "${server.url}", certificate-authority: "${server.certFile}"}`,
        'users:',
        '- name: admin',
        `  user: {token: "${TOKEN}"}`,
        'contexts:',
        '- name: pwk',
        '  context: {cluster: pwk, user: admin, namespace: default}',
        'current-context: pwk',
        '',
      ].join('\n'),
    );
    return server;
  }

  /** SIGTERM (graceful shutdown) and wait for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.agent.destroy();
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }

  /** Stops and starts again on the same port with the same data and certificate. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch(this.port);
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  request<T = Record<string, unknown>>(
    method: string,
    urlPath: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${TOKEN}`,
        accept: 'application/json',
      };
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] = options.contentType ?? 'application/json';
      }
      const req = https.request(
        `${this.url}${urlPath}`,
        { method, headers, ca: this.ca, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : {}) as T });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /** Opens a watch; `onEvent` gets each event; resolves when the stream ends or fails. */
  watch(
    urlPath: string,
    onEvent: (event: { type: string; object: Record<string, unknown> }) => void,
  ): {
    ended: Promise<void>;
    close(): void;
  } {
    let close: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => {
      const req = https.request(
        `${this.url}${urlPath}`,
        { headers: { authorization: `Bearer ${TOKEN}` }, ca: this.ca },
        (res) => {
          const lines = createInterface({ input: res });
          lines.on('line', (line) => {
            if (line.trim()) onEvent(JSON.parse(line) as { type: string; object: Record<string, unknown> });
          });
          lines.on('error', () => resolve()); // "aborted" when close() cuts the stream
          res.on('close', () => resolve());
          res.on('error', () => resolve());
        },
      );
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.end();
      close = () => req.destroy();
    });
    return { ended, close: () => close() };
  }

  private async launch(port: number): Promise<void> {
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 32 });
    const child = spawn(
      process.execPath,
      [
        APISERVER_MAIN,
        '--bind-address=127.0.0.1',
        `--secure-port=${port}`,
        `--data-dir=${this.dataDir}`,
        `--cert-dir=${path.dirname(this.certFile)}`,
        `--token-auth-file=${path.join(this.dir, 'tokens.csv')}`,
        '--logging-format=json',
        '--log-level=info',
        '--access-log-level=debug',
        ...this.extraArgs,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    const url = await new Promise<string>((resolve, reject) => {
      const onLine = (line: string) => {
        this.logs.push(line);
        try {
          const entry = JSON.parse(line) as { message?: string; url?: string };
          if (entry.message === 'serving' && entry.url) resolve(entry.url);
        } catch {
          // not JSON: keep it in the logs only
        }
      };
      createInterface({ input: child.stdout! }).on('line', onLine);
      createInterface({ input: child.stderr! }).on('line', onLine);
      child.once('exit', (code) =>
        reject(new Error(`apiserver exited (${code}): ${this.logs.slice(-5).join('\n')}`)),
      );
    });
    this.url = url;
    this.port = Number(new URL(url).port);
    this.ca = await readFile(this.certFile);
  }
}
