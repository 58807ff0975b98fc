/**
 * The durable-write ceiling: how many 1 KB files the disk under test takes per second, one
 * after another, each made durable the way the file store does it (temp file → write → fsync →
 * rename over the target → fsync of the directory). Synchronous calls: this is the disk's rate,
 * not the cost of Node's thread-pool round trips (the store pays those, and must beat this
 * anyway by committing concurrent writes together).
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { nowMs } from './http-client';
import type { PhaseSample } from './stats';

export interface DurableWriteOptions {
  /** A directory on the disk under test. */
  baseDir: string;
  /** Stop after this many writes… */
  maxWrites: number;
  /** …or after this long, whichever comes first. */
  maxMs: number;
}

function fsyncPath(target: string): void {
  const fd = openSync(target, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function measureDurableWrites(options: DurableWriteOptions): PhaseSample {
  const dir = mkdtempSync(path.join(options.baseDir, 'pwk-bench-fsync-'));
  const data = Buffer.alloc(1024, 'x');
  const latenciesMs: number[] = [];
  const started = nowMs();
  try {
    for (let i = 0; i < options.maxWrites && nowMs() - started < options.maxMs; i++) {
      const begun = nowMs();
      const temp = path.join(dir, `.tmp-${i}`);
      const fd = openSync(temp, 'wx', 0o644);
      try {
        writeSync(fd, data);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      // 100 distinct targets: renames replace existing files, as updates do.
      renameSync(temp, path.join(dir, `object-${i % 100}.json`));
      fsyncPath(dir);
      latenciesMs.push(nowMs() - begun);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { latenciesMs, errors: 0, durationMs: nowMs() - started, ops: latenciesMs.length };
}
