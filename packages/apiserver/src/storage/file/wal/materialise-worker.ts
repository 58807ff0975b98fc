/**
 * The file-writer thread's entry: runs each batch of file jobs it is sent, in order, and answers
 * with how many were done, the paths they touched, and the error that stopped the batch.
 *
 * The thread lowers its own scheduling priority first (nice 19, Linux: setpriority on the
 * thread's id). Writing a file is mostly kernel time (~150–400 µs of system CPU per temp file +
 * rename on ext4), and the requests being answered need the same 2 cores: at nice 19 the files
 * are written with the CPU the server leaves idle, at once when it is idle and behind when it is
 * busy — the backlog bound (MAX_BACKLOG) stops commits before they fall too far behind.
 */
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { runFileJob } from './file-jobs';
import type { FileJob, TouchedPaths } from './file-jobs';

export interface FileBatch {
  id: number;
  dataDir: string;
  jobs: FileJob[];
}

export type FileBatchAnswer =
  | { id: number; done: number; touched: TouchedPaths; error?: string }
  | { ready: true; priority: number | null };

/** This thread at the given nice value; null where that cannot be done (not Linux). */
function lowerOwnPriority(nice: number): number | null {
  try {
    // "<pid>/task/<tid>": setpriority(PRIO_PROCESS, tid) sets one thread's priority on Linux.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid)) return null;
    os.setPriority(tid, nice);
    return os.getPriority(tid);
  } catch {
    return null;
  }
}

const { nice } = workerData as { nice: number };
parentPort?.postMessage({ ready: true, priority: lowerOwnPriority(nice) } satisfies FileBatchAnswer);

parentPort?.on('message', ({ id, dataDir, jobs }: FileBatch) => {
  const touched: TouchedPaths = { files: [], dirs: [] };
  let done = 0;
  let error: string | undefined;
  for (const job of jobs) {
    try {
      runFileJob(dataDir, job, touched);
    } catch (err) {
      error = String(err);
      break;
    }
    done++;
  }
  parentPort?.postMessage({ id, done, touched, error } satisfies FileBatchAnswer);
});
