/**
 * Leader election against an in-memory Lease that enforces resourceVersion preconditions,
 * on a fake clock with client-go's default timings (15 s / 10 s / 2 s).
 */
import { LeaderElector, validateElectionTimings } from '../src/leader-election';
import type { LeaseStore } from '../src/leader-election';
import { FakeClock } from './support/fake-clock';
import { MemoryLease } from './support/memory-lease-store';

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

interface Candidate {
  elector: LeaderElector;
  transitions: string[];
  ended: Promise<string>;
}

function candidate(options: { identity: string; store: LeaseStore; clock: FakeClock }): Candidate {
  const transitions: string[] = [];
  const elector = new LeaderElector({
    store: options.store,
    identity: options.identity,
    clock: options.clock,
    random: () => 0,
    log: quiet,
    onStartedLeading: () => transitions.push('started'),
    onStoppedLeading: (why) => transitions.push(why),
  });
  return { elector, transitions, ended: elector.run() };
}

/** Advances in small steps, failing if two candidates ever lead at once. */
async function run(clock: FakeClock, ms: number, candidates: Candidate[]): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    await clock.advance(100);
    const leaders = candidates.filter((c) => c.elector.isLeader()).length;
    if (leaders > 1) throw new Error(`two leaders at t+${t}ms`);
  }
}

describe('LeaderElector', () => {
  it('creates the lease and leads when there is none', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    const a = candidate({ identity: 'a', store: lease.client(), clock });
    await clock.advance(0);
    expect(a.elector.isLeader()).toBe(true);
    expect(a.transitions).toEqual(['started']);
    expect(lease.current()!.record).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: clock.now(),
      renewTime: clock.now(),
      leaseTransitions: 0,
    });
  });

  it('renews every retry period, keeping acquireTime', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    const a = candidate({ identity: 'a', store: lease.client(), clock });
    await clock.advance(0);
    const acquired = clock.now();
    await run(clock, 10_000, [a]);
    const record = lease.current()!.record;
    expect(record.acquireTime).toBe(acquired);
    expect(record.renewTime).toBe(acquired + 10_000);
    expect(lease.history).toEqual(['a', 'a', 'a', 'a', 'a', 'a']); // create + a renewal every 2 s
  });

  it('lets exactly one of two candidates lead, and the other never writes the lease', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    const a = candidate({ identity: 'a', store: lease.client(), clock });
    const b = candidate({ identity: 'b', store: lease.client(), clock });
    await run(clock, 60_000, [a, b]);
    const leaders = [a, b].filter((c) => c.elector.isLeader());
    expect(leaders).toHaveLength(1);
    const winner = lease.current()!.record.holderIdentity;
    expect(new Set(lease.history)).toEqual(new Set([winner]));
    expect([...a.transitions, ...b.transitions]).toEqual(['started']);
  });

  it('fails over when the holder stops renewing: it steps down within renewDeadline, the standby takes over after leaseDuration', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    let aReachable = true;
    const a = candidate({ identity: 'a', store: lease.client(() => aReachable), clock });
    await clock.advance(0);
    const b = candidate({ identity: 'b', store: lease.client(), clock });
    await run(clock, 4_000, [a, b]);
    expect(a.elector.isLeader()).toBe(true);

    aReachable = false; // partitioned: a cannot renew, b cannot see a is alive
    const lastRenewal = lease.current()!.record.renewTime;
    const cutAt = clock.now();
    let aLostAt = 0;
    let bLedAt = 0;
    for (let t = 0; t < 30_000 && !bLedAt; t += 100) {
      await run(clock, 100, [a, b]);
      if (!aLostAt && !a.elector.isLeader()) aLostAt = clock.now();
      if (b.elector.isLeader()) bLedAt = clock.now();
    }
    expect(await a.ended).toBe('lost');
    expect(a.transitions).toEqual(['started', 'lost']);
    // a gives up within renewDeadline (+ one retry period before the round started)…
    expect(aLostAt - cutAt).toBeLessThanOrEqual(12_000);
    // …before b may take over: b waits a full leaseDuration after the last renewal it saw.
    expect(bLedAt).toBeGreaterThan(aLostAt);
    expect(bLedAt - lastRenewal).toBeGreaterThanOrEqual(15_000);
    expect(b.transitions).toEqual(['started']);
    expect(lease.current()!.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('releases the lease on stop so a standby takes over without waiting out the lease', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    const a = candidate({ identity: 'a', store: lease.client(), clock });
    await clock.advance(0);
    const b = candidate({ identity: 'b', store: lease.client(), clock });
    await run(clock, 3_000, [a, b]);
    const stopping = a.elector.stop();
    await clock.advance(0);
    await stopping;
    expect(await a.ended).toBe('stopped');
    expect(a.transitions).toEqual(['started', 'stopped']);
    expect(lease.current()!.record.holderIdentity).toBe('');
    const releasedAt = clock.now();
    await run(clock, 5_000, [a, b]);
    expect(b.elector.isLeader()).toBe(true);
    expect(lease.current()!.record.acquireTime - releasedAt).toBeLessThanOrEqual(2_000 * 2.2);
  });

  it('a candidate that never led stops without touching the lease', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    const a = candidate({ identity: 'a', store: lease.client(), clock });
    await clock.advance(0);
    const b = candidate({ identity: 'b', store: lease.client(), clock });
    await clock.advance(0);
    const writes = lease.history.length;
    await b.elector.stop();
    expect(await b.ended).toBe('stopped');
    expect(b.transitions).toEqual([]);
    expect(lease.history.length).toBe(writes);
    expect(a.elector.isLeader()).toBe(true);
  });

  it('loses leadership when renewals hang past the renew deadline', async () => {
    const clock = new FakeClock();
    const lease = new MemoryLease();
    const healthy = lease.client();
    let hang = false;
    const store: LeaseStore = {
      ...healthy,
      get: () => (hang ? new Promise(() => undefined) : healthy.get()),
      update: (record, rv) => (hang ? new Promise(() => undefined) : healthy.update(record, rv)),
    };
    const a = candidate({ identity: 'a', store, clock });
    await clock.advance(0);
    hang = true;
    await run(clock, 13_000, [a]);
    expect(a.elector.isLeader()).toBe(false);
    expect(await a.ended).toBe('lost');
  });
});

describe('validateElectionTimings', () => {
  it('accepts client-go defaults and rejects unsafe combinations', () => {
    expect(
      validateElectionTimings({ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 }),
    ).toBeUndefined();
    expect(
      validateElectionTimings({ leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 }),
    ).toBe('leaseDuration must be greater than renewDeadline');
    expect(
      validateElectionTimings({ leaseDurationMs: 15_000, renewDeadlineMs: 2_400, retryPeriodMs: 2_000 }),
    ).toBe('renewDeadline must be greater than retryPeriod*1.2');
  });

  it('makes the constructor refuse unsafe timings', () => {
    expect(
      () =>
        new LeaderElector({
          store: new MemoryLease().client(),
          identity: 'a',
          leaseDurationMs: 5_000,
          renewDeadlineMs: 10_000,
          log: quiet,
          onStartedLeading: () => undefined,
          onStoppedLeading: () => undefined,
        }),
    ).toThrow('leaseDuration must be greater than renewDeadline');
  });
});
