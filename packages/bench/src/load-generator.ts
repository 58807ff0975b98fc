/**
 * The load-generator process (forked by the benchmark, so the clients never share a CPU thread
 * with the parent's bookkeeping): runs one command at a time from the IPC channel and answers
 * with the raw samples. It keeps the newest state of every object it wrote, for PUT bodies.
 */
import type https from 'node:https';
import { keepAliveAgent } from './http-client';
import { runListPhase } from './list-phase';
import type { Command, Reply, Target } from './protocol';
import { runRequestPhase } from './request-phase';
import type { PhaseSample } from './stats';
import { runWatchPhase } from './watch-phase';

const latest = new Map<string, Record<string, unknown>>();
const agents = new Map<string, https.Agent>();

function agentFor(target: Target, sockets: number): https.Agent {
  const key = `${target.url} ${sockets}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = keepAliveAgent(target, sockets);
    agents.set(key, agent);
  }
  return agent;
}

async function run(command: Command): Promise<PhaseSample | undefined> {
  switch (command.kind) {
    case 'requests':
      return runRequestPhase({
        ...command,
        agent: agentFor(command.target, command.concurrency),
        latest,
      });
    case 'lists':
      return runListPhase({ ...command, agent: agentFor(command.target, 1) });
    case 'watch':
      return runWatchPhase(command);
    case 'exit':
      for (const agent of agents.values()) agent.destroy();
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
