/**
 * The file-writer thread (materialise-worker.ts) as the materialiser uses it: batches in, how
 * far each got out. One thread per process, shared by every store writing behind a log (a server
 * has one; the tests open many in turn, and a thread started from the TypeScript sources takes a
 * while to start). It keeps the process alive only while a batch is out — never when idle —
 * and is stopped a little after its last user lets go.
 */
import type { Worker } from 'node:worker_threads';
import { keepAliveWhileBusy, startWorker } from '../../../threads/start-worker';
import type { FileJob, TouchedPaths } from './file-jobs';
import type { FileBatch, FileBatchAnswer } from './materialise-worker';

export interface BatchResult {
  /** Jobs done, from the first; the rest were not. */
  done: number;
  touched: TouchedPaths;
  /** Why the batch stopped before its end. */
  error?: string;
}

export interface FileWriter {
  run(dataDir: string, jobs: FileJob[]): Promise<BatchResult>;
  /** The thread's nice value once it has started (null: it could not lower it; undefined: not started). */
  priority(): number | null | undefined;
  release(): void;
}

/** The thread's nice value: the lowest priority, so request handling always comes first. */
const FILE_WRITER_NICE = 19;
/** How long an unused thread is kept for the next store. */
const LINGER_MS = 2_000;

class SharedFileWriter {
  private worker: Worker | undefined;
  private users = 0;
  private nextId = 1;
  private readonly pending = new Map<number, (result: BatchResult) => void>();
  private linger: NodeJS.Timeout | undefined;
  private startedPriority: number | null | undefined;

  acquire(): FileWriter {
    this.users++;
    clearTimeout(this.linger);
    let released = false;
    return {
      run: (dataDir, jobs) => this.run(dataDir, jobs),
      priority: () => this.startedPriority,
      release: () => {
        if (released) return;
        released = true;
        if (--this.users === 0) {
          this.linger = setTimeout(() => this.stop(), LINGER_MS);
          this.linger.unref();
        }
      },
    };
  }

  private run(dataDir: string, jobs: FileJob[]): Promise<BatchResult> {
    return new Promise((resolve) => {
      const batch: FileBatch = { id: this.nextId++, dataDir, jobs };
      const worker = this.thread();
      this.pending.set(batch.id, resolve);
      // A process waiting for its files (close()) stays until they are written.
      keepAliveWhileBusy(worker, true);
      worker.postMessage(batch);
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(
      __filename,
      'materialise-worker',
      (answer: FileBatchAnswer) => this.answered(answer),
      { workerData: { nice: FILE_WRITER_NICE } },
    );
    let failure: unknown;
    worker.on('error', (err) => (failure = err));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      // Whatever it was doing is not done: the materialiser retries it.
      const error = `the file-writer thread exited (${failure ? String(failure) : `code ${code}`})`;
      for (const settle of this.pending.values())
        settle({ done: 0, touched: { files: [], dirs: [] }, error });
      this.pending.clear();
    });
    this.worker = worker;
    return worker;
  }

  private answered(answer: FileBatchAnswer): void {
    if ('ready' in answer) {
      this.startedPriority = answer.priority;
      return;
    }
    const settle = this.pending.get(answer.id);
    this.pending.delete(answer.id);
    if (this.worker) keepAliveWhileBusy(this.worker, this.pending.size > 0);
    settle?.({ done: answer.done, touched: answer.touched, error: answer.error });
  }

  private stop(): void {
    if (this.users > 0) return;
    const worker = this.worker;
    this.worker = undefined;
    this.startedPriority = undefined;
    void worker?.terminate();
  }
}

const shared = new SharedFileWriter();

/** The process's file-writer thread, for one user (release it when done). */
export function acquireFileWriter(): FileWriter {
  return shared.acquire();
}
