/** The benchmark's command-line options: how many objects, how many requests, where results go. */
import path from 'node:path';

export interface BenchOptions {
  /** Foos created, read, patched, updated and deleted (default 2,000). */
  objects: number;
  /** Requests of the get phase and of the bare-HTTPS ceiling (default max(objects, 10,000)). */
  readRequests: number;
  /** Concurrent clients (keep-alive sockets) of the request phases (default 16). */
  concurrency: number;
  /**
   * Writes whose events every watcher must receive, per watch phase (default 1,000). A watch
   * phase's samples are per watcher, but all watchers of one write share its latency: the p99 is
   * the write in the 99th percentile, so 200 writes made it the 2nd or 3rd slowest one — a single
   * disk stall decided it. 1,000 writes put ten beyond it.
   */
  watchEvents: number;
  /** Stores of this many Foos on disk whose start-up time and RSS are measured (default 10,000 and 100,000). */
  startupObjects: number[];
  /** Directory of benchmarks.json, benchmarks.md and benchmarks.svg (default <repo>/docs). */
  out: string;
  /** Where temp data dirs go (default the OS temp dir): the disk under test. */
  tmpDir?: string;
  /** Write CPU profiles of the apiserver (`node --cpu-prof`) to this directory. */
  cpuProfileDir?: string;
  /** The apiserver's --file-store-sync (default log, as the apiserver's). */
  fileStoreSync: 'per-object' | 'log';
}

export class UsageError extends Error {}

export const USAGE = `usage: npm run bench -w @pwk/bench -- [options]
  --objects N            Foos per phase (default 2000; 10000 and 100000 are the larger runs)
  --read-requests N      requests of the get phase and of the bare HTTPS ceiling (default max(N, 10000))
  --concurrency N        concurrent keep-alive clients (default 16)
  --watch-events N       writes per watch phase (default 1000)
  --startup-objects L    comma-separated store sizes for start-up time and RSS (default 10000,100000; "none" skips)
  --out DIR              where benchmarks.json/.md/.svg go (default <repo>/docs)
  --tmp-dir DIR          where data dirs go: the disk under test (default the OS temp dir)
  --cpu-prof DIR         run the apiserver under node --cpu-prof, profiles in DIR
  --storage file         the store under test (etcd: not available yet)
  --file-store-sync S    the file store's --file-store-sync: log (default) or per-object
`;

function positiveInt(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (text === undefined || !/^[0-9]+$/.test(text) || n < 1) {
    throw new UsageError(`--${flag}: expected a positive integer, got ${JSON.stringify(text ?? '')}`);
  }
  return n;
}

/** Parses argv (without node and the script); `repoRoot` anchors the default output dir. */
export function parseOptions(argv: readonly string[], repoRoot: string): BenchOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    if (eq > 0) values.set(arg.slice(2, eq), arg.slice(eq + 1));
    else {
      const value = argv[i + 1];
      if (value === undefined) throw new UsageError(`${arg}: missing value`);
      values.set(arg.slice(2), value);
      i++;
    }
  }
  const known = [
    'objects',
    'read-requests',
    'concurrency',
    'watch-events',
    'startup-objects',
    'out',
    'tmp-dir',
    'cpu-prof',
    'storage',
    'file-store-sync',
  ];
  for (const name of values.keys()) {
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
  }
  const storage = values.get('storage') ?? 'file';
  // Fail loudly rather than silently benchmarking the file store under another name.
  if (storage !== 'file') throw new UsageError(`--storage ${storage}: only "file" is available`);

  const sync = values.get('file-store-sync') ?? 'log';
  if (sync !== 'per-object' && sync !== 'log') {
    throw new UsageError(`--file-store-sync ${sync}: expected per-object or log`);
  }
  const objects = values.has('objects') ? positiveInt('objects', values.get('objects')) : 2000;
  const startup = values.get('startup-objects') ?? '10000,100000';
  return {
    objects,
    readRequests: values.has('read-requests')
      ? positiveInt('read-requests', values.get('read-requests'))
      : Math.max(objects, 10_000),
    concurrency: values.has('concurrency') ? positiveInt('concurrency', values.get('concurrency')) : 16,
    watchEvents: values.has('watch-events') ? positiveInt('watch-events', values.get('watch-events')) : 1000,
    startupObjects:
      startup === 'none' ? [] : startup.split(',').map((s) => positiveInt('startup-objects', s.trim())),
    out: path.resolve(values.get('out') ?? path.join(repoRoot, 'docs')),
    tmpDir: values.has('tmp-dir') ? path.resolve(values.get('tmp-dir')!) : undefined,
    cpuProfileDir: values.has('cpu-prof') ? path.resolve(values.get('cpu-prof')!) : undefined,
    fileStoreSync: sync,
  };
}
