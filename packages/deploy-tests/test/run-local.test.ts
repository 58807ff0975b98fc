/**
 * hack/run-local.sh must not claim that pwk runs when what answers on its port is another
 * server: with any of its ports held (by a TLS server that answers /readyz, or by one that never
 * finishes a handshake) it stops at once with a clear error and a non-zero exit, writes no
 * kubeconfig, and installs and builds nothing. It runs from a copy of hack/ in a temp dir, so the
 * repository's .pwk/ and node_modules are never touched.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../src/deploy-fixture';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let checkout: string;
let tls: { cert: Buffer; key: Buffer };

beforeAll(() => {
  checkout = mkdtempSync(path.join(os.tmpdir(), 'pwk-run-local-'));
  cpSync(path.join(REPO_ROOT, 'hack'), path.join(checkout, 'hack'), { recursive: true });
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'].concat([
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      path.join(checkout, 'other.key'),
      '-out',
      path.join(checkout, 'other.crt'),
    ]),
    { stdio: 'ignore' },
  );
  tls = {
    cert: readFileSync(path.join(checkout, 'other.crt')),
    key: readFileSync(path.join(checkout, 'other.key')),
  };
});

afterAll(() => rmSync(checkout, { recursive: true, force: true }));

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Listens on 127.0.0.1 on a free port; closes after the test. */
async function hold(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => sockets.add(socket));
  server.on('secureConnection', (socket: net.Socket) => sockets.add(socket));
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

/** Another pwk, or anything else, that answers /readyz with 200 over TLS. */
const readyTlsServer = () =>
  hold(
    https.createServer(tls, (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')),
  );

/** Accepts connections and never says a word: a TLS client waits for its ServerHello forever. */
const silentServer = () => hold(net.createServer(() => undefined));

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function runLocal(env: Record<string, string>): Promise<Run> {
  const child = spawn('bash', [path.join(checkout, 'hack', 'run-local.sh')], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: checkout, PWK_START_TIMEOUT: '5', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  return { code, stdout, stderr };
}

describe('hack/run-local.sh', () => {
  it.each([
    ['another TLS server that answers /readyz', readyTlsServer],
    ['a server that never finishes the TLS handshake', silentServer],
  ])('refuses a PWK_PORT held by %s, with exit code 1 and a clear error', async (_what, holder) => {
    const port = await holder();

    const run = await runLocal({
      PWK_PORT: String(port),
      PWK_CONTROLLER_METRICS_PORT: String(await freePort()),
      PWK_CONTROLLER_PROBE_PORT: String(await freePort()),
    });

    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `run-local: 127.0.0.1:${port} (the apiserver) is already in use by another process; stop it, or pick a free port with PWK_PORT=<port>\n`,
    });
    expect(existsSync(path.join(checkout, '.pwk', 'kubeconfig'))).toBe(false);
  });

  it.each([
    ['PWK_CONTROLLER_METRICS_PORT', "the controller's metrics"],
    ['PWK_CONTROLLER_PROBE_PORT', "the controller's probes"],
  ])('refuses a %s that is held, naming it', async (variable, what) => {
    const held = await silentServer();
    const env: Record<string, string> = {
      PWK_PORT: String(await freePort()),
      PWK_CONTROLLER_METRICS_PORT: String(await freePort()),
      PWK_CONTROLLER_PROBE_PORT: String(await freePort()),
      [variable]: String(held),
    };

    const run = await runLocal(env);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `run-local: 127.0.0.1:${held} (${what}) is already in use by another process; stop it, or pick a free port with ${variable}=<port>\n`,
    );
  });

  it('refuses a PWK_PORT that is no port number', async () => {
    const run = await runLocal({ PWK_PORT: 'https' });

    expect(run).toMatchObject({
      code: 1,
      stderr: 'run-local: PWK_PORT must be a port number, got "https"\n',
    });
  });
});
