/**
 * One benchmark run, in order: the durable-write ceiling; an apiserver on an empty store and
 * the bare-HTTPS ceiling driven by the same load generator; the phases; the durable-write ceiling
 * again; then start-up time and RSS over stores of 10k and 100k Foos. Progress goes to stderr
 * as it happens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApiserver } from './apiserver-process';
import type { ApiserverProcess } from './apiserver-process';
import { startBareServer } from './bare-server-process';
import { measureDurableWrites, measureGroupCommit } from './durable-write-rate';
import { writeFixture } from './fixture';
import { startLoadGenerator } from './load-client';
import type { LoadGenerator } from './load-client';
import type { BenchOptions } from './options';
import { cpuSeconds, rssMB } from './process-stats';
import { RESOURCE_PATH, SHARDS } from './protocol';
import type { PhaseCommand, RequestPhase } from './protocol';
import { PHASE } from './results';
import type { BenchResult, StartupResult } from './results';
import { summarize } from './stats';
import type { PhaseSample, PhaseSummary } from './stats';

export interface RunContext {
  options: BenchOptions;
  repoRoot: string;
  log: (line: string) => void;
}

type Measured = Omit<BenchResult, 'machine' | 'date' | 'command'>;

/** Runs a phase while sampling the server's CPU time; logs its summary. */
async function measure(
  ctx: RunContext,
  opts: { name: string; pid: number; run: () => Promise<PhaseSample> },
): Promise<PhaseSummary> {
  const cpuBefore = cpuSeconds(opts.pid);
  const sample = await opts.run();
  const cpuAfter = cpuSeconds(opts.pid);
  const summary = summarize(opts.name, sample);
  if (cpuBefore !== undefined && cpuAfter !== undefined && sample.durationMs > 0)
    summary.serverCpuPercent = ((cpuAfter - cpuBefore) * 100_000) / sample.durationMs;
  ctx.log(
    `${opts.name.padEnd(22)} ${summary.opsPerSec.toFixed(0).padStart(7)}/s  p50 ${summary.p50Ms.toFixed(2)} ms` +
      `  p99 ${summary.p99Ms.toFixed(2)} ms  errors ${summary.errors}${summary.firstError ? ` (${summary.firstError})` : ''}`,
  );
  return summary;
}

function requests(
  server: ApiserverProcess,
  opts: { phase: RequestPhase; count: number; objects: number; concurrency: number; prefix: string },
): PhaseCommand {
  return { kind: 'requests', target: server.target, ...opts };
}

async function runPhases(
  ctx: RunContext,
  gen: LoadGenerator,
  server: ApiserverProcess,
): Promise<PhaseSummary[]> {
  const { objects, concurrency, readRequests, watchEvents } = ctx.options;
  const pid = server.pid;
  const phase = (name: string, command: PhaseCommand) =>
    measure(ctx, { name, pid, run: () => gen.run(command) });
  const on = (p: RequestPhase, count: number) =>
    requests(server, { phase: p, count, objects, concurrency, prefix: 'foo' });

  // Warm-up (not reported): JIT-compiles every path the phases take — watches included — on
  // other objects.
  const warm = Math.min(500, objects);
  const warmUp = (p: RequestPhase) =>
    gen.run(requests(server, { phase: p, count: warm, objects: warm, concurrency, prefix: 'warmup' }));
  for (const p of ['create', 'get', 'merge-patch', 'update'] as const) await warmUp(p);
  await gen.run({
    kind: 'watch',
    target: server.target,
    watchers: 20,
    events: 50,
    objects: warm,
    prefix: 'warmup',
  });
  await warmUp('delete');

  const all = `${RESOURCE_PATH}/foos`;
  return [
    await phase(PHASE.create, on('create', objects)),
    await phase(PHASE.get, on('get', readRequests)),
    await phase(PHASE.mergePatch, on('merge-patch', objects)),
    await phase(PHASE.update, on('update', objects)),
    await phase(PHASE.listAll, {
      kind: 'lists',
      target: server.target,
      path: all,
      reps: 5,
      expectItems: objects,
      pageSize: 0,
    }),
    await phase(PHASE.listSelector, {
      kind: 'lists',
      target: server.target,
      path: `${all}?labelSelector=${encodeURIComponent('shard=3')}`,
      reps: 20,
      expectItems: Math.floor(objects / SHARDS) + (objects % SHARDS > 3 ? 1 : 0),
      pageSize: 0,
    }),
    await phase(PHASE.listPages, {
      kind: 'lists',
      target: server.target,
      path: all,
      reps: 5,
      expectItems: objects,
      pageSize: 500,
    }),
    await phase(PHASE.watch20, {
      kind: 'watch',
      target: server.target,
      watchers: 20,
      events: watchEvents,
      objects,
      prefix: 'foo',
    }),
    await phase(PHASE.watch100, {
      kind: 'watch',
      target: server.target,
      watchers: 100,
      events: watchEvents,
      objects,
      prefix: 'foo',
    }),
    await phase(PHASE.delete, on('delete', objects)),
  ];
}

/** How long a started server may stay idle before its RSS counts as settled. */
const SETTLE_MS = 30_000;

/**
 * RSS once V8 has given back what start-up used and no longer needs (its memory reducer runs
 * after some idle seconds): polled each second until it falls by a tenth or SETTLE_MS pass.
 */
async function settledRss(pid: number, atReady: number | undefined): Promise<number | undefined> {
  let rss = atReady;
  for (let waited = 0; waited < SETTLE_MS; waited += 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    rss = rssMB(pid);
    if (rss === undefined || atReady === undefined || rss < atReady * 0.9) break;
  }
  return rss;
}

/**
 * A restart over a store of `objects` Foos: the data dir is written directly, the certificate
 * and token come from the main run's work dir (a restarted server reuses its certificate).
 */
async function measureStartup(
  ctx: RunContext,
  run: { gen: LoadGenerator; workDir: string; objects: number },
): Promise<StartupResult> {
  const { objects } = run;
  const dataDir = mkdtempSync(path.join(ctx.options.tmpDir ?? os.tmpdir(), 'pwk-bench-startup-'));
  try {
    writeFixture(dataDir, objects);
    const server = await startApiserver({
      repoRoot: ctx.repoRoot,
      dataDir,
      workDir: run.workDir,
      fileStoreSync: ctx.options.fileStoreSync,
    });
    try {
      const atReady = rssMB(server.pid);
      const result: StartupResult = { objects, startupMs: server.startupMs, rssMB: atReady };
      const settled = await settledRss(server.pid, atReady);
      if (settled !== undefined) result.settledRssMB = settled;
      // Lists of the largest stores would mostly measure the client; 10k is a target.
      if (objects <= 10_000) {
        const list = summarize(
          'list all',
          await run.gen.run({
            kind: 'lists',
            target: server.target,
            path: `${RESOURCE_PATH}/foos`,
            reps: 5,
            expectItems: objects,
            pageSize: 0,
          }),
        );
        result.listP50Ms = list.p50Ms;
        result.listErrors = list.errors;
      }
      ctx.log(
        `start-up with ${objects} Foos: ${result.startupMs.toFixed(0)} ms, RSS ${result.rssMB?.toFixed(0)} MB` +
          ` (settled ${result.settledRssMB?.toFixed(0)} MB)` +
          (result.listP50Ms !== undefined ? `, list all p50 ${result.listP50Ms.toFixed(1)} ms` : ''),
      );
      return result;
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runBenchmark(ctx: RunContext): Promise<Measured> {
  const { options } = ctx;
  const base = options.tmpDir ?? os.tmpdir();
  // Measured before and after the phases, the faster one counts: a disk that other processes
  // keep busy for a moment must not make the ceiling (and with it the targets) easier.
  const measureDisk = () => {
    const disk = summarize(
      'durable writes',
      measureDurableWrites({ baseDir: base, maxWrites: 2000, maxMs: 3000 }),
    );
    ctx.log(`durable writes (serial)  ${disk.opsPerSec.toFixed(0)}/s  p50 ${disk.p50Ms.toFixed(2)} ms`);
    return disk;
  };
  const measureGroup = () => {
    const w = options.concurrency;
    const group = summarize(
      `group-committed fdatasync (${w}-way)`,
      measureGroupCommit({ baseDir: base, writers: w, maxWrites: 2000 * w, maxMs: 3000 }),
    );
    ctx.log(`group-committed fdatasync ${group.opsPerSec.toFixed(0)}/s  p50 ${group.p50Ms.toFixed(2)} ms`);
    return group;
  };
  const diskBefore = measureDisk();
  const groupBefore = measureGroup();

  const work = mkdtempSync(path.join(base, 'pwk-bench-'));
  const gen = startLoadGenerator();
  try {
    const server = await startApiserver({
      repoRoot: ctx.repoRoot,
      dataDir: path.join(work, 'data'),
      workDir: work,
      cpuProfileDir: options.cpuProfileDir,
      fileStoreSync: options.fileStoreSync,
    });
    let bareHttps: PhaseSummary;
    let phases: PhaseSummary[];
    try {
      const bare = await startBareServer({ certFile: server.certFile, keyFile: server.keyFile });
      try {
        const constant = (count: number): PhaseCommand => ({
          kind: 'requests',
          phase: 'constant',
          target: bare.target,
          count,
          objects: 1,
          concurrency: options.concurrency,
          prefix: 'bare',
        });
        await gen.run(constant(2000));
        bareHttps = await measure(ctx, {
          name: 'bare HTTPS',
          pid: bare.pid,
          run: () => gen.run(constant(options.readRequests)),
        });
      } finally {
        await bare.stop();
      }
      phases = await runPhases(ctx, gen, server);
    } finally {
      await server.stop();
    }
    const diskAfter = measureDisk();
    const durable = diskAfter.opsPerSec > diskBefore.opsPerSec ? diskAfter : diskBefore;
    const groupAfter = measureGroup();
    const groupCommit = groupAfter.opsPerSec > groupBefore.opsPerSec ? groupAfter : groupBefore;
    const startup: StartupResult[] = [];
    for (const objects of options.startupObjects)
      startup.push(await measureStartup(ctx, { gen, workDir: work, objects }));
    return {
      settings: {
        objects: options.objects,
        concurrency: options.concurrency,
        readRequests: options.readRequests,
        watchEvents: options.watchEvents,
        fileStoreSync: options.fileStoreSync,
      },
      ceilings: { bareHttps, durableWrites: durable, groupCommit },
      phases,
      startup,
    };
  } finally {
    await gen.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
