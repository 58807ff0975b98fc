/**
 * Entry point of the worker thread that scans the data dir at start-up (see loader.ts): runs the
 * scan and posts what it reports to the server's thread; the thread exits when it is done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadMessage } from './load-messages';
import type { LoadWorkerData } from './loader';
import { scanDataDir } from './load-scan';
import { loadObjectCheck } from './object-check';

const port = parentPort;
if (!port) throw new Error('load-worker runs only as a worker thread (see loader.ts)');
const post = (message: LoadMessage) => port.postMessage(message);
const { dataDir, stamp, check, shard, skip } = workerData as LoadWorkerData;

Promise.resolve()
  .then(() =>
    scanDataDir({
      dataDir,
      stamp,
      shard,
      emit: post,
      check: check && loadObjectCheck(check),
      skip: skip && new Set(skip),
    }),
  )
  .catch((err: unknown) => {
    const { message, code } = err as NodeJS.ErrnoException;
    post({ kind: 'failed', message: message ?? String(err), ...(code ? { code } : {}) });
  });
