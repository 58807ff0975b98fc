/** The work queue's guarantees, pinned as client-go's queue_test.go / delaying_queue_test.go do. */
import { ExponentialFailureRateLimiter } from '../src/rate-limiter';
import { WorkQueue, runWorkers } from '../src/queue';
import { FakeClock, settle } from './support/fake-clock';

function newQueue(clock = new FakeClock()) {
  return { clock, queue: new WorkQueue<string>({ clock }) };
}

describe('WorkQueue', () => {
  it('hands items out in the order they were added', async () => {
    const { queue } = newQueue();
    queue.add('a');
    queue.add('b');
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
  });

  it('collapses an item added several times while it waits into one', async () => {
    const { queue } = newQueue();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    queue.add('a');
    expect(queue.len()).toBe(2);
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
    expect(queue.len()).toBe(0);
  });

  it('never hands out an item that is being processed; re-adds it when done', async () => {
    const { queue } = newQueue();
    queue.add('a');
    const first = await queue.get();
    queue.add('a'); // changed while being processed
    expect(queue.len()).toBe(0);
    let second: string | undefined;
    void queue.get().then((item) => (second = item));
    await settle();
    expect(second).toBeUndefined();
    queue.done(first!);
    await settle();
    expect(second).toBe('a');
  });

  it('processes an item once after done() when it was re-added several times meanwhile', async () => {
    const { queue } = newQueue();
    queue.add('a');
    await queue.get();
    queue.add('a');
    queue.add('a');
    queue.done('a');
    expect(queue.len()).toBe(1);
    await queue.get();
    queue.done('a');
    expect(queue.len()).toBe(0);
  });

  it('wakes a waiting get() when an item arrives', async () => {
    const { queue } = newQueue();
    const waiting = queue.get();
    queue.add('x');
    expect(await waiting).toBe('x');
  });

  it('adds an item after its delay, not before', async () => {
    const { clock, queue } = newQueue();
    queue.addAfter('a', 100);
    await clock.advance(99);
    expect(queue.len()).toBe(0);
    await clock.advance(1);
    expect(queue.len()).toBe(1);
  });

  it('keeps the earlier of two delays for the same item', async () => {
    const { clock, queue } = newQueue();
    queue.addAfter('a', 1000);
    queue.addAfter('a', 50);
    queue.addAfter('a', 500);
    await clock.advance(50);
    expect(queue.len()).toBe(1);
    await queue.get();
    queue.done('a');
    await clock.advance(1000);
    expect(queue.len()).toBe(0);
  });

  it('backs a failing item off exponentially from 5 ms, and forget() starts over', async () => {
    const { clock, queue } = newQueue();
    const readyAfter = async (): Promise<number> => {
      queue.addRateLimited('a');
      let waited = 0;
      while (queue.len() === 0) {
        await clock.advance(1);
        waited++;
      }
      await queue.get();
      queue.done('a');
      return waited;
    };
    expect(await readyAfter()).toBe(5);
    expect(await readyAfter()).toBe(10);
    expect(await readyAfter()).toBe(20);
    expect(queue.numRequeues('a')).toBe(3);
    queue.forget('a');
    expect(queue.numRequeues('a')).toBe(0);
    expect(await readyAfter()).toBe(5);
  });

  it('ignores adds after shutDown, but still hands out what was queued', async () => {
    const { queue } = newQueue();
    queue.add('a');
    queue.shutDown();
    queue.add('b');
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBeUndefined();
  });

  it('drops delayed items on shutDown', async () => {
    const { clock, queue } = newQueue();
    queue.addAfter('a', 10);
    queue.shutDown();
    await clock.advance(20);
    expect(await queue.get()).toBeUndefined();
  });

  it('ends waiting getters on shutDown', async () => {
    const { queue } = newQueue();
    const waiting = queue.get();
    queue.shutDown();
    expect(await waiting).toBeUndefined();
  });

  it('discards queued items, and items re-added while processing, with discardQueued', async () => {
    const { queue } = newQueue();
    queue.add('a');
    queue.add('b');
    await queue.get(); // a
    queue.add('a');
    queue.shutDown({ discardQueued: true });
    queue.done('a');
    expect(queue.len()).toBe(0);
    expect(await queue.get()).toBeUndefined();
  });

  it('shutDownWithDrain waits for the item in flight', async () => {
    const { queue } = newQueue();
    queue.add('a');
    await queue.get();
    let drained = false;
    const drain = queue.shutDownWithDrain().then(() => (drained = true));
    await settle();
    expect(drained).toBe(false);
    queue.done('a');
    await drain;
    expect(drained).toBe(true);
  });
});

describe('ExponentialFailureRateLimiter', () => {
  it('doubles from the base delay and caps at the maximum (client-go: 5 ms → 1000 s)', () => {
    const limiter = new ExponentialFailureRateLimiter<string>();
    const delays = Array.from({ length: 30 }, () => limiter.when('k'));
    expect(delays.slice(0, 4)).toEqual([5, 10, 20, 40]);
    expect(delays[17]).toBe(5 * 2 ** 17); // 655.36 s, still below the cap
    expect(delays[18]).toBe(1_000_000);
    expect(delays[29]).toBe(1_000_000);
  });

  it('counts failures per item', () => {
    const limiter = new ExponentialFailureRateLimiter<string>(1, 100);
    limiter.when('a');
    limiter.when('a');
    expect(limiter.when('b')).toBe(1);
    expect(limiter.numRequeues('a')).toBe(2);
  });
});

describe('runWorkers', () => {
  it('runs at most `concurrency` items at once and never one key twice at the same time', async () => {
    const { queue } = newQueue();
    let active = 0;
    let maxActive = 0;
    const activeKeys = new Set<string>();
    const processed: string[] = [];
    const releases: Array<() => void> = [];
    const errors: unknown[] = [];
    const workers = runWorkers(queue, {
      concurrency: 3,
      process: async (key) => {
        expect(activeKeys.has(key)).toBe(false);
        activeKeys.add(key);
        maxActive = Math.max(maxActive, ++active);
        await new Promise<void>((release) => releases.push(release));
        processed.push(key);
        activeKeys.delete(key);
        active--;
      },
      onError: (_key, err) => errors.push(err),
    });
    for (const key of ['a', 'b', 'c', 'd', 'e']) queue.add(key);
    await settle();
    expect(active).toBe(3);
    queue.add('a'); // while a is in flight
    await settle();
    while (releases.length > 0) {
      releases.shift()!();
      await settle();
    }
    queue.shutDown();
    await workers;
    expect(errors).toEqual([]);
    expect(maxActive).toBe(3);
    expect(processed.sort()).toEqual(['a', 'a', 'b', 'c', 'd', 'e']);
  });

  it('reports a process() that throws and keeps the worker going', async () => {
    const { queue } = newQueue();
    const errors: string[] = [];
    const done: string[] = [];
    const workers = runWorkers(queue, {
      concurrency: 1,
      process: async (key) => {
        if (key === 'bad') throw new Error('boom');
        done.push(key);
      },
      onError: (key, err) => errors.push(`${key}: ${(err as Error).message}`),
    });
    queue.add('bad');
    queue.add('good');
    await settle();
    queue.shutDown();
    await workers;
    expect(errors).toEqual(['bad: boom']);
    expect(done).toEqual(['good']);
  });
});
