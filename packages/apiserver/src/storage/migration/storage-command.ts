/**
 * `pwk-storage`: moves pwk's objects between backends and checks the result.
 *   pwk-storage migrate --from file:./data --to etcd://127.0.0.1:2379 [--dry-run] [--skip-verify]
 *   pwk-storage verify  --from file:./data --to etcd://127.0.0.1:2379
 *   pwk-storage log     --from file:./data      (the file store's write-ahead log, read only)
 *   pwk-storage migrate-version --from file:./data [--dry-run]   (every object at its kind's storage version)
 * Progress goes to stderr, results to stdout. Exit codes: 0 done (and verified), 1 failed or
 * verification found differences, 2 bad command line.
 */
import { parseArgs } from 'node:util';
import type { KindDefinition } from '@pwk/api';
import { parseDuration } from '@pwk/process';
import type { Storage } from '../interface';
import { BackendSpecError, describeBackend, openBackend, parseBackendSpec } from './backend-spec';
import { copyObjects, MigrationError, resourceName } from './copy-objects';
import type { CopyProgress, ResourceRef } from './copy-objects';
import { rewriteAtStorageVersion, storedVersions } from './storage-version';
import { verifyCopy } from './verify-copy';
import { inspectLog } from '../file/wal/segments';

export interface CommandIO {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Least time between two progress lines (default 1 s); the last line is always printed. */
  progressEveryMs?: number;
}

/** A kind the API server installs: `--resource` defaults to every one of them. */
export type InstalledKind = KindDefinition;

export const STORAGE_USAGE = `Usage:
  pwk-storage migrate --from <backend> --to <backend> [--dry-run] [--skip-verify]
  pwk-storage verify  --from <backend> --to <backend>
  pwk-storage log     --from file:<data-dir>
  pwk-storage migrate-version --from <backend> [--dry-run]

log shows the file store's write-ahead log (--file-store-sync=log): its segments, their records
and revisions, and up to which revision the object files hold it. It only reads: it may run
beside the apiserver.

migrate-version rewrites every stored object that is not at its kind's storage version (read,
converted, written back one by one: safe to interrupt and run again), and prints which versions
are stored before and after. On etcd the apiservers may keep running; stop the one that
holds a file store.

Copies every object from one backend to an empty one (resourceVersions are re-issued by the
target), then verifies counts and content. Stop the apiservers first.

Backends:
  file:<data-dir>                                  the file store (e.g. file:./data)
  etcd://<host:port>[,<host:port>...][/<prefix>]   etcd over http; etcds:// for https

Flags:
  --dry-run                 read and check everything, write nothing
  --skip-verify             do not compare source and target after copying
  --resource <plural.group> resource to copy, repeatable (default: every installed kind's)
  --etcd-prefix <prefix>    key prefix when the etcd URL has none (default /registry)
  --etcd-cafile, --etcd-certfile, --etcd-keyfile <file>   TLS to etcd
  --etcd-timeout <duration> how long to wait for etcd to answer (default 10s)
  --page-size <n>           objects read per page (default 500)
`;

class UsageError extends Error {}

const kindResource = (kind: InstalledKind): string => `${kind.plural}.${kind.group}`;

interface Parsed {
  command: 'migrate' | 'verify' | 'log' | 'migrate-version';
  from: string;
  to: string;
  dryRun: boolean;
  verify: boolean;
  resources: ResourceRef[];
  etcdPrefix: string;
  tls: { caFile?: string; certFile?: string; keyFile?: string };
  pageSize: number;
  etcdTimeoutMs: number;
}

function parseResource(text: string): ResourceRef {
  const dot = text.indexOf('.');
  if (dot <= 0 || dot === text.length - 1)
    throw new UsageError(`--resource ${text}: expected <plural>.<group>`);
  return { resource: text.slice(0, dot), group: text.slice(dot + 1) };
}

function parse(argv: string[], installed: readonly InstalledKind[]): Parsed | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        'dry-run': { type: 'boolean' },
        'skip-verify': { type: 'boolean' },
        resource: { type: 'string', multiple: true },
        'etcd-prefix': { type: 'string' },
        'etcd-cafile': { type: 'string' },
        'etcd-certfile': { type: 'string' },
        'etcd-keyfile': { type: 'string' },
        'page-size': { type: 'string' },
        'etcd-timeout': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad command line');
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [command, ...rest] = positionals;
  if (command !== 'migrate' && command !== 'verify' && command !== 'log' && command !== 'migrate-version')
    throw new UsageError('expected a command: migrate, verify, log or migrate-version');
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (command === 'log') {
    if (!values.from?.startsWith('file:') || values.to)
      throw new UsageError('log takes --from file:<data-dir> only');
  } else if (command === 'migrate-version') {
    if (!values.from || values.to) throw new UsageError('migrate-version takes --from <backend> only');
  } else if (!values.from || !values.to) throw new UsageError('--from and --to are required');
  const pageSize = Number(values['page-size'] ?? '500');
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new UsageError('--page-size: must be a positive integer');
  const etcdTimeoutMs = parseDuration(values['etcd-timeout'] ?? '10s');
  if (etcdTimeoutMs === undefined)
    throw new UsageError('--etcd-timeout: invalid duration (examples: 10s, 1m)');
  const resources = values.resource
    ? values.resource.map(parseResource)
    : installed.map((k) => ({ resource: k.plural, group: k.group }));
  if (command !== 'log' && resources.length === 0)
    throw new UsageError('no kinds installed: name what to copy with --resource <plural>.<group>');
  const notInstalled = resources.map(resourceName).find((r) => !installed.some((k) => kindResource(k) === r));
  if (command === 'migrate-version' && notInstalled)
    throw new UsageError(`--resource ${notInstalled}: not an installed kind (its versions are unknown)`);
  return {
    command,
    from: values.from,
    to: values.to ?? '',
    dryRun: values['dry-run'] === true,
    verify: values['skip-verify'] !== true,
    resources,
    etcdPrefix: values['etcd-prefix'] ?? '/registry',
    tls: {
      caFile: values['etcd-cafile'],
      certFile: values['etcd-certfile'],
      keyFile: values['etcd-keyfile'],
    },
    pageSize,
    etcdTimeoutMs,
  };
}

function progressPrinter(io: CommandIO): (progress: CopyProgress) => void {
  const every = io.progressEveryMs ?? 1000;
  const started = Date.now();
  let last = 0;
  return ({ resource, copied, total }) => {
    const now = Date.now();
    if (copied < total && now - last < every) return;
    last = now;
    const rate = Math.round((copied * 1000) / Math.max(1, now - started));
    const percent = total === 0 ? 100 : Math.floor((copied * 100) / total);
    io.err(`${resource}: ${copied}/${total} (${percent}%, ${rate} objects/s)`);
  };
}

/** `pwk-storage log`: one line for the log, one per segment. */
function showLog(options: Parsed, io: CommandIO): number {
  const spec = parseBackendSpec(options.from);
  if (spec.kind !== 'file') throw new UsageError('log takes --from file:<data-dir> only');
  const { segments, materialised } = inspectLog(spec.dataDir);
  const bytes = segments.reduce((n, s) => n + s.bytes, 0);
  const records = segments.reduce((n, s) => n + s.records, 0);
  const revs = (s: { firstRev?: number; lastRev?: number }) =>
    s.firstRev === undefined ? 'no records' : `revisions ${s.firstRev}-${s.lastRev}`;
  const first = segments.find((s) => s.firstRev !== undefined)?.firstRev;
  const last = [...segments].reverse().find((s) => s.lastRev !== undefined)?.lastRev;
  io.out(
    `write-ahead log of ${spec.dataDir}: ${segments.length} segments, ${bytes} bytes, ${records} records, ` +
      `${revs({ firstRev: first, lastRev: last })}; object files hold every record up to revision ${materialised}`,
  );
  for (const s of segments) {
    const bad = s.bad ? `; bad record at byte ${s.bad.at}: ${s.bad.problem}` : '';
    io.out(`  ${s.name}  ${s.bytes} bytes  ${s.records} records  ${revs(s)}${bad}`);
  }
  return 0;
}

/** `pwk-storage migrate-version`: the stored versions, the rewrite, the stored versions again. */
async function migrateVersion(
  options: Parsed,
  io: CommandIO,
  installed: readonly InstalledKind[],
): Promise<number> {
  const wanted = new Set(options.resources.map(resourceName));
  const kinds = installed.filter((k) => wanted.has(kindResource(k)));
  const spec = parseBackendSpec(options.from, options.etcdPrefix);
  const storage = await openBackend(spec, { tls: options.tls, readyTimeoutMs: options.etcdTimeoutMs });
  const progress = progressPrinter(io);
  try {
    const report = async (when: string) => {
      for (const r of await storedVersions(storage, kinds, options.pageSize)) {
        const versions = r.versions.map((v) => `${v.apiVersion}=${v.objects}`).join(', ') || 'no objects';
        io.out(`${when} ${r.resource}: ${versions}`);
      }
    };
    await report('stored');
    io.err(
      `${options.dryRun ? 'dry run: checking' : 'rewriting'} ${describeBackend(spec)} at each kind's storage version`,
    );
    const rewritten = await rewriteAtStorageVersion({
      storage,
      kinds,
      dryRun: options.dryRun,
      pageSize: options.pageSize,
      onProgress: ({ resource, checked, total }) => progress({ resource, copied: checked, total }),
    });
    for (const r of rewritten) {
      const at = kinds.find((k) => kindResource(k) === r.resource)!.storageVersion.apiVersion;
      io.out(
        options.dryRun
          ? `dry run: would rewrite ${r.rewritten} ${r.resource} at ${at} (${r.current} already are); nothing was written`
          : `rewrote ${r.rewritten} ${r.resource} at ${at} (${r.current} already were)`,
      );
    }
    if (!options.dryRun) await report('now stored');
    return 0;
  } finally {
    await storage.close();
  }
}

async function run(options: Parsed, io: CommandIO, installed: readonly InstalledKind[]): Promise<number> {
  if (options.command === 'log') return showLog(options, io);
  if (options.command === 'migrate-version') return migrateVersion(options, io, installed);
  const fromSpec = parseBackendSpec(options.from, options.etcdPrefix);
  const toSpec = parseBackendSpec(options.to, options.etcdPrefix);
  const stores: Storage[] = [];
  try {
    const source = await openBackend(fromSpec, { tls: options.tls, readyTimeoutMs: options.etcdTimeoutMs });
    stores.push(source);
    const target = await openBackend(toSpec, { tls: options.tls, readyTimeoutMs: options.etcdTimeoutMs });
    stores.push(target);
    const route = `${describeBackend(fromSpec)} -> ${describeBackend(toSpec)}`;
    if (options.command === 'migrate') {
      io.err(`${options.dryRun ? 'dry run: checking' : 'copying'} ${route}`);
      const copied = await copyObjects({
        source,
        target,
        resources: options.resources,
        dryRun: options.dryRun,
        pageSize: options.pageSize,
        onProgress: progressPrinter(io),
      });
      for (const c of copied) {
        io.out(
          options.dryRun
            ? `dry run: would copy ${c.objects} ${c.resource} (source revision ${c.sourceRevision}); nothing was written`
            : `copied ${c.objects} ${c.resource} (source revision ${c.sourceRevision})`,
        );
      }
      if (options.dryRun || !options.verify) return 0;
    }
    const verified = await verifyCopy({ source, target, resources: options.resources });
    let identical = true;
    for (const v of verified) {
      if (v.identical) {
        io.out(`verified ${v.resource}: ${v.sourceCount} objects in both, identical content`);
        continue;
      }
      identical = false;
      io.out(`MISMATCH ${v.resource}: source ${v.sourceCount} objects, target ${v.targetCount}`);
      if (v.missing.length > 0) io.out(`  missing in target: ${v.missing.join(', ')}`);
      if (v.extra.length > 0) io.out(`  only in target: ${v.extra.join(', ')}`);
      if (v.different.length > 0) io.out(`  different content: ${v.different.join(', ')}`);
    }
    return identical ? 0 : 1;
  } finally {
    await Promise.allSettled(stores.map((s) => s.close()));
  }
}

/**
 * Runs `pwk-storage` with argv (without node and script) over the kinds the API server installs;
 * resolves with the exit code.
 */
export async function runStorageCommand(
  argv: string[],
  io: CommandIO,
  installed: readonly InstalledKind[],
): Promise<number> {
  let options;
  try {
    options = parse(argv, installed);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`pwk-storage: ${err.message} (see --help)`);
    return 2;
  }
  if (options === 'help') {
    io.out(STORAGE_USAGE);
    return 0;
  }
  try {
    return await run(options, io, installed);
  } catch (err) {
    const known = err instanceof MigrationError || err instanceof BackendSpecError;
    io.err(`pwk-storage: ${known ? err.message : String((err as Error)?.message ?? err)}`);
    return 1;
  }
}
