/**
 * The `pwk-controller` binary itself (dist/main.js, built here first) as a child process:
 * flag errors, a full run against a real pwk apiserver ending in a graceful SIGTERM drain, and
 * a replica that cannot get a Lease (pwk serves none) staying a standby that never writes.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { Foo } from '../../src/foo';
import { ApiserverProcess } from '../support/apiserver-process';
import { eventually } from '../support/scripted-apiserver';

jest.setTimeout(60_000);

const PACKAGE = path.resolve(__dirname, '../..');
const MAIN = path.join(PACKAGE, 'dist/main.js');
const FOOS = '/apis/bar.pwk.educative.io/v1beta1/namespaces/default/foos';

interface Binary {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

function runBinary(args: string[], env: NodeJS.ProcessEnv = process.env): Binary {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  createInterface({ input: child.stderr! }).on('line', (l) => lines.push(l));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

const messages = (b: Binary) =>
  b.lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

let server: ApiserverProcess;

beforeAll(async () => {
  // The binary under test is the build output; build it so the test never runs a stale one.
  const tsc = require.resolve('typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', path.join(PACKAGE, 'tsconfig.build.json')]);
  server = await ApiserverProcess.start();
});

afterAll(async () => {
  await server?.dispose();
});

describe('pwk-controller binary', () => {
  it('starts with a node shebang', async () => {
    expect((await readFile(MAIN, 'utf8')).split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('rejects a bad flag with one clear line and exit code 2', async () => {
    const bin = runBinary(['--concurrency=0']);
    expect(await bin.exited).toBe(2);
    expect(bin.lines).toEqual([
      'pwk-controller: invalid argument "0" for "--concurrency" flag: must be an integer from 1 to 1000',
    ]);
  });

  it('stops at once with exit code 1 when there is no kubeconfig anywhere', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'pwk-no-kubeconfig-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
      for (const name of ['KUBECONFIG', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT'])
        delete env[name];
      const bin = runBinary(['--metrics-bind-address=0', '--health-probe-bind-address=0'], env);

      expect(await bin.exited).toBe(1);
      expect(messages(bin)).toEqual([
        expect.objectContaining({
          level: 'error',
          message:
            'pwk-controller cannot start: no kubeconfig: give --kubeconfig, set $KUBECONFIG or create ~/.kube/config (in a pod, the service account is used)',
        }),
      ]);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('prints its version with --version', async () => {
    const bin = runBinary(['--version']);
    expect(await bin.exited).toBe(0);
    expect(bin.lines).toEqual(['pwk-controller v0.1.0']);
  });

  it('prints its flags for --help', async () => {
    const bin = runBinary(['--help']);
    expect(await bin.exited).toBe(0);
    expect(bin.lines[0]).toBe('Usage: pwk-controller [flags]');
    expect(bin.lines.join('\n')).toContain('--leader-elect-renew-deadline <value>');
  });

  it('reconciles demo-foo, then drains and exits 0 on SIGTERM', async () => {
    const bin = runBinary([
      `--kubeconfig=${server.kubeconfig}`,
      '--leader-elect=false',
      '--metrics-bind-address=0',
      '--health-probe-bind-address=127.0.0.1:0',
    ]);
    try {
      await server.request('POST', FOOS, {
        body: {
          apiVersion: 'bar.pwk.educative.io/v1beta1',
          kind: 'Foo',
          metadata: { name: 'demo-foo' },
          spec: { replicas: 51 },
        },
      });
      await eventually(
        () => messages(bin).some((m) => m.name === 'demo-foo' && m.result === 'changed'),
        'the reconcile',
        10_000,
      );
      const foo = (await server.request<Foo>('GET', `${FOOS}/demo-foo`)).body;
      expect(foo.spec).toEqual({ replicas: 51, location: 'Los Angeles' });
      const probes = messages(bin).find((m) => m.message === 'pwk-controller starting')!.probes as string;
      expect((await fetch(`${probes}/readyz`)).status).toBe(200);
      bin.child.kill('SIGTERM');
      expect(await bin.exited).toBe(0);
      expect(messages(bin).map((m) => m.message)).toEqual(
        expect.arrayContaining(['signal received; draining', 'workers stopped', 'pwk-controller stopped']),
      );
    } finally {
      bin.child.kill('SIGKILL');
    }
  });

  it('stays a standby that never writes when it cannot get the Lease', async () => {
    await server.request('POST', FOOS, {
      body: {
        apiVersion: 'bar.pwk.educative.io/v1beta1',
        kind: 'Foo',
        metadata: { name: 'unled' },
        spec: { replicas: 1 },
      },
    });
    const bin = runBinary([
      `--kubeconfig=${server.kubeconfig}`,
      '--leader-elect-namespace=pwk-system',
      '--leader-elect-retry-period=100ms',
      '--metrics-bind-address=0',
      '--health-probe-bind-address=0',
    ]);
    try {
      await eventually(
        () => messages(bin).filter((m) => m.message === 'leader lease not acquired or renewed').length >= 2,
        'two failed lease attempts',
      );
      const failure = messages(bin).find((m) => m.message === 'leader lease not acquired or renewed')!;
      expect(failure).toMatchObject({ level: 'warn', lease: 'pwk-system/pwk-controller' });
      expect(String(failure.error)).toContain('NotFound (404)');
      expect(messages(bin).some((m) => m.message === 'reconciled')).toBe(false);
      const foo = (await server.request<Foo>('GET', `${FOOS}/unled`)).body;
      expect(foo.spec?.location).toBeUndefined();
      bin.child.kill('SIGTERM');
      expect(await bin.exited).toBe(0);
    } finally {
      bin.child.kill('SIGKILL');
    }
  });
});
