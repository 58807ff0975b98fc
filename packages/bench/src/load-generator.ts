/**
 * The load-generator process (forked by the benchmark, so the clients never share a CPU thread
 * with the parent's bookkeeping): runs one command at a time from the IPC channel and answers
 * with the raw samples. It keeps the newest state of every object it wrote, for PUT bodies.
 */
import { closeClient, httpClient } from './http-client';
import type { HttpClient } from './http-client';
import { runListPhase } from './list-phase';
import type { Command, Reply, Target } from './protocol';
import { runRequestPhase } from './request-phase';
import type { PhaseSample } from './stats';
import { runWatchPhase } from './watch-phase';

const latest = new Map<string, Record<string, unknown>>();
const clients = new Map<string, HttpClient>();

function clientFor(target: Target, connections: number): HttpClient {
  const key = `${target.url} ${connections}`;
  let client = clients.get(key);
  if (!client) {
    client = httpClient(target, connections);
    clients.set(key, client);
  }
  return client;
}

async function run(command: Command): Promise<PhaseSample | undefined> {
  switch (command.kind) {
    case 'requests':
      return runRequestPhase({
        ...command,
        client: clientFor(command.target, command.concurrency),
        latest,
      });
    case 'lists':
      return runListPhase({ ...command, client: clientFor(command.target, 1) });
    case 'watch':
      return runWatchPhase(command);
    case 'exit':
      await Promise.all([...clients.values()].map(closeClient));
      process.disconnect?.();
      return undefined;
  }
}

process.on('message', (message: { id: number; command: Command }) => {
  // Nobody waits for an answer to exit (and the channel is closed by then).
  if (message.command.kind === 'exit') return void run(message.command);
  run(message.command).then(
    (sample) => process.send?.({ id: message.id, sample } satisfies Reply),
    (err: unknown) =>
      process.send?.({ id: message.id, error: String((err as Error)?.stack ?? err) } satisfies Reply),
  );
});
