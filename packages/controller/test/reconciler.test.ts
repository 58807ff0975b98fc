/** The reconcile rule against a fake API with real resourceVersion/generation rules. */
import type { Foo } from '../src/foo';
import { ApiError } from '../src/api-error';
import { OwnWrites } from '../src/own-writes';
import { createReconciler, desiredStatus, sameJson } from '../src/reconciler';
import { FakeClock, settle } from './support/fake-clock';
import { FakeFooClient, newFoo } from './support/fake-foo-client';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function setup() {
  const client = new FakeFooClient();
  const clock = new FakeClock(T0);
  const debug: Array<{ message: string; meta?: Record<string, unknown> }> = [];
  const ownWrites = new OwnWrites();
  const reconcile = createReconciler({
    client,
    clock,
    ownWrites,
    log: { debug: (message, meta) => debug.push({ message, meta }) },
  });
  return { client, clock, debug, reconcile, ownWrites };
}

const conflict = () =>
  new ApiError({ code: 409, reason: 'Conflict', message: 'the object has been modified' });

describe('reconcile', () => {
  it('sets spec.location to Los Angeles, with the observed resourceVersion as precondition', async () => {
    const { client, reconcile } = setup();
    const created = client.put(newFoo('demo-foo', { replicas: 51 }));
    const outcome = await reconcile('default/demo-foo');
    expect(outcome).toEqual({ result: 'changed', writes: ['spec', 'status'] });
    const [specWrite] = client.writes('updateSpec');
    expect(specWrite!.body.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(specWrite!.body.spec).toEqual({ replicas: 51, location: 'Los Angeles' });
    expect(client.read('demo-foo')!.spec).toEqual({ replicas: 51, location: 'Los Angeles' });
  });

  it('then records observedGeneration and Ready=True/Reconciled through the status write', async () => {
    const { client, reconcile } = setup();
    client.put(newFoo('a', { replicas: 1, location: 'Paris' }));
    await reconcile('default/a');
    const stored = client.read('a')!;
    expect(stored.metadata.generation).toBe(2);
    expect(stored.status).toEqual({
      observedGeneration: 2,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          observedGeneration: 2,
          lastTransitionTime: '2026-01-01T12:00:00Z',
          reason: 'Reconciled',
          message: 'spec.location is "Los Angeles"',
        },
      ],
    });
  });

  it('sends the spec it just wrote, untouched, with the status write (a status write never changes spec)', async () => {
    const { client, reconcile } = setup();
    client.put(newFoo('a', { replicas: 7, location: 'Paris' }));
    await reconcile('default/a');
    const [specWrite] = client.writes('updateSpec');
    const [statusWrite] = client.writes('updateStatus');
    expect(statusWrite!.body.spec).toEqual(specWrite!.body.spec);
    expect(statusWrite!.body.metadata.resourceVersion).toBe(
      String(Number(specWrite!.body.metadata.resourceVersion) + 1),
    );
  });

  it('makes zero writes for a Foo that is already reconciled', async () => {
    const { client, reconcile } = setup();
    client.put(newFoo('a'));
    await reconcile('default/a');
    const before = client.calls.length;
    const outcome = await reconcile('default/a');
    expect(outcome).toEqual({ result: 'unchanged', writes: [] });
    expect(client.calls.length).toBe(before);
  });

  it('writes only status when the location is right but status is missing', async () => {
    const { client, reconcile } = setup();
    client.put(newFoo('a', { location: 'Los Angeles' }));
    expect(await reconcile('default/a')).toEqual({ result: 'changed', writes: ['status'] });
    expect(client.writes('updateSpec')).toHaveLength(0);
    expect(client.events).toHaveLength(0);
  });

  it('keeps lastTransitionTime when Ready stays True and only observedGeneration moves', async () => {
    const { client, clock, reconcile } = setup();
    client.put(newFoo('a'));
    await reconcile('default/a');
    const reconciled = client.read('a')!;
    await clock.advance(3_600_000);
    client.put({ ...reconciled, spec: { ...reconciled.spec, replicas: 5 } }); // generation 3
    expect(await reconcile('default/a')).toEqual({ result: 'changed', writes: ['status'] });
    const status = client.read('a')!.status!;
    expect(status.observedGeneration).toBe(3);
    expect(status.conditions![0]!.observedGeneration).toBe(3);
    expect(status.conditions![0]!.lastTransitionTime).toBe('2026-01-01T12:00:00Z');
  });

  it('moves lastTransitionTime when Ready changes from False to True, and keeps other conditions', async () => {
    const { client, reconcile } = setup();
    const other = {
      type: 'Degraded',
      status: 'False' as const,
      lastTransitionTime: '2025-01-01T00:00:00Z',
      reason: 'Fine',
      message: '',
    };
    const notReady = { ...other, type: 'Ready', status: 'False' as const, reason: 'Waiting' };
    client.put({ ...newFoo('a', { location: 'Los Angeles' }), status: { conditions: [other, notReady] } });
    await reconcile('default/a');
    const conditions = client.read('a')!.status!.conditions!;
    expect(conditions.map((c) => c.type)).toEqual(['Degraded', 'Ready']);
    expect(conditions[0]).toEqual(other);
    expect(conditions[1]).toMatchObject({ status: 'True', lastTransitionTime: '2026-01-01T12:00:00Z' });
  });

  it('requeues on a Conflict from the spec write, without status write or Event', async () => {
    const { client, reconcile } = setup();
    client.put(newFoo('a'));
    client.failNext('updateSpec', conflict());
    expect(await reconcile('default/a')).toEqual({ result: 'requeued', writes: [], detail: 'conflict' });
    expect(client.writes('updateStatus')).toHaveLength(0);
    expect(client.events).toHaveLength(0);
  });

  it('requeues when the cache is stale and the server answers Conflict, then succeeds once it caught up', async () => {
    const { client, reconcile } = setup();
    client.put(newFoo('a'));
    client.freezeCache();
    const current = client.read('a')!;
    client.put({ ...current, spec: { replicas: 2 } }); // someone else wrote; our cache lags
    expect((await reconcile('default/a')).result).toBe('requeued');
    expect(client.read('a')!.spec).toEqual({ replicas: 2 }); // not overwritten blindly
    client.syncCache();
    expect((await reconcile('default/a')).result).toBe('changed');
    expect(client.read('a')!.spec).toEqual({ replicas: 2, location: 'Los Angeles' });
  });

  it('requeues on a Conflict from the status write, reporting the spec write it made', async () => {
    const { client, reconcile } = setup();
    client.put(newFoo('a'));
    client.failNext('updateStatus', conflict());
    expect(await reconcile('default/a')).toEqual({
      result: 'requeued',
      writes: ['spec'],
      detail: 'conflict',
    });
  });

  it('skips a cache that still shows a version its own write replaced, instead of collecting a Conflict', async () => {
    const { client, reconcile } = setup();
    client.put(newFoo('a'));
    client.freezeCache();
    await reconcile('default/a');
    const calls = client.calls.length;
    expect(await reconcile('default/a')).toEqual({
      result: 'unchanged',
      writes: [],
      detail: 'cache behind our write',
    });
    expect(client.calls.length).toBe(calls);
    client.syncCache();
    expect(await reconcile('default/a')).toEqual({ result: 'unchanged', writes: [] });
  });

  it('recognises the versions its own writes made, so their watch events need no reconcile', async () => {
    const { client, reconcile, ownWrites } = setup();
    const created = client.put(newFoo('a'));
    const versions = [created.metadata.resourceVersion!];
    await reconcile('default/a');
    // The spec write's version (what the status write was sent on), then the status write's.
    versions.push(client.writes('updateStatus')[0]!.body.metadata.resourceVersion!);
    const written = client.read('a')!.metadata.resourceVersion!;
    versions.push(written);
    expect(new Set(versions).size).toBe(3);
    for (const version of versions) expect(ownWrites.covers('default/a', version)).toBe(true);

    // Someone else writes: theirs is not ours, and once reconciled nothing of ours is kept.
    const theirs = client.put({ ...client.read('a')!, spec: { replicas: 4, location: 'Los Angeles' } });
    expect(ownWrites.covers('default/a', theirs.metadata.resourceVersion!)).toBe(false);
    await reconcile('default/a');
    expect(ownWrites.covers('default/a', written)).toBe(false);
    client.delete('a');
    await reconcile('default/a');
    expect(ownWrites.size).toBe(0);
  });

  it('reconciles the version of its own spec write when the status write after it failed', async () => {
    const { client, reconcile, ownWrites } = setup();
    client.put(newFoo('a'));
    client.failNext(
      'updateStatus',
      new ApiError({ code: 500, reason: 'InternalError', message: 'disk full' }),
    );
    await expect(reconcile('default/a')).rejects.toThrow('disk full');
    const afterSpec = client.read('a')!.metadata.resourceVersion!;
    // Its event is dropped (the queue retries the failed key anyway) ...
    expect(ownWrites.covers('default/a', afterSpec)).toBe(true);
    // ... and the retry, seeing that version, does write the status.
    expect(await reconcile('default/a')).toEqual({ result: 'changed', writes: ['status'] });
  });

  it('treats a Foo that vanished mid-reconcile (404) as done', async () => {
    const { client, reconcile } = setup();
    client.put(newFoo('a'));
    client.failNext('updateSpec', new ApiError({ code: 404, reason: 'NotFound', message: 'gone' }));
    expect(await reconcile('default/a')).toEqual({ result: 'unchanged', writes: [], detail: 'gone' });
  });

  it('throws other API errors, for the queue to retry with backoff', async () => {
    const { client, reconcile } = setup();
    client.put(newFoo('a'));
    client.failNext('updateSpec', new ApiError({ code: 500, reason: 'InternalError', message: 'disk full' }));
    await expect(reconcile('default/a')).rejects.toThrow('disk full');
    client.failNext('updateStatus', new Error('socket hang up'));
    await expect(reconcile('default/a')).rejects.toThrow('socket hang up');
  });

  it('does nothing for a key missing from the cache', async () => {
    const { client, reconcile } = setup();
    expect(await reconcile('default/nope')).toEqual({ result: 'unchanged', writes: [], detail: 'not found' });
    expect(client.calls).toHaveLength(0);
  });

  it('does not write to a Foo that is being deleted', async () => {
    const { client, reconcile } = setup();
    const foo = newFoo('a');
    client.put({
      ...foo,
      metadata: { ...foo.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['x'] },
    });
    expect(await reconcile('default/a')).toEqual({
      result: 'unchanged',
      writes: [],
      detail: 'being deleted',
    });
    expect(client.calls).toHaveLength(0);
  });

  it('emits a LocationSet Event regarding the updated Foo, naming the old location', async () => {
    const { client, reconcile } = setup();
    client.put(newFoo('a', { location: 'Paris' }));
    await reconcile('default/a');
    expect(client.events).toHaveLength(1);
    const [event] = client.events;
    expect(event).toMatchObject({
      type: 'Normal',
      reason: 'LocationSet',
      action: 'Update',
      note: 'spec.location set to "Los Angeles" (was "Paris")',
    });
    expect(event!.regarding.metadata.generation).toBe(2);
  });

  it('still succeeds when the Event cannot be recorded, and says so at debug level', async () => {
    const { client, debug, reconcile } = setup();
    client.put(newFoo('a'));
    client.failNext('recordEvent', new ApiError({ code: 404, reason: 'NotFound', message: 'no events API' }));
    expect(await reconcile('default/a')).toEqual({ result: 'changed', writes: ['spec', 'status'] });
    await settle();
    expect(debug).toEqual([
      {
        message: 'event not recorded',
        meta: { reason: 'LocationSet', object: 'default/a', error: 'no events API' },
      },
    ]);
  });
});

describe('reconcile of a paused Foo (spec.paused, Foo v1)', () => {
  const paused = (name: string, spec: NonNullable<Foo['spec']>) =>
    newFoo(name, { replicas: 1, location: 'Paris', ...spec });

  it('leaves spec alone and records observedGeneration and Paused=True, without a Ready condition', async () => {
    const { client, reconcile } = setup();
    client.put(paused('p', { paused: true }));
    const outcome = await reconcile('default/p');
    expect(outcome).toEqual({ result: 'changed', writes: ['status'] });
    const stored = client.read('p')!;
    expect(stored.spec).toEqual({ replicas: 1, location: 'Paris', paused: true });
    expect(stored.status).toEqual({
      observedGeneration: 1,
      conditions: [
        {
          type: 'Paused',
          status: 'True',
          observedGeneration: 1,
          lastTransitionTime: '2026-01-01T12:00:00Z',
          reason: 'SpecPaused',
          message: 'spec.paused is true: the controller leaves this Foo alone',
        },
      ],
    });
    expect(client.events).toEqual([]);
  });

  it('makes zero writes for a paused Foo already marked Paused', async () => {
    const { client, reconcile } = setup();
    client.put(paused('p', { paused: true }));
    await reconcile('default/p');
    const before = client.calls.length;
    expect(await reconcile('default/p')).toEqual({ result: 'unchanged', writes: [] });
    expect(client.calls.length).toBe(before);
  });

  it('keeps a Ready condition it set before the pause as it was', async () => {
    const { client, clock, reconcile } = setup();
    client.put(paused('p', { paused: false }));
    await reconcile('default/p');
    const ready = client.read('p')!.status!.conditions!.find((c) => c.type === 'Ready');
    await clock.advance(60_000);
    client.put({ ...client.read('p')!, spec: { ...client.read('p')!.spec, paused: true } });
    await reconcile('default/p');
    const conditions = client.read('p')!.status!.conditions!;
    expect(conditions.find((c) => c.type === 'Ready')).toEqual(ready);
    expect(conditions.find((c) => c.type === 'Paused')).toMatchObject({
      status: 'True',
      lastTransitionTime: '2026-01-01T12:01:00Z',
    });
  });

  it('resumes when unpaused: location set, Paused turns False at that moment, Ready=True', async () => {
    const { client, clock, reconcile } = setup();
    client.put(paused('p', { paused: true }));
    await reconcile('default/p');
    await clock.advance(60_000);
    client.put({ ...client.read('p')!, spec: { ...client.read('p')!.spec, paused: false } });
    expect(await reconcile('default/p')).toEqual({ result: 'changed', writes: ['spec', 'status'] });
    const stored = client.read('p')!;
    expect(stored.spec).toMatchObject({ location: 'Los Angeles', paused: false });
    expect(stored.status!.conditions!.map((c) => [c.type, c.status, c.lastTransitionTime])).toEqual([
      ['Paused', 'False', '2026-01-01T12:01:00Z'],
      ['Ready', 'True', '2026-01-01T12:01:00Z'],
    ]);
  });
});

describe('desiredStatus', () => {
  it('uses generation 0 for an object without one', () => {
    const foo: Foo = newFoo('x');
    expect(desiredStatus(foo, T0).observedGeneration).toBe(0);
  });
});

describe('sameJson', () => {
  it('ignores key order and undefined members, but not values', () => {
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1, u: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameJson({ a: 1 }, { a: '1' })).toBe(false);
    expect(sameJson([], {})).toBe(false);
  });
});
