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
import { fooTable } from '../registry/table';
import type { IncludeObject } from '../registry/table';
import type { KubeObject } from '../storage/interface';
import type { ResponseForm } from './negotiation';

export interface WatchStreamOptions {
  store: RegistryStore;
  form: ResponseForm;
  includeObject: IncludeObject;
  timeoutMs: number;
  /** Undefined: no bookmarks (the client did not ask for them). */
  bookmarkIntervalMs?: number;
  now: () => Date;
}

/** Resolves when the stream has ended for any reason. */
export async function streamWatch(
  res: ServerResponse,
  stream: WatchStream,
  options: WatchStreamOptions,
): Promise<void> {
  res.statusCode = 200;
  res.setHeader(
    'Content-Type',
    options.form.kind === 'Table' ? options.form.contentType : 'application/json',
  );
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
  const timeout = setTimeout(end, options.timeoutMs);
  const bookmarks =
    options.bookmarkIntervalMs !== undefined
      ? setInterval(() => {
          if (!ended) res.write(`${JSON.stringify(bookmark(options.store, stream.revision))}\n`);
        }, options.bookmarkIntervalMs)
      : undefined;

  let headersSent = false;
  const render = (event: WireEvent): string | Buffer => {
    if (options.form.kind !== 'Table' || event.type === 'ERROR' || event.type === 'BOOKMARK') {
      if (event.serialized !== undefined) return storedEventLine(event.type, event.serialized);
      return `${JSON.stringify({ type: event.type, object: event.object })}\n`;
    }
    // Over a watch each event is a one-row Table; only the first carries the column definitions.
    const table = fooTable(
      [event.object as KubeObject],
      { resourceVersion: String(event.revision ?? '') },
      {
        includeObject: options.includeObject,
        now: options.now(),
        noHeaders: headersSent,
        tableVersion: options.form.version === 'v1beta1' ? 'v1beta1' : 'v1',
      },
    );
    headersSent = true;
    return `${JSON.stringify({ type: event.type, object: table })}\n`;
  };

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
    end();
    if (!res.writableEnded) res.end();
  }
}

/**
 * A change usually reaches every watcher one after another, each time with the same stored text:
 * a one-entry cache encodes the line once and writes the same bytes to every stream (a watcher
 * that lags behind just misses the cache). The text is what JSON.stringify({ type, object })
 * gives.
 */
let lastLine: { type: string; serialized: string; bytes: Buffer } | undefined;

function storedEventLine(type: string, serialized: string): Buffer {
  if (lastLine?.type !== type || lastLine.serialized !== serialized) {
    lastLine = { type, serialized, bytes: Buffer.from(`{"type":"${type}","object":${serialized}}\n`) };
  }
  return lastLine.bytes;
}
