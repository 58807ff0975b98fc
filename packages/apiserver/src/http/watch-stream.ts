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
  const render = (event: WireEvent): string => {
    if (options.form.kind !== 'Table' || event.type === 'ERROR' || event.type === 'BOOKMARK') {
      // The same text JSON.stringify({ type, object }) gives, from the stored bytes.
      if (event.serialized !== undefined) return `{"type":"${event.type}","object":${event.serialized}}`;
      return JSON.stringify({ type: event.type, object: event.object });
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
    return JSON.stringify({ type: event.type, object: table });
  };

  try {
    for await (const event of stream) {
      if (ended) break;
      if (!res.write(`${render(event)}\n`)) {
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
