/**
 * Orders commits by revision. A write takes its revision, does its disk work concurrently
 * with others, and is then applied (index, event window, watchers) and acknowledged strictly
 * in revision order: a write that finishes early waits for the ones before it, so readers and
 * watchers never see revision N+1 without N. A failed write applies nothing.
 */
import type { RevisionCounter } from './revision-counter';

interface Ticket {
  rev: number;
  state: 'pending' | 'done' | 'failed';
  apply?: () => void;
  error?: unknown;
  settle: { resolve: () => void; reject: (err: unknown) => void };
}

export class CommitPipeline {
  private readonly queue: Ticket[] = [];
  private applied: number;

  constructor(private readonly counter: RevisionCounter) {
    this.applied = counter.bootRevision;
  }

  /** The newest revision applied. */
  get currentRevision(): number {
    return this.applied;
  }

  get inFlight(): number {
    return this.queue.length;
  }

  /**
   * Runs `work(rev)` (the disk write); once it and every earlier revision are done, runs
   * `apply(rev)` synchronously and resolves with its result.
   */
  async commit<T>(work: (rev: number) => Promise<void>, apply: (rev: number) => T): Promise<T> {
    while (!this.counter.canTake()) await this.counter.reserveBlock();
    // Taking the revision and queueing the ticket happen in one synchronous step, so the
    // queue is always in revision order.
    const rev = this.counter.take();
    let result: T | undefined;
    const done = new Promise<void>((resolve, reject) => {
      this.queue.push({ rev, state: 'pending', settle: { resolve, reject } });
    });
    const ticket = this.queue[this.queue.length - 1]!;
    try {
      await work(rev);
      ticket.state = 'done';
      ticket.apply = () => {
        result = apply(rev);
      };
    } catch (err) {
      ticket.state = 'failed';
      ticket.error = err;
    }
    this.drain();
    await done;
    return result as T;
  }

  private drain(): void {
    while (this.queue.length > 0 && this.queue[0]!.state !== 'pending') {
      const ticket = this.queue.shift()!;
      if (ticket.state === 'failed') {
        ticket.settle.reject(ticket.error);
        continue;
      }
      try {
        ticket.apply!();
        this.applied = ticket.rev;
        ticket.settle.resolve();
      } catch (err) {
        ticket.settle.reject(err);
      }
    }
  }

  /** Resolves once every write queued so far has settled. */
  async drainAll(): Promise<void> {
    while (this.queue.length > 0) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
