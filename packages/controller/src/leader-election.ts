/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection package:
 * a candidate retries every retryPeriod (with jitter) to take the lease, which it may only do
 * when the lease has no holder or nobody has seen it renewed for leaseDuration (measured on
 * the candidate's own clock from when it last saw the record change). The leader renews every
 * retryPeriod; if no renewal succeeds within renewDeadline it stops leading at once — before
 * any other candidate may take over (renewDeadline < leaseDuration). Every write carries the
 * resourceVersion last read, so two candidates can never both win the same round. On a
 * graceful stop the leader releases the lease (holder cleared) so a standby takes over at once.
 */
import { describeError } from './api-error';
import type { Clock } from './clock';
import { sleep, systemClock } from './clock';

/** client-go's LeaderElectionRecord, times in epoch milliseconds. */
export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: number;
  renewTime: number;
  leaseTransitions: number;
}

export interface StoredLease {
  record: LeaseRecord;
  resourceVersion: string;
}

/** One Lease object, as the API serves it. */
export interface LeaseStore {
  /** The lease, or undefined when it does not exist. */
  get(): Promise<StoredLease | undefined>;
  /** ApiError 409 AlreadyExists when someone created it first. */
  create(record: LeaseRecord): Promise<StoredLease>;
  /** ApiError 409 Conflict unless resourceVersion is the stored one. */
  update(record: LeaseRecord, resourceVersion: string): Promise<StoredLease>;
  /** "namespace/name", for logs. */
  describe(): string;
}

/** client-go's defaults (and kube-controller-manager's): 15 s, 10 s, 2 s. */
export const DEFAULT_LEASE_DURATION_MS = 15_000;
export const DEFAULT_RENEW_DEADLINE_MS = 10_000;
export const DEFAULT_RETRY_PERIOD_MS = 2_000;
/** wait.JitterUntil's factor in client-go's acquire loop. */
export const JITTER_FACTOR = 1.2;

export interface ElectionLog {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
}

export interface LeaderElectorOptions {
  store: LeaseStore;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  log: ElectionLog;
  clock?: Clock;
  /** For the acquire loop's jitter; tests pass () => 0. */
  random?: () => number;
  onStartedLeading(): void;
  /** Leadership ended: lost (renewal failed) or stopped (released). */
  onStoppedLeading(why: 'lost' | 'stopped'): void;
}

export type ElectionEnd = 'lost' | 'stopped';

export class LeaderElector {
  private readonly store: LeaseStore;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly abort = new AbortController();
  private observed: StoredLease | undefined;
  /** When `observed` last changed, on our clock: the lease runs leaseDuration from here. */
  private observedAt = 0;
  private leading = false;
  private running: Promise<ElectionEnd> | undefined;

  constructor(private readonly options: LeaderElectorOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.leaseDurationMs = options.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS;
    this.renewDeadlineMs = options.renewDeadlineMs ?? DEFAULT_RENEW_DEADLINE_MS;
    this.retryPeriodMs = options.retryPeriodMs ?? DEFAULT_RETRY_PERIOD_MS;
    const problem = validateElectionTimings({
      leaseDurationMs: this.leaseDurationMs,
      renewDeadlineMs: this.renewDeadlineMs,
      retryPeriodMs: this.retryPeriodMs,
    });
    if (problem) throw new Error(problem);
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Campaigns, then leads until the lease is lost or stop() is called. */
  run(): Promise<ElectionEnd> {
    this.running ??= this.campaign();
    return this.running;
  }

  /** Stops campaigning or leading; a leader releases the lease. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async campaign(): Promise<ElectionEnd> {
    this.options.log.info('waiting for the leader lease', {
      lease: this.store.describe(),
      identity: this.options.identity,
    });
    while (!this.stopped && !(await this.tryAcquireOrRenew())) {
      const jittered = this.retryPeriodMs * (1 + this.random() * JITTER_FACTOR);
      await sleep(this.clock, jittered, this.abort.signal);
    }
    if (this.stopped) return 'stopped';
    this.leading = true;
    this.options.log.info('acquired the leader lease', {
      lease: this.store.describe(),
      identity: this.options.identity,
    });
    this.options.onStartedLeading();
    const end = await this.renewLoop();
    this.leading = false;
    if (end === 'stopped') await this.release();
    else
      this.options.log.warn('lost the leader lease', {
        lease: this.store.describe(),
        identity: this.options.identity,
      });
    this.options.onStoppedLeading(end);
    return end;
  }

  /** Renews every retryPeriod; a round that finds no success within renewDeadline loses. */
  private async renewLoop(): Promise<ElectionEnd> {
    for (;;) {
      await sleep(this.clock, this.retryPeriodMs, this.abort.signal);
      if (this.stopped) return 'stopped';
      const deadline = this.clock.now() + this.renewDeadlineMs;
      let renewed = false;
      while (!renewed) {
        const remaining = deadline - this.clock.now();
        if (remaining <= 0) return 'lost';
        // A hung request must not outlive the deadline (client-go passes a timeout context).
        const timeout = new AbortController();
        renewed = await Promise.race([
          this.tryAcquireOrRenew(),
          sleep(this.clock, remaining, timeout.signal).then(() => false),
        ]);
        timeout.abort();
        if (this.stopped) return 'stopped';
        if (!renewed) await sleep(this.clock, Math.min(this.retryPeriodMs, deadline - this.clock.now()));
      }
    }
  }

  /** One round of client-go's tryAcquireOrRenew; true when we hold the lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const mine: LeaseRecord = {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: Math.round(this.leaseDurationMs / 1000),
      acquireTime: now,
      renewTime: now,
      leaseTransitions: 0,
    };
    try {
      // Fast path: the leader writes over the version it wrote last.
      if (this.leading && this.observed && this.leaseValid(now)) {
        const { acquireTime, leaseTransitions } = this.observed.record;
        const renewed = await this.store
          .update({ ...mine, acquireTime, leaseTransitions }, this.observed.resourceVersion)
          .catch(() => undefined);
        if (renewed) return this.observe(renewed);
      }
      const current = await this.store.get();
      if (!current) return this.observe(await this.store.create(mine));
      if (!this.observed || !sameRecord(this.observed, current)) {
        this.observed = current;
        this.observedAt = now;
      }
      const held = current.record.holderIdentity;
      if (held && held !== this.options.identity && this.leaseValid(now)) return false;
      const next: LeaseRecord =
        held === this.options.identity && this.leading
          ? {
              ...mine,
              acquireTime: current.record.acquireTime,
              leaseTransitions: current.record.leaseTransitions,
            }
          : { ...mine, leaseTransitions: current.record.leaseTransitions + 1 };
      return this.observe(await this.store.update(next, current.resourceVersion));
    } catch (err) {
      // Also a 404 on create: the API serves no Leases (e.g. a bare pwk apiserver), which
      // an operator must see rather than a silent standby.
      this.options.log.warn('leader lease not acquired or renewed', {
        lease: this.store.describe(),
        error: describeError(err),
      });
      return false;
    }
  }

  private observe(lease: StoredLease): true {
    this.observed = lease;
    this.observedAt = this.clock.now();
    return true;
  }

  private leaseValid(now: number): boolean {
    const durationMs = (this.observed?.record.leaseDurationSeconds ?? 0) * 1000;
    return this.observedAt + durationMs > now;
  }

  /** Clears the holder so a standby need not wait out the lease (ReleaseOnCancel). */
  private async release(): Promise<void> {
    if (!this.observed || this.observed.record.holderIdentity !== this.options.identity) return;
    const now = this.clock.now();
    try {
      await this.store.update(
        {
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTime: now,
          renewTime: now,
          leaseTransitions: this.observed.record.leaseTransitions,
        },
        this.observed.resourceVersion,
      );
      this.options.log.info('released the leader lease', { lease: this.store.describe() });
    } catch (err) {
      this.options.log.warn('could not release the leader lease', {
        lease: this.store.describe(),
        error: describeError(err),
      });
    }
  }
}

function sameRecord(a: StoredLease, b: StoredLease): boolean {
  return (
    a.resourceVersion === b.resourceVersion &&
    a.record.holderIdentity === b.record.holderIdentity &&
    a.record.renewTime === b.record.renewTime
  );
}

/** client-go's NewLeaderElector checks: one clear message, or undefined when the timings are sound. */
export function validateElectionTimings(t: {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}): string | undefined {
  if (t.leaseDurationMs <= t.renewDeadlineMs) return 'leaseDuration must be greater than renewDeadline';
  if (t.renewDeadlineMs <= JITTER_FACTOR * t.retryPeriodMs) {
    return `renewDeadline must be greater than retryPeriod*${JITTER_FACTOR}`;
  }
  if (t.retryPeriodMs < 1) return 'retryPeriod must be greater than zero';
  if (t.leaseDurationMs < 1000) return 'leaseDuration must be at least 1s (Lease counts whole seconds)';
  return undefined;
}
