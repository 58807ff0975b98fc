/**
 * Start-up: loads every stored object into memory. The scan of the data dir (reading, checking,
 * quarantining: load-scan.ts) runs in a worker thread; this side only files what it reports.
 *
 * Why a thread: scanning 100k objects makes ~0.8 GB of short-lived garbage (listings, parsed
 * objects) besides the texts it keeps. In the server's own heap, V8 answers that by growing its
 * young generation to the maximum (32 MB) and by leaving old-space garbage (~17 MB), which it
 * gives back only after the server has been idle for a while: measured with 100k objects, RSS at
 * /readyz was ~200 MB that way against ~165 MB with the scan in a worker, whose whole heap is
 * freed when it exits. The server receives the texts in batch strings of a few hundred KB
 * (allocated outside the young generation) and one id string per object.
 *
 * The files are shared out between up to SCAN_THREADS workers scanning at once (load-scan.ts,
 * Shard): reading, parsing and checking objects against their schema is CPU work, and the cores
 * are otherwise idle at start-up (measured with 100k objects on 2 cores: 4.6–4.9 s with one
 * worker, 3.0–3.8 s with two; RSS at /readyz +2 MB).
 *
 * Run from TypeScript sources (ts-jest), a worker thread could not load the scan: it then runs
 * in this thread, as the same code reporting the same messages.
 */
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { StorageLogger } from '../logger';
import type { LoadMessage } from './load-messages';
import { scanDataDir } from './load-scan';
import type { Shard } from './load-scan';
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
  /** Paths of files not to read (the write-ahead log's objects: load-scan.ts). */
  skip?: string[];
}

export interface LoadWorkerData {
  dataDir: string;
  stamp: string;
  check?: StoredObjectCheckRef;
  shard: Shard;
  skip?: string[];
}

/** More threads would only add heaps: past two cores the scan waits on the disk. */
const SCAN_THREADS = Math.max(1, Math.min(2, os.availableParallelism()));

const WORKER_FILE = path.join(__dirname, 'load-worker.js');
const IN_WORKER = path.extname(__filename) === '.js';

/** Files what the scan reports. */
class Receiver {
  readonly collections = new Map<string, Map<string, string | number>>();
  readonly texts = new LoadedTexts();
  /** The scans' totals, once every one of them is done. */
  done?: Extract<LoadMessage, { kind: 'done' }>;
  private pending: number;

  constructor(
    private readonly logger: StorageLogger,
    scans: number,
  ) {
    this.pending = scans;
  }

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
      case 'done': {
        const sum = this.totals;
        this.totals = {
          kind: 'done',
          highestRevision: Math.max(sum.highestRevision, message.highestRevision),
          quarantined: sum.quarantined + message.quarantined,
          tempFilesRemoved: sum.tempFilesRemoved + message.tempFilesRemoved,
        };
        if (--this.pending === 0) this.done = this.totals;
        break;
      }
      case 'failed':
        throw Object.assign(new Error(message.message), message.code ? { code: message.code } : {});
    }
  }

  private totals: Extract<LoadMessage, { kind: 'done' }> = {
    kind: 'done',
    highestRevision: 0,
    quarantined: 0,
    tempFilesRemoved: 0,
  };

  private entries(collection: string): Map<string, string | number> {
    let entries = this.collections.get(collection);
    if (!entries) {
      entries = new Map();
      this.collections.set(collection, entries);
    }
    return entries;
  }
}

/** Runs one scan in a worker thread; resolves once the thread is gone (and its heap with it). */
function scanInWorker(data: LoadWorkerData, receiver: Receiver): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_FILE, { workerData: data });
    let failure: unknown;
    let finished = false;
    worker.on('message', (message: LoadMessage) => {
      if (message.kind === 'done') finished = true;
      try {
        receiver.accept(message);
      } catch (err) {
        failure ??= err;
        void worker.terminate();
      }
    });
    worker.once('error', (err) => (failure ??= err));
    worker.once('exit', (code) => {
      if (failure === undefined && finished) resolve();
      else reject(failure ?? new Error(`file store: the load worker exited (code ${code}) before finishing`));
    });
  });
}

export async function loadDataDir(dataDir: string, opts: LoadOptions): Promise<LoadResult> {
  const stamp = opts.now().toISOString().replace(/[:.]/g, '-');
  const scans = IN_WORKER ? SCAN_THREADS : 1;
  const receiver = new Receiver(opts.logger, scans);
  if (IN_WORKER) {
    const shards = Array.from({ length: scans }, (_, index) => ({ index, count: scans }));
    // Every scan runs to its end (or failure) before this resolves: none is left running.
    const results = await Promise.allSettled(
      shards.map((shard) =>
        scanInWorker({ dataDir, stamp, check: opts.check, shard, skip: opts.skip }, receiver),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } else {
    await scanDataDir({
      dataDir,
      stamp,
      check: opts.check && loadObjectCheck(opts.check),
      skip: opts.skip && new Set(opts.skip),
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
