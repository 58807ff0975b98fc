/**
 * Two controller replicas against one real pwk apiserver, electing on a Lease that behaves
 * like the API's (pwk itself serves no Leases): exactly one reconciles; when the leader can no
 * longer renew it stops reconciling at once, and the other takes over after the lease expires.
 */
import { Writable } from 'node:stream';
import type { Foo } from '../../src/foo';
import { startController } from '../../src/app';
import type { RunningController } from '../../src/app';
import { parseCommandLine } from '../../src/config';
import { createLogger } from '../../src/logger';
import { ApiserverProcess } from '../support/apiserver-process';
import { MemoryLease } from '../support/memory-lease-store';
import { eventually } from '../support/scripted-apiserver';

/** How long a condition may take before the test calls it a hang (loaded CI machines). */
const PATIENCE_MS = 60_000;
jest.setTimeout(3 * PATIENCE_MS);

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

/** The messages a replica logged, up to its first reconcile. */
const beforeFirstReconcile = (replica: Replica) => {
  const messages = replica.logs.map((l) => l.message);
  const first = messages.indexOf('reconciled');
  return first < 0 ? messages : messages.slice(0, first);
};

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
  await eventually(
    () => lease.current()?.record.holderIdentity === 'replica-a',
    'replica-a leading',
    PATIENCE_MS,
  );
  const b = await startReplica('replica-b');

  await createFoo('first');
  await eventually(() => reconciledBy(a, 'first'), 'the leader reconciling "first"', PATIENCE_MS);

  a.reachable = false; // the leader is cut off from the Lease
  expect(await a.running.done).toBe('lost');
  expect(a.logs.map((l) => l.message)).toEqual(
    expect.arrayContaining(['lost the leader lease', 'workers stopped']),
  );

  await createFoo('second');
  await eventually(() => reconciledBy(b, 'second'), 'the new leader reconciling "second"', PATIENCE_MS);
  // The standby reconciled nothing until it held the lease, and never redid the leader's work.
  expect(beforeFirstReconcile(b)).toContain('acquired the leader lease');
  expect(reconciledBy(b, 'first')).toBe(false);
  expect(reconciledBy(a, 'second')).toBe(false);
  expect(lease.current()!.record).toMatchObject({ holderIdentity: 'replica-b', leaseTransitions: 1 });
  const second = (await server.request<Foo>('GET', `${FOOS}/second`)).body;
  expect(second.spec?.location).toBe('Los Angeles');
});
