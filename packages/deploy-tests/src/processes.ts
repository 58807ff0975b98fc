/** Child processes for tests: start one with its output kept, poll an HTTP(S) endpoint, free ports. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

export interface RunningProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Run as this uid:gid (only when the test runs as root). */
  uid?: number;
  gid?: number;
}

export function startProcess(options: StartOptions): RunningProcess {
  const [command, ...args] = options.argv;
  const child = spawn(command!, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface GetOptions {
  url: string;
  /** CA to verify an https server with; without it, https is not verified. */
  ca?: string;
  /** TLS server name to verify (SNI), e.g. the Service's DNS name. */
  servername?: string;
  headers?: Record<string, string>;
}

export function httpGet(options: GetOptions): Promise<HttpAnswer> {
  const url = new URL(options.url);
  const tls = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (tls ? https : http).get(
      url,
      {
        headers: options.headers,
        timeout: 5000,
        ...(tls
          ? { ca: options.ca, rejectUnauthorized: options.ca !== undefined, servername: options.servername }
          : {}),
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${options.url}: timed out`)));
    req.on('error', reject);
  });
}

/** Polls until the endpoint answers 200 or the process exits or time runs out. */
export async function waitForOk(
  options: GetOptions & { process: RunningProcess; timeoutMs: number },
): Promise<HttpAnswer> {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (options.process.child.exitCode !== null) {
      throw new Error(`the process exited (${options.process.child.exitCode}):\n${options.process.output()}`);
    }
    try {
      const answer = await httpGet(options);
      if (answer.status === 200) return answer;
      last = `${answer.status} ${answer.body}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `GET ${options.url}: not 200 within ${options.timeoutMs} ms (${last}):\n${options.process.output()}`,
  );
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
