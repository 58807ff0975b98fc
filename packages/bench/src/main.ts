#!/usr/bin/env node
/**
 * `npm run bench -w @pwk/bench -- [--objects N] [--out DIR]`: runs the benchmark against the
 * built apiserver and writes benchmarks.json, benchmarks.md and benchmarks.svg.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderChart } from './chart';
import { parseOptions, USAGE, UsageError } from './options';
import { renderMarkdown } from './report';
import type { BenchResult, Machine } from './results';
import { checkTargets } from './results';
import { runBenchmark } from './run-benchmark';

const REPO_ROOT = path.resolve(__dirname, '../../..');

function describeMachine(disk: string): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGB: os.totalmem() / 1e9,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    disk,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  let options;
  try {
    options = parseOptions(argv, REPO_ROOT);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench: ${err.message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const date = new Date().toISOString();
  const measured = await runBenchmark({ options, repoRoot: REPO_ROOT, log });
  const result: BenchResult = {
    machine: describeMachine(options.tmpDir ?? os.tmpdir()),
    date,
    command: ['npm run build && npm run bench -w @pwk/bench', ...(argv.length ? ['--', ...argv] : [])].join(
      ' ',
    ),
    ...measured,
  };
  mkdirSync(options.out, { recursive: true });
  writeFileSync(path.join(options.out, 'benchmarks.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(path.join(options.out, 'benchmarks.md'), renderMarkdown(result));
  writeFileSync(path.join(options.out, 'benchmarks.svg'), renderChart(result));
  log('');
  for (const check of checkTargets(result))
    log(`${check.met === undefined ? '—  ' : check.met ? 'ok ' : 'NO '} ${check.target}: ${check.measured}`);
  log(`\nwrote ${path.join(options.out, 'benchmarks.{json,md,svg}')}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
