/**
 * Start-up: loads every stored object into memory. The scan of the data dir (reading, checking,
 * quarantining: load-scan.ts) runs in a worker thread; this side only files what it reports.
 *
 * Why a thread: scanning 100k objects makes ~0.8 GB of short-lived garbage (listings, parsed
 * objects) besides the texts it keeps. In the server's own heap, V8 answers that by growing its
 * young generation to the maximum (32 MB) and by leaving old-space garbage (~17 MB), which it
 * gives back only after the server has been idle for a while: measured with 100k Foos, RSS at
 * /readyz was ~200 MB that way against ~165 MB with the scan in a worker, whose whole heap is
 * freed when it exits. The server receives the texts in batch strings of a few hundred KB
 * (allocated outside the young generation) and one id string per object.
 *
 * Run from TypeScript sources (ts-jest), a worker thread could not load the scan: it then runs
 * in this thread, as the same code reporting the same messages.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { StorageLogger } from '../logger';
import type { LoadMessage } from './load-messages';
import { scanDataDir } from './load-scan';
import { LoadedTexts } from './loaded-texts';
import { loadObjectCheck } from './object-check';
import type { StoredObjectCheckRef } from './object-check';

export interface LoadResult {
  /** `group/resource` → id → the object's JSON, or its slot in `texts`. */
  collections: Map<string, Map<string, string | number>>;
  texts: LoadedTexts;
  highestRevision: number;
  quarantined: number;
  tempFilesRemoved: number;
  /** Where the scan ran. */
  scannedIn: 'worker' | 'process';
}

export interface LoadOptions {
  logger: StorageLogger;
  now: () => Date;
  /** The schema check of loaded objects (object-check.ts); none: only the store's own checks. */
  check?: StoredObjectCheckRef;
}

export interface LoadWorkerData {
  dataDir: string;
  stamp: string;
  check?: StoredObjectCheckRef;
}

const WORKER_FILE = path.join(__dirname, 'load-worker.js');
const IN_WORKER = path.extname(__filename) === '.js';

/** Files what the scan reports. */
class Receiver {
  readonly collections = new Map<string, Map<string, string | number>>();
  readonly texts = new LoadedTexts();
  done?: Extract<LoadMessage, { kind: 'done' }>;

  constructor(private readonly logger: StorageLogger) {}

  accept(message: LoadMessage): void {
    switch (message.kind) {
      case 'batch': {
        const entries = this.entries(message.collection);
        const first = this.texts.add(message.collection, message.text, message.ids, message.ends);
        message.ids.forEach((id, k) => entries.set(id, first + k));
        break;
      }
      case 'object':
        this.entries(message.collection).set(message.id, message.json);
        break;
      case 'warn':
        this.logger.warn(message.message, message.fields);
        break;
      case 'done':
        this.done = message;
        break;
      case 'failed':
        throw Object.assign(new Error(message.message), message.code ? { code: message.code } : {});
    }
  }

  private entries(collection: string): Map<string, string | number> {
    let entries = this.collections.get(collection);
    if (!entries) {
      entries = new Map();
      this.collections.set(collection, entries);
    }
    return entries;
  }
}

/** Runs the scan in a worker thread; resolves once the thread is gone (and its heap with it). */
function scanInWorker(data: LoadWorkerData, receiver: Receiver): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_FILE, { workerData: data });
    let failure: unknown;
    worker.on('message', (message: LoadMessage) => {
      try {
        receiver.accept(message);
      } catch (err) {
        failure ??= err;
        void worker.terminate();
      }
    });
    worker.once('error', (err) => (failure ??= err));
    worker.once('exit', (code) => {
      if (failure === undefined && receiver.done) resolve();
      else reject(failure ?? new Error(`file store: the load worker exited (code ${code}) before finishing`));
    });
  });
}

export async function loadDataDir(dataDir: string, opts: LoadOptions): Promise<LoadResult> {
  const stamp = opts.now().toISOString().replace(/[:.]/g, '-');
  const receiver = new Receiver(opts.logger);
  if (IN_WORKER) {
    await scanInWorker({ dataDir, stamp, check: opts.check }, receiver);
  } else {
    await scanDataDir({
      dataDir,
      stamp,
      check: opts.check && loadObjectCheck(opts.check),
      emit: (message) => receiver.accept(message),
      // Let health probes and timers run while a large store loads.
      pause: () => new Promise((resolve) => setImmediate(resolve)),
    });
  }
  const { done } = receiver;
  if (!done) throw new Error('file store: the data dir scan ended without completing');
  receiver.texts.seal();
  return {
    collections: receiver.collections,
    texts: receiver.texts,
    highestRevision: done.highestRevision,
    quarantined: done.quarantined,
    tempFilesRemoved: done.tempFilesRemoved,
    scannedIn: IN_WORKER ? 'worker' : 'process',
  };
}
