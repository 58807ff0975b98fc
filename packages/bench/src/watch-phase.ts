/**
 * Watch delivery: `watchers` watches of every Foo (each on its own connection, from the current
 * resourceVersion), then `events` merge-patches, one at a time. A sample is the time from
 * sending a write to its event arriving at one watcher — what a controller waits for, durable
 * commit included. Every event must reach every watcher within EVENT_DEADLINE_MS, else each
 * missing delivery is an error.
 *
 * All watchers share this one process, so a watcher's arrival time is taken as its bytes come
 * in and its lines are decoded only after every watcher has the event: decoding 20 events one
 * after another would otherwise count the first 19 decodes in the last watcher's latency. Each
 * watcher's n-th line must be the n-th write's MODIFIED event (its resourceVersion checked).
 */
import type http from 'node:http';
import https from 'node:https';
import { closeClient, httpClient, nowMs, send } from './http-client';
import { objectPath, RESOURCE_PATH } from './protocol';
import type { Target } from './protocol';
import type { PhaseSample } from './stats';

export interface WatchPhaseInput {
  target: Target;
  watchers: number;
  events: number;
  objects: number;
  prefix: string;
}

const EVENT_DEADLINE_MS = 5000;

/**
 * The replicas each write sets never repeat within the process: a write that changes nothing is
 * not stored and yields no event, so a repeated value would look like a lost event.
 */
let nextReplicas = 1000;

interface Watcher {
  /** Complete event lines, in arrival order, and when each arrived. */
  lines: string[];
  arrivals: number[];
  request: http.ClientRequest;
}

function openWatcher(
  target: Target,
  opts: { resourceVersion: string; onEvent: () => void },
): Promise<Watcher> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    const arrivals: number[] = [];
    const path = `${RESOURCE_PATH}/foos?watch=1&resourceVersion=${opts.resourceVersion}`;
    // Its own connection: a watch holds its socket for as long as it runs.
    const request = https.request(
      `${target.url}${path}`,
      { headers: { authorization: `Bearer ${target.token}` }, ca: target.ca, agent: false },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch: ${res.statusCode}`));
          return;
        }
        let buffer = '';
        res.on('data', (chunk: Buffer) => {
          const at = nowMs();
          buffer += chunk.toString('utf8');
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            lines.push(buffer.slice(0, nl));
            arrivals.push(at);
            buffer = buffer.slice(nl + 1);
          }
          opts.onEvent();
        });
        res.on('error', () => {});
        // Headers arrive once the server has registered the watch: events from now on are seen.
        resolve({ lines, arrivals, request });
      },
    );
    request.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    request.end();
  });
}

/** Why line `n` is not the MODIFIED event of resourceVersion `rv`; undefined when it is. */
function mismatch(line: string, rv: string): string | undefined {
  try {
    const event = JSON.parse(line) as { type?: string; object?: { metadata?: { resourceVersion?: string } } };
    const got = event.object?.metadata?.resourceVersion;
    if (event.type === 'MODIFIED' && got === rv) return undefined;
    return `expected the MODIFIED event of resourceVersion ${rv}, got ${String(event.type)} of ${String(got)}`;
  } catch {
    return `expected the MODIFIED event of resourceVersion ${rv}, got an undecodable line`;
  }
}

export async function runWatchPhase(input: WatchPhaseInput): Promise<PhaseSample> {
  const client = httpClient(input.target, 1);
  const latenciesMs: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let wake: (() => void) | undefined;
  const onEvent = () => wake?.();

  const head = await send(client, { method: 'GET', path: `${RESOURCE_PATH}/foos?limit=1` });
  if (head.status !== 200) throw new Error(`list before watching: ${head.status}`);
  const resourceVersion = (
    JSON.parse(head.body.toString('utf8')) as { metadata: { resourceVersion: string } }
  ).metadata.resourceVersion;
  const watchers = await Promise.all(
    Array.from({ length: input.watchers }, () => openWatcher(input.target, { resourceVersion, onEvent })),
  );

  const started = nowMs();
  /** Writes whose event every watcher has received. */
  let delivered = 0;
  try {
    for (let k = 0; k < input.events; k++) {
      const path = objectPath(input.prefix, k % input.objects);
      const sent = nowMs();
      const answer = await send(client, {
        method: 'PATCH',
        path,
        body: JSON.stringify({ spec: { replicas: nextReplicas++ } }),
        contentType: 'application/merge-patch+json',
      });
      if (answer.status !== 200) {
        errors += input.watchers;
        firstError ??= `PATCH ${path}: ${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`;
        continue;
      }
      const rv = (JSON.parse(answer.body.toString('utf8')) as { metadata: { resourceVersion: string } })
        .metadata.resourceVersion;
      const deadline = sent + EVENT_DEADLINE_MS;
      while (watchers.some((w) => w.lines.length <= delivered) && nowMs() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 50);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      let missed = 0;
      for (const w of watchers) {
        const line = w.lines[delivered];
        const wrong = line === undefined ? undefined : mismatch(line, rv);
        if (line === undefined || wrong !== undefined) {
          missed++;
          firstError ??=
            wrong ??
            `the event of resourceVersion ${rv} did not reach every watcher within ${EVENT_DEADLINE_MS} ms`;
        } else latenciesMs.push(w.arrivals[delivered]! - sent);
        w.lines[delivered] = ''; // checked: its text is not needed any more
      }
      delivered++;
      if (missed > 0) {
        // That watcher's later lines are out of step with the writes: the phase ends here, and
        // every delivery it did not get to counts as missed too.
        errors += missed + (input.events - k - 1) * input.watchers;
        break;
      }
    }
  } finally {
    for (const w of watchers) w.request.destroy();
    await closeClient(client);
  }
  const sample: PhaseSample = {
    latenciesMs,
    errors,
    durationMs: nowMs() - started,
    ops: input.events * input.watchers,
  };
  if (firstError !== undefined) sample.firstError = firstError;
  return sample;
}
