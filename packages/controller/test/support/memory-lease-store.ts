/**
 * An in-memory Lease with the API's concurrency rules: create fails with 409 AlreadyExists
 * when it exists, update fails with 409 Conflict unless given the current resourceVersion,
 * and every write bumps the resourceVersion. Per-client views can be cut off (a partitioned
 * or hung replica) to test failover.
 */
import { ApiError } from '../../src/api-error';
import type { LeaseRecord, LeaseStore, StoredLease } from '../../src/leader-election';

export class MemoryLease {
  private stored: StoredLease | undefined;
  private version = 0;
  /** Every successful write, in order: who held the lease after it. */
  readonly history: string[] = [];

  current(): StoredLease | undefined {
    return this.stored && structuredClone(this.stored);
  }

  /** A client of this lease; `reachable()` false makes its calls fail like a network error. */
  client(reachable: () => boolean = () => true): LeaseStore {
    const check = () => {
      if (!reachable()) throw new Error('connect ECONNREFUSED (partitioned)');
    };
    return {
      describe: () => 'kube-system/pwk-controller',
      get: async () => {
        check();
        return this.current();
      },
      create: async (record) => {
        check();
        if (this.stored) {
          throw new ApiError({
            code: 409,
            reason: 'AlreadyExists',
            message: 'leases "pwk-controller" already exists',
          });
        }
        return this.write(record);
      },
      update: async (record, resourceVersion) => {
        check();
        if (!this.stored) throw new ApiError({ code: 404, reason: 'NotFound', message: 'not found' });
        if (resourceVersion !== this.stored.resourceVersion) {
          throw new ApiError({ code: 409, reason: 'Conflict', message: 'the object has been modified' });
        }
        return this.write(record);
      },
    };
  }

  private write(record: LeaseRecord): StoredLease {
    this.stored = { record: { ...record }, resourceVersion: String(++this.version) };
    this.history.push(record.holderIdentity);
    return this.current()!;
  }
}
