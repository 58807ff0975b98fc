/**
 * Runs the real /usr/bin/kubectl against a test server: its own kubeconfig, a fresh discovery
 * cache per server, and an environment that never reaches the user's KUBECONFIG or ~/.kube.
 */
import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';

export const KUBECTL = '/usr/bin/kubectl';

/** The seed's example object (demo-foo in default, replicas 51), read from the repo. */
export const HACK_FOO_YAML = path.resolve(__dirname, '../../../../hack/foo.yaml');

/** What kubectl prints before a Foo's name: `foo.bar.pwk.educative.io/demo-foo created`. */
export const FOO_REF = 'foo.bar.pwk.educative.io';

const DEFAULT_TIMEOUT_MS = 20_000;

export interface KubectlResult {
  stdout: string;
  stderr: string;
  /** kubectl's exit code. */
  code: number;
}

export interface KubectlRunOptions {
  /** Written to kubectl's stdin (for `-f -`). */
  stdin?: string;
  /** Extra environment, e.g. `{ EDITOR: "sed -i …" }`. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface KubectlWatch {
  /** Everything printed on stdout so far. */
  stdout(): string;
  /** Resolves once stdout matches `pattern`; fails naming `what` after `timeoutMs`. */
  waitFor(pattern: RegExp, what: string, timeoutMs?: number): Promise<void>;
  /** Ends the kubectl process and resolves when it has exited. */
  stop(): Promise<void>;
}

export interface Kubectl {
  run(args: readonly string[], options?: KubectlRunOptions): Promise<KubectlResult>;
  /** Like run, but rejects with kubectl's output unless it exits 0; resolves stdout. */
  ok(args: readonly string[], options?: KubectlRunOptions): Promise<string>;
  /** Starts a long-running kubectl (e.g. `get foos -w`) that the test stops itself. */
  watch(args: readonly string[]): KubectlWatch;
  /** Writes a manifest into the server's temp dir and returns its path. */
  writeManifest(name: string, content: string): Promise<string>;
}

/** The part of a TestServer kubectl needs: its kubeconfig and a temp dir it owns. */
export interface KubectlTarget {
  kubeconfig: string;
  dir: string;
}

export function createKubectl(target: KubectlTarget): Kubectl {
  const baseArgs = ['--kubeconfig', target.kubeconfig, '--cache-dir', path.join(target.dir, 'kubectl-cache')];
  // HOME points into the temp dir so nothing falls back to the user's ~/.kube.
  const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: target.dir, TMPDIR: target.dir };
  const manifestDir = path.join(target.dir, 'manifests');

  const run = (args: readonly string[], options: KubectlRunOptions = {}): Promise<KubectlResult> =>
    new Promise((resolve, reject) => {
      const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const child = execFile(
        KUBECTL,
        [...baseArgs, ...args],
        { env: { ...baseEnv, ...options.env }, timeout, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error && error.killed) {
            reject(new Error(`kubectl ${args.join(' ')} timed out after ${timeout} ms\n${stderr}`));
            return;
          }
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          resolve({ stdout, stderr, code });
        },
      );
      child.stdin?.end(options.stdin ?? '');
    });

  const ok = async (args: readonly string[], options?: KubectlRunOptions): Promise<string> => {
    const result = await run(args, options);
    if (result.code !== 0) {
      throw new Error(`kubectl ${args.join(' ')} exited ${result.code}\n${result.stderr}${result.stdout}`);
    }
    return result.stdout;
  };

  const watch = (args: readonly string[]): KubectlWatch => {
    let out = '';
    // The timeout is only a safety net: tests stop the watch themselves.
    const child: ChildProcess = execFile(KUBECTL, [...baseArgs, ...args], {
      env: baseEnv,
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    child.stdout?.on('data', (chunk: Buffer | string) => {
      out += chunk.toString();
    });
    child.stdin?.end();
    return {
      stdout: () => out,
      async waitFor(pattern, what, timeoutMs = 10_000) {
        const deadline = Date.now() + timeoutMs;
        while (!pattern.test(out)) {
          if (Date.now() > deadline)
            throw new Error(`kubectl ${args.join(' ')} never printed ${what}; it printed:\n${out}`);
          await new Promise((r) => setTimeout(r, 25));
        }
      },
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
  };

  const writeManifest = async (name: string, content: string): Promise<string> => {
    await mkdir(manifestDir, { recursive: true });
    const file = path.join(manifestDir, name);
    await writeFile(file, content);
    return file;
  };

  return { run, ok, watch, writeManifest };
}

export interface FooManifestOptions {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  finalizers?: string[];
  resourceVersion?: string;
  /** Any spec, valid or not, so tests can send what the server must refuse. */
  spec?: Record<string, unknown>;
  /** The served version to write it in: v1 (preferred, stored) unless said. */
  version?: FooVersion;
}

/** Foo's served versions: v1 (stored, preferred) and v1beta1 (deprecated). */
export const FOO_VERSIONS = ['v1', 'v1beta1'] as const;
export type FooVersion = (typeof FOO_VERSIONS)[number];

/**
 * What kubectl prints on stderr for every request to a version: nothing at v1, the
 * deprecation Warning (a `Warning: 299` header the server sends) at v1beta1.
 */
export function kubectlWarnings(version: FooVersion): string {
  return version === 'v1beta1'
    ? 'Warning: bar.pwk.educative.io/v1beta1 Foo is deprecated; use bar.pwk.educative.io/v1 Foo\n'
    : '';
}

/** A Foo as YAML, the way a user would write it for `kubectl create -f`. */
export function fooManifest(options: FooManifestOptions): string {
  const metadata: Record<string, unknown> = { name: options.name };
  if (options.namespace !== undefined) metadata.namespace = options.namespace;
  if (options.labels !== undefined) metadata.labels = options.labels;
  if (options.finalizers !== undefined) metadata.finalizers = options.finalizers;
  if (options.resourceVersion !== undefined) metadata.resourceVersion = options.resourceVersion;
  const foo: Record<string, unknown> = {
    apiVersion: `bar.pwk.educative.io/${options.version ?? 'v1'}`,
    kind: 'Foo',
    metadata,
  };
  if (options.spec !== undefined) foo.spec = options.spec;
  return stringify(foo);
}

/**
 * Reads kubectl's table output into one record per row keyed by column header. Cells are cut at
 * the header's column offsets, so an empty cell (a Foo without a location) stays empty.
 */
export function parseTable(stdout: string): Array<Record<string, string>> {
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  const header = lines[0];
  if (header === undefined) return [];
  const columns = [...header.matchAll(/\S+/g)].map((m) => ({ name: m[0], start: m.index }));
  return lines.slice(1).map((line) => {
    const row: Record<string, string> = {};
    columns.forEach((col, i) => {
      const end = columns[i + 1]?.start ?? line.length;
      row[col.name] = line.slice(col.start, end).trim();
    });
    return row;
  });
}

/** The header cells of kubectl's table output. */
export function tableHeader(stdout: string): string[] {
  return (stdout.split('\n')[0] ?? '').trim().split(/\s+/);
}

/** A kubeconfig in the server's directory that reaches it with a bearer token, namespace default. */
export async function kubeconfigFor(
  pwk: { dir: string; url: string; server: { certFile: string } },
  token: string,
): Promise<string> {
  const file = path.join(pwk.dir, 'kubeconfig');
  await writeFile(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: pwk, cluster: {server: "${pwk.url}", certificate-authority: "${pwk.server.certFile}"}}]`,
      `users: [{name: admin, user: {token: "${token}"}}]`,
      'contexts: [{name: pwk, context: {cluster: pwk, user: admin, namespace: default}}]',
      'current-context: pwk',
      '',
    ].join('\n'),
  );
  return file;
}
