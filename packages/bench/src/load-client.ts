/** The parent's handle on the load-generator process: fork it, send commands, await samples. */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { Command, PhaseCommand, Reply } from './protocol';
import type { PhaseSample } from './stats';

export interface LoadGenerator {
  run(command: PhaseCommand): Promise<PhaseSample>;
  stop(): Promise<void>;
}

export function startLoadGenerator(): LoadGenerator {
  const child = fork(path.join(__dirname, 'load-generator.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (s: PhaseSample) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  child.on('message', (reply: Reply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.error !== undefined || !reply.sample)
      waiter.reject(new Error(`load generator: ${reply.error}`));
    else waiter.resolve(reply.sample);
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`load generator exited (${code})`));
    pending.clear();
  });
  return {
    run(command) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, command });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ id: 0, command: { kind: 'exit' } satisfies Command });
      const timer = setTimeout(() => child.kill(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
