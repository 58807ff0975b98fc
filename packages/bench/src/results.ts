/**
 * The shape of a benchmark run (what benchmarks.json holds) and the targets, checked
 * against the same run's ceilings.
 */
import type { PhaseSummary } from './stats';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  os: string;
  node: string;
  /** The directory whose disk held the data dirs. */
  disk: string;
}

export interface StartupResult {
  /** Foos on disk. */
  objects: number;
  /** Spawn → /readyz 200. */
  startupMs: number;
  /** RSS right after /readyz first answered 200 (what the target is judged on). */
  rssMB?: number;
  /** RSS after up to 30 s idle, once V8 has returned what loading no longer needs. */
  settledRssMB?: number;
  /** p50 of 5 lists of every Foo, when measured at this size. */
  listP50Ms?: number;
  listErrors?: number;
}

export interface BenchResult {
  machine: Machine;
  date: string;
  command: string;
  settings: {
    objects: number;
    concurrency: number;
    readRequests: number;
    watchEvents: number;
    /** The apiserver's --file-store-sync (runs before it existed: per-object). */
    fileStoreSync?: 'per-object' | 'log';
  };
  ceilings: {
    bareHttps: PhaseSummary;
    durableWrites: PhaseSummary;
    /** Group-committed fdatasync at the run's concurrency (runs before it existed: none). */
    groupCommit?: PhaseSummary;
  };
  /** In the order they ran. */
  phases: PhaseSummary[];
  startup: StartupResult[];
}

/** Phase names, as reported. */
export const PHASE = {
  create: 'create',
  get: 'get',
  mergePatch: 'merge-patch',
  update: 'update (PUT)',
  listAll: 'list all',
  listSelector: 'list labelSelector',
  listPages: 'list pages of 500',
  watch20: 'watch, 20 watchers',
  watch100: 'watch, 100 watchers',
  delete: 'delete',
} as const;

export interface TargetCheck {
  target: string;
  measured: string;
  /** Undefined: this run did not measure it. */
  met: boolean | undefined;
}

const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(digits);

export function checkTargets(result: BenchResult): TargetCheck[] {
  const phase = (name: string) => result.phases.find((p) => p.name === name);
  const bare = result.ceilings.bareHttps.opsPerSec;
  const durable = result.ceilings.durableWrites.opsPerSec;
  const checks: TargetCheck[] = [];
  const ratio = (name: string, ceiling: number, min: number, what: string) => {
    const p = phase(name);
    const r = p ? p.opsPerSec / ceiling : undefined;
    checks.push({
      target: `${name} ≥ ${min} × ${what}`,
      measured: p ? `${fmt(p.opsPerSec)}/s = ${fmt(r, 2)} × ${fmt(ceiling)}/s` : 'n/a',
      met: r === undefined ? undefined : r >= min,
    });
  };
  const atMost = (target: string, value: number | undefined, max: number, unit: string) =>
    checks.push({
      target,
      measured: value === undefined ? 'not measured in this run' : `${fmt(value, 1)} ${unit}`,
      met: value === undefined ? undefined : value <= max,
    });

  ratio(PHASE.get, bare, 0.75, 'bare HTTPS');
  const listAll = phase(PHASE.listAll);
  const listAt = (n: number) =>
    result.settings.objects === n ? listAll?.p50Ms : result.startup.find((s) => s.objects === n)?.listP50Ms;
  atMost('list of 2,000 p50 ≤ 20 ms', listAt(2000), 20, 'ms');
  atMost('list of 10,000 p50 ≤ 80 ms', listAt(10_000), 80, 'ms');
  ratio(PHASE.create, durable, 0.8, 'durable writes');
  ratio(PHASE.mergePatch, durable, 0.8, 'durable writes');
  const group = result.ceilings.groupCommit;
  if (group) {
    const w = result.settings.concurrency;
    ratio(PHASE.create, group.opsPerSec, 0.5, `group-committed fdatasync (${w}-way)`);
    const create = phase(PHASE.create);
    atMost(`create p50 ≤ 3 ms at ${w}-way`, create?.p50Ms, 3, 'ms');
  }
  for (const [name, max] of [
    [PHASE.watch20, 10],
    [PHASE.watch100, 30],
  ] as const) {
    const p = phase(name);
    checks.push({
      target: `${name}: all delivered, p99 ≤ ${max} ms`,
      measured: p ? `p99 ${fmt(p.p99Ms, 1)} ms, ${p.errors} missed` : 'n/a',
      met: p ? p.errors === 0 && p.p99Ms <= max : undefined,
    });
  }
  const big = result.startup.find((s) => s.objects === 100_000);
  atMost('100k Foos: RSS ≤ 200 MB', big?.rssMB, 200, 'MB');
  atMost('100k Foos: start-up ≤ 5 s', big && big.startupMs / 1000, 5, 's');
  const failing = [...result.phases, result.ceilings.bareHttps].filter((p) => p.errors > 0);
  const listErrors = result.startup.reduce((n, s) => n + (s.listErrors ?? 0), 0);
  checks.push({
    target: 'no phase has errors',
    measured:
      failing.length + listErrors === 0
        ? '0 errors'
        : [
            ...failing.map((p) => `${p.name}: ${p.errors}`),
            ...(listErrors ? [`start-up lists: ${listErrors}`] : []),
          ].join(', '),
    met: failing.length === 0 && listErrors === 0,
  });
  return checks;
}
