/**
 * The durable-write ceiling: how many 1 KB files the disk under test takes per second, one
 * after another, each made durable the way the file store does it (temp file → write → fsync →
 * rename over the target → fsync of the directory). Synchronous calls: this is the disk's rate,
 * not the cost of Node's thread-pool round trips (the store pays those, and must beat this
 * anyway by committing concurrent writes together).
 */
import {
  closeSync,
  fdatasyncSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
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

export interface GroupCommitOptions extends DurableWriteOptions {
  /** Writers whose records share each sync (the run's concurrency). */
  writers: number;
}

/**
 * The group-committed ceiling: `writers` writers each waiting for its ~600-byte record (a Foo's
 * log record) to be durable, every round one write of all their records to an append-only file
 * and one fdatasync — what a write-ahead log with group commit can at best acknowledge at that
 * concurrency. Each record's latency is its round's.
 */
export function measureGroupCommit(options: GroupCommitOptions): PhaseSample {
  const dir = mkdtempSync(path.join(options.baseDir, 'pwk-bench-fdatasync-'));
  const batch = Buffer.alloc(600 * options.writers, 'x');
  const latenciesMs: number[] = [];
  const started = nowMs();
  const fd = openSync(path.join(dir, 'segment.log'), 'w', 0o644);
  try {
    let position = 0;
    while (latenciesMs.length < options.maxWrites && nowMs() - started < options.maxMs) {
      const begun = nowMs();
      position += writeSync(fd, batch, 0, batch.length, position);
      fdatasyncSync(fd);
      const took = nowMs() - begun;
      for (let w = 0; w < options.writers; w++) latenciesMs.push(took);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  return { latenciesMs, errors: 0, durationMs: nowMs() - started, ops: latenciesMs.length };
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
