/** Runs workers/store-worker.js (against the built dist/) as a real second process. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const WORKER = path.join(__dirname, 'workers', 'store-worker.js');
const BUILT = path.join(__dirname, '..', '..', 'dist', 'storage', 'file', 'file-storage.js');

export interface WorkerProcess {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first line starting with one of the prefixes. */
  waitFor(...prefixes: string[]): Promise<string>;
  exited: Promise<number | null>;
}

export interface WorkerOptions {
  /**
   * Start the worker under a parent that never reaps it (a shell that execs `sleep`): once
   * killed, the worker stays a zombie for as long as `child` lives. The worker's own pid is then
   * the one on the `PID <n>` line.
   */
  unreapedParent?: boolean;
  /** The store's sync mode (default per-object), and for 'log' the segment size. */
  sync?: 'per-object' | 'log';
  logSegmentBytes?: number;
}

export function startWorker(
  dataDir: string,
  mode: 'hold' | 'write',
  options: WorkerOptions = {},
): WorkerProcess {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run "npm run build" first`);
  const stdio: ['ignore', 'pipe', 'inherit'] = ['ignore', 'pipe', 'inherit'];
  const args = [WORKER, dataDir, mode, options.sync ?? 'per-object'];
  if (options.logSegmentBytes !== undefined) args.push(String(options.logSegmentBytes));
  const child = options.unreapedParent
    ? spawn('/bin/sh', ['-c', '"$0" "$@" & echo "PID $!"; exec sleep 3600', process.execPath, ...args], {
        stdio,
      })
    : spawn(process.execPath, args, { stdio });
  const lines: string[] = [];
  const waiters: Array<{ prefixes: string[]; resolve: (line: string) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.prefixes.some((p) => line.startsWith(p))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Lines still buffered in the pipe are read before 'close'.
  const closed = new Promise<void>((resolve) => child.stdout!.on('close', () => resolve()));
  return {
    child,
    lines,
    exited: exited.then(async (code) => {
      await closed;
      return code;
    }),
    waitFor(...prefixes) {
      const seen = lines.find((l) => prefixes.some((p) => l.startsWith(p)));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ prefixes, resolve });
        void exited.then(() =>
          setTimeout(
            () =>
              reject(new Error(`worker exited before printing ${prefixes.join('|')}: ${lines.join('\n')}`)),
            50,
          ),
        );
      });
    },
  };
}
