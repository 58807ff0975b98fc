/**
 * Two controller replicas against one real pwk apiserver, electing on a Lease that behaves
 * like the API's (pwk itself serves no Leases): exactly one reconciles; when the leader can no
 * longer renew it stops reconciling at once, and the other takes over after the lease expires.
 */
import { Writable } from 'node:stream';
import type { Foo } from '@pwk/api';
import { startController } from '../../src/app';
import type { RunningController } from '../../src/app';
import { parseCommandLine } from '../../src/config';
import { createLogger } from '../../src/logger';
import { ApiserverProcess } from '../support/apiserver-process';
import { MemoryLease } from '../support/memory-lease-store';
import { eventually } from '../support/scripted-apiserver';

jest.setTimeout(60_000);

const FOOS = '/apis/bar.pwk.educative.io/v1beta1/namespaces/default/foos';

interface Replica {
  name: string;
  running: RunningController;
  logs: Array<Record<string, unknown>>;
  reachable: boolean;
}

let server: ApiserverProcess;
const lease = new MemoryLease();
const replicas: Replica[] = [];

async function startReplica(name: string): Promise<Replica> {
  const parsed = parseCommandLine([
    `--kubeconfig=${server.kubeconfig}`,
    '--leader-elect-lease-duration=2s',
    '--leader-elect-renew-deadline=1500ms',
    '--leader-elect-retry-period=250ms',
    '--metrics-bind-address=0',
    '--health-probe-bind-address=0',
  ]);
  if (parsed.help) throw new Error('unexpected help');
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const replica = { name, logs, reachable: true } as Replica;
  replica.running = await startController({
    config: parsed.config,
    logger: createLogger({ level: 'info', format: 'json', stream: sink }),
    inCluster: false,
    identity: name,
    leaseStore: lease.client(() => replica.reachable),
  });
  replicas.push(replica);
  return replica;
}

const reconciledBy = (replica: Replica, fooName: string) =>
  replica.logs.some((l) => l.message === 'reconciled' && l.name === fooName && l.result === 'changed');

async function createFoo(name: string): Promise<void> {
  const created = await server.request('POST', FOOS, {
    body: {
      apiVersion: 'bar.pwk.educative.io/v1beta1',
      kind: 'Foo',
      metadata: { name },
      spec: { replicas: 1 },
    },
  });
  expect(created.status).toBe(201);
}

beforeAll(async () => {
  server = await ApiserverProcess.start();
});

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.running.shutdown()));
  await server?.dispose();
});

it('runs two replicas with exactly one reconciling, and fails over when the leader cannot renew', async () => {
  const a = await startReplica('replica-a');
  await eventually(() => lease.current()?.record.holderIdentity === 'replica-a', 'replica-a leading');
  const b = await startReplica('replica-b');

  await createFoo('first');
  await eventually(() => reconciledBy(a, 'first'), 'the leader reconciling "first"');
  await new Promise((r) => setTimeout(r, 300));
  expect(b.logs.some((l) => l.message === 'reconciled')).toBe(false);

  a.reachable = false; // the leader is cut off from the Lease
  expect(await a.running.done).toBe('lost');
  const lostAt = Date.now();
  expect(a.logs.map((l) => l.message)).toEqual(
    expect.arrayContaining(['lost the leader lease', 'workers stopped']),
  );

  await createFoo('second');
  await eventually(() => reconciledBy(b, 'second'), 'the new leader reconciling "second"', 10_000);
  expect(Date.now() - lostAt).toBeLessThan(10_000);
  expect(reconciledBy(a, 'second')).toBe(false);
  expect(lease.current()!.record).toMatchObject({ holderIdentity: 'replica-b', leaseTransitions: 1 });
  const second = (await server.request<Foo>('GET', `${FOOS}/second`)).body;
  expect(second.spec?.location).toBe('Los Angeles');
});
