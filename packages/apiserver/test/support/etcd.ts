/**
 * A real etcd for tests: one member on free loopback ports with a temp data dir (on /dev/shm
 * when there is one, so fsync is cheap), optionally serving TLS with client-certificate auth.
 * It can be stopped and started again on the same ports and data (outage tests).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface EtcdTls {
  /** PEM: the CA that signed the server and client certificates. */
  ca: string;
  server: { cert: string; key: string };
}

export interface TestEtcd {
  /** `http://127.0.0.1:<port>` (or https with TLS). */
  endpoint: string;
  dataDir: string;
  /** Files the TLS material was written to (with `tls`). */
  files?: { ca: string; cert: string; key: string };
  /** Stops the process (SIGTERM, then SIGKILL) and keeps the data dir. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data dir; resolves once it serves. */
  start(): Promise<void>;
  /** Stops it and removes the data dir. */
  destroy(): Promise<void>;
}

const ETCD_BINARY = process.env.ETCD_BINARY ?? 'etcd';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startTestEtcd(options: { tls?: EtcdTls; args?: string[] } = {}): Promise<TestEtcd> {
  const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const dir = await mkdtemp(path.join(base, 'pwk-etcd-'));
  const dataDir = path.join(dir, 'data');
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const scheme = options.tls ? 'https' : 'http';
  const endpoint = `${scheme}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name=test',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${endpoint}`,
    `--advertise-client-urls=${endpoint}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=test=${peer}`,
    '--logger=zap',
    '--log-level=error',
    ...(options.args ?? []),
  ];
  let files: TestEtcd['files'];
  if (options.tls) {
    files = {
      ca: path.join(dir, 'ca.crt'),
      cert: path.join(dir, 'server.crt'),
      key: path.join(dir, 'server.key'),
    };
    await writeFile(files.ca, options.tls.ca);
    await writeFile(files.cert, options.tls.server.cert);
    await writeFile(files.key, options.tls.server.key);
    args.push(`--cert-file=${files.cert}`, `--key-file=${files.key}`);
    args.push(`--trusted-ca-file=${files.ca}`, '--client-cert-auth');
  }

  let child: ChildProcess | undefined;
  let stderr = '';
  const start = async () => {
    stderr = '';
    const proc = spawn(ETCD_BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const exited = new Promise<never>((_, reject) =>
      proc.once('exit', (code) => reject(new Error(`etcd exited (${code}): ${stderr}`))),
    );
    exited.catch(() => {});
    await Promise.race([waitForPort(clientPort, 15_000), exited]);
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const kill = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(kill);
  };

  await start();
  return {
    endpoint,
    dataDir,
    files,
    stop,
    start,
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once something accepts TCP connections on the port. */
async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`etcd did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface TcpProxy {
  /** `http://127.0.0.1:<port>`: connect here to reach the target through the proxy. */
  endpoint: string;
  /** Cuts every connection and refuses new ones (a network partition from this client's view). */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port (a no-op while it does). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** A TCP proxy to 127.0.0.1:targetPort whose connections a test can cut and restore. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      if (server) return resolve();
      const s = net.createServer((client) => {
        const upstream = net.connect(targetPort, '127.0.0.1');
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        resolve();
      });
    });
  const cut = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return { endpoint: `http://127.0.0.1:${port}`, cut, restore: listen, close: cut };
}
