/**
 * Runs the built apiserver (packages/apiserver/dist/main.js) as a real process on loopback:
 * HTTPS with its self-signed certificate, a static token file, the file store in the given data
 * dir. Start-up time is measured from spawn until /readyz answers 200.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { nowMs } from './http-client';
import type { Target } from './protocol';

export interface ApiserverProcess {
  target: Target;
  pid: number;
  certFile: string;
  keyFile: string;
  /** Spawn → first 200 from /readyz. */
  startupMs: number;
  stop(): Promise<void>;
}

export interface ApiserverOptions {
  repoRoot: string;
  dataDir: string;
  /** Holds the certificate and the token file. */
  workDir: string;
  cpuProfileDir?: string;
  /** --file-store-sync (default: the apiserver's own). */
  fileStoreSync?: 'per-object' | 'log';
}

const START_DEADLINE_MS = 120_000;

function waitForServingUrl(child: ChildProcess, output: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    let pending = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (output.length < 200) output.push(line);
        try {
          const entry = JSON.parse(line) as { message?: string; url?: string };
          if (entry.message === 'serving' && entry.url) resolve(entry.url);
        } catch {
          // Not a log line (e.g. a Node warning): kept in `output` for the error message.
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`apiserver exited (${code}):\n${output.join('\n')}`)));
    child.once('error', reject);
  });
}

function readyzStatus(target: Target): Promise<number> {
  return new Promise((resolve) => {
    const req = https.get(
      `${target.url}/readyz`,
      { ca: target.ca, headers: { authorization: `Bearer ${target.token}` }, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
  });
}

export async function startApiserver(options: ApiserverOptions): Promise<ApiserverProcess> {
  const certDir = path.join(options.workDir, 'certs');
  mkdirSync(certDir, { recursive: true });
  const token = randomBytes(16).toString('hex');
  const tokenFile = path.join(options.workDir, 'tokens.csv');
  // An ordinary user (not system:masters), allowed by a policy: requests take the authorization
  // path every user but system:masters takes.
  writeFileSync(tokenFile, `${token},bench,bench-uid,"bench"\n`);
  const policyFile = path.join(options.workDir, 'policies.jsonl');
  const policy = { user: 'bench', namespace: '*', apiGroup: 'bar.pwk.educative.io', resource: 'foos' };
  writeFileSync(
    policyFile,
    `${JSON.stringify({ apiVersion: 'abac.authorization.kubernetes.io/v1beta1', kind: 'Policy', spec: policy })}\n`,
  );
  const nodeArgs = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const started = nowMs();
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      path.join(options.repoRoot, 'packages/apiserver/dist/main.js'),
      '--bind-address=127.0.0.1',
      '--secure-port=0',
      `--data-dir=${options.dataDir}`,
      `--cert-dir=${certDir}`,
      `--token-auth-file=${tokenFile}`,
      `--authorization-policy-file=${policyFile}`,
      '--logging-format=json',
      '--access-log-level=debug',
      ...(options.fileStoreSync ? [`--file-store-sync=${options.fileStoreSync}`] : []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const output: string[] = [];
  let url: string;
  const timer = setTimeout(() => child.kill('SIGKILL'), START_DEADLINE_MS);
  try {
    url = await waitForServingUrl(child, output);
  } finally {
    clearTimeout(timer);
  }
  const certFile = path.join(certDir, 'apiserver.crt');
  const target: Target = { url, token, ca: readFileSync(certFile, 'utf8') };
  while ((await readyzStatus(target)) !== 200) {
    if (nowMs() - started > START_DEADLINE_MS) throw new Error('apiserver: /readyz never answered 200');
    await new Promise((r) => setTimeout(r, 10));
  }
  const startupMs = nowMs() - started;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    target,
    pid: child.pid!,
    certFile,
    keyFile: path.join(certDir, 'apiserver.key'),
    startupMs,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(forced);
    },
  };
}
