/**
 * Streams a watch: headers flushed at once (an idle watch must not look hung), one compact JSON
 * event per line, periodic BOOKMARKs when asked for, and an end after timeoutSeconds (or a
 * randomised server timeout) or when the client goes away. Slow clients apply backpressure:
 * we wait for 'drain', and the storage closes a watcher whose buffer overflows.
 */
import type { ServerResponse } from 'node:http';
import type { WatchStream, WireEvent } from '../handlers/watch';
import { bookmark } from '../handlers/watch';
import type { RegistryStore } from '../registry/store';
import { asPartialObjectMetadata } from '../registry/partial-object-metadata';
import type { IncludeObject } from '../registry/table';
import type { KubeObject } from '../storage/interface';
import type { WatchMetrics } from '../observability/metrics/request-metrics';
import type { ResponseForm } from './negotiation';
import type { TableConverter } from '../registry/table';

export interface WatchStreamOptions {
  store: RegistryStore;
  form: ResponseForm;
  includeObject: IncludeObject;
  /** The resource's Table converter. */
  table: TableConverter;
  timeoutMs: number;
  /** Undefined: no bookmarks (the client did not ask for them). */
  bookmarkIntervalMs?: number;
  now: () => Date;
  /** Ends the stream when aborted (server shutdown). */
  end?: AbortSignal;
  /** apiserver_registered_watchers and apiserver_watch_events_*. */
  metrics?: WatchMetrics;
}

/** Resolves when the stream has ended for any reason. */
export async function streamWatch(
  res: ServerResponse,
  stream: WatchStream,
  options: WatchStreamOptions,
): Promise<void> {
  res.statusCode = 200;
  // The negotiated media type: application/json, or its Table / PartialObjectMetadata form.
  res.setHeader('Content-Type', options.form.contentType);
  res.setHeader('Cache-Control', 'no-cache, private');
  res.setHeader('Transfer-Encoding', 'chunked');
  res.flushHeaders();

  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    stream.close();
  };
  res.on('close', end);
  options.end?.addEventListener('abort', end);
  if (options.end?.aborted) end();
  const watchMetrics = options.metrics?.opened();
  const renderLine = eventRenderer(options);
  const render = (event: WireEvent): string | Buffer => {
    const line = renderLine(event);
    watchMetrics?.sent(typeof line === 'string' ? Buffer.byteLength(line) : line.length);
    return line;
  };
  const timeout = setTimeout(end, options.timeoutMs);
  const bookmarks =
    options.bookmarkIntervalMs !== undefined
      ? setInterval(() => {
          if (!ended) res.write(render(bookmark(options.store, stream.revision)));
        }, options.bookmarkIntervalMs)
      : undefined;

  try {
    for await (const event of stream) {
      if (ended) break;
      if (!res.write(render(event))) {
        await new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
      }
    }
  } finally {
    clearTimeout(timeout);
    if (bookmarks) clearInterval(bookmarks);
    options.end?.removeEventListener('abort', end);
    end();
    watchMetrics?.closed();
    if (!res.writableEnded) res.end();
  }
}

/**
 * How each event is encoded for the negotiated form, as k8s.io/apiserver's watch encoder does: the
 * object itself (the stored bytes when storage has them), one PartialObjectMetadata per event
 * (bookmarks included) for metadata clients, or a one-row Table for kubectl get -w (only the first
 * carrying column definitions). ERROR events carry their Status unchanged in every form.
 */
function eventRenderer(options: WatchStreamOptions): (event: WireEvent) => string | Buffer {
  const { form } = options;
  if (form.kind === 'PartialObjectMetadata') {
    const version = form.version ?? 'v1';
    return (event) => (event.type === 'ERROR' ? plainEventLine(event) : metadataEventLine(event, version));
  }
  if (form.kind !== 'Table') return plainEventLine;
  let headersSent = false;
  return (event) => {
    if (event.type === 'ERROR' || event.type === 'BOOKMARK') return plainEventLine(event);
    const table = options.table(
      [event.object as KubeObject],
      { resourceVersion: String(event.revision ?? '') },
      {
        includeObject: options.includeObject,
        now: options.now(),
        noHeaders: headersSent,
        tableVersion: form.version === 'v1beta1' ? 'v1beta1' : 'v1',
      },
    );
    headersSent = true;
    return `${JSON.stringify({ type: event.type, object: table })}\n`;
  };
}

function plainEventLine(event: WireEvent): string | Buffer {
  if (event.serialized !== undefined) return storedEventLine(event.type, event.serialized);
  return `${JSON.stringify({ type: event.type, object: event.object })}\n`;
}

/**
 * A change usually reaches every watcher one after another, each time with the same stored text:
 * one-entry caches encode the line once per form and write the same bytes to every stream (a
 * watcher that lags behind just misses the cache). The text is what JSON.stringify({ type, object })
 * gives.
 */
let lastLine: { type: string; serialized: string; bytes: Buffer } | undefined;

function storedEventLine(type: string, serialized: string): Buffer {
  if (lastLine?.type !== type || lastLine.serialized !== serialized) {
    lastLine = { type, serialized, bytes: Buffer.from(`{"type":"${type}","object":${serialized}}\n`) };
  }
  return lastLine.bytes;
}

let lastMetadataLine: { type: string; serialized: string; version: string; bytes: Buffer } | undefined;

function metadataEventLine(event: WireEvent, version: string): string | Buffer {
  const encode = () =>
    `${JSON.stringify({ type: event.type, object: asPartialObjectMetadata(event.object as KubeObject, version) })}\n`;
  const { serialized } = event;
  if (serialized === undefined) return encode();
  const last = lastMetadataLine;
  if (last?.type !== event.type || last.serialized !== serialized || last.version !== version) {
    lastMetadataLine = { type: event.type, serialized, version, bytes: Buffer.from(encode()) };
  }
  return lastMetadataLine!.bytes;
}
