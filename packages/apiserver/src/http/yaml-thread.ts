/**
 * A worker thread that decodes large YAML bodies, so the event loop never runs the yaml library
 * on them: it costs microseconds per byte (a 200 KB document takes around half a second), and
 * Node has one event loop for every request. One thread, first come first served, with a heap
 * of its own (resourceLimits) so a document that needs too much memory kills the thread, not the
 * server. Hand-written over node:worker_threads rather than a pool library (piscina, tinypool):
 * those load their task module with import(), which cannot run the TypeScript sources the tests
 * use, and one thread with a queue is all a 2-core server needs.
 */
import type { Worker } from 'node:worker_threads';
import { keepAliveWhileBusy, startWorker } from '../threads/start-worker';
import type { YamlAnswer, YamlRequest } from './yaml-worker';
import { YamlDecodeError } from './yaml-text';
import type { YamlDuplicate } from './yaml-text';

export interface YamlThreadOptions {
  maxDepth: number;
  /** The thread's old-generation heap, MiB. */
  maxHeapMb: number;
}

interface Pending {
  request: YamlRequest;
  resolve: (decoded: { json: string; duplicates: YamlDuplicate[] }) => void;
  reject: (err: Error) => void;
}

export class YamlThread {
  private worker: Worker | undefined;
  private nextId = 1;
  /** In the order sent: the thread works on the first. */
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(private readonly options: YamlThreadOptions) {}

  decode(text: string): Promise<{ json: string; duplicates: YamlDuplicate[] }> {
    if (this.closed) return Promise.reject(new Error('the YAML decoder is closed'));
    return new Promise((resolve, reject) => {
      const request = { id: this.nextId++, text };
      this.send({ request, resolve, reject });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(__filename, 'yaml-worker', (answer: YamlAnswer) => this.settle(answer), {
      workerData: { maxDepth: this.options.maxDepth },
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb },
    });
    let failure: Error | undefined;
    worker.on('error', (err) => (failure = err));
    worker.on('exit', () => this.lost(worker, failure));
    this.worker = worker;
    return worker;
  }

  private settle(answer: YamlAnswer): void {
    const waiting = this.pending.get(answer.id);
    if (!waiting) return;
    this.pending.delete(answer.id);
    if (this.worker) keepAliveWhileBusy(this.worker, this.pending.size > 0);
    if ('json' in answer) waiting.resolve({ json: answer.json, duplicates: answer.duplicates });
    else waiting.reject(answer.refused ? new YamlDecodeError(answer.error) : new Error(answer.error));
  }

  /** The thread died (out of memory, most likely): the document it was on is refused, the rest go to a new one. */
  private lost(worker: Worker, failure: Error | undefined): void {
    if (this.worker === worker) this.worker = undefined;
    if (this.closed) {
      for (const waiting of this.pending.values()) waiting.reject(new Error('the YAML decoder is closed'));
      this.pending.clear();
      return;
    }
    const [first, ...rest] = this.pending.values();
    if (!first) return;
    this.pending.delete(first.request.id);
    const outOfMemory = (failure as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
    first.reject(
      outOfMemory || failure === undefined
        ? new YamlDecodeError('the document needs more memory than a request may use')
        : failure,
    );
    if (rest.length === 0) return;
    for (const waiting of rest) this.pending.delete(waiting.request.id);
    for (const waiting of rest) this.send(waiting);
  }

  /** Sends a request on; the thread keeps its caller alive until it is answered. */
  private send(waiting: Pending): void {
    const worker = this.thread();
    this.pending.set(waiting.request.id, waiting);
    keepAliveWhileBusy(worker, true);
    worker.postMessage(waiting.request);
  }
}
