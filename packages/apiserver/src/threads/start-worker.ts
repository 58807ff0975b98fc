/**
 * Starts a worker thread on one of the server's own modules, from the compiled JavaScript (the
 * built server) or from the TypeScript sources (the tests run them with ts-jest, and a worker
 * thread has no transformer: there the entry is compiled on load with the TypeScript compiler,
 * which every test run has).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';

const TYPESCRIPT_ENTRY = `
const ts = require('typescript');
const fs = require('node:fs');
require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  module._compile(ts.transpileModule(source, { compilerOptions: options }).outputText, filename);
};
require(require('node:worker_threads').workerData.entry);
`;

/**
 * A background worker running `<dir>/<name>.js` or `.ts`, whichever the caller itself is (pass
 * the caller's `__filename`), with `onMessage` receiving what it posts. The entry reads its own
 * data from `workerData` (the entry's path is added to it).
 *
 * The worker never keeps the process alive. It is unref'd after `onMessage` is attached, and
 * only then: a Worker re-refs its message port when its first 'message' listener is added, so
 * a worker unref'd first and listened to after holds the process open for as long as it runs.
 */
export function startWorker<Message>(
  caller: string,
  name: string,
  onMessage: (message: Message) => void,
  options: Omit<WorkerOptions, 'workerData' | 'eval'> & { workerData?: Record<string, unknown> } = {},
): Worker {
  const extension = path.extname(caller);
  const entry = path.join(path.dirname(caller), `${name}${extension}`);
  const workerData = { ...options.workerData, entry };
  const worker =
    extension === '.ts'
      ? new Worker(TYPESCRIPT_ENTRY, { ...options, eval: true, workerData })
      : new Worker(entry, { ...options, workerData });
  worker.on('message', onMessage);
  worker.unref();
  return worker;
}

/**
 * Whether `worker` keeps the process alive: while it is busy — work sent, its answer awaited, so
 * a process waiting only for the worker still gets the answer — and never when idle. Callers
 * pass what they know after each change (`pending.size > 0`); ref and unref are idempotent.
 */
export function keepAliveWhileBusy(worker: Worker, busy: boolean): void {
  if (busy) worker.ref();
  else worker.unref();
}
