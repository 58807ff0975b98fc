/**
 * The storage contract, as behaviour every backend must show. A backend's test file calls
 * describeStorageContract with a factory; the suite runs unchanged against each backend, once
 * for a namespaced resource (Foo's) and once for a cluster-scoped one (the test tree's Widget,
 * test/support/kinds) — what is about namespaces only for the first.
 */
import {
  AlreadyExistsError,
  ConflictError,
  ExpiredError,
  InvalidKeyError,
  InvalidObjectError,
  NotFoundError,
  TooLargeResourceVersionError,
  WatchTooSlowError,
} from '../../src/storage/errors';
import type { KubeObject, ObjectKey, Storage, Watch, WatchEvent } from '../../src/storage/interface';
import { FOO_FIXTURE, WIDGET_FIXTURE } from '../support/kinds/fixtures';
import type { KindFixture } from '../support/kinds/fixtures';

export interface ContractStoreOptions {
  /** Changes the store must retain for watch replay and paged lists (it may retain more). */
  eventWindow?: number;
  /** Unread events after which a watcher is closed as too slow. */
  watchBuffer?: number;
}

export interface ContractBackend {
  storage: Storage;
  /** Closes the store and removes whatever it created. */
  cleanup(): Promise<void>;
}

export type BackendFactory = (options?: ContractStoreOptions) => Promise<ContractBackend>;

const GROUP = 'bar.pwk.educative.io';
const RESOURCE = 'foos';

export function keyOf(name: string, namespace = 'default'): ObjectKey {
  return { group: GROUP, resource: RESOURCE, namespace, name };
}

export function foo(name: string, namespace = 'default', spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: `${GROUP}/v1beta1`,
    kind: 'Foo',
    metadata: { name, namespace, uid: `uid-${namespace}-${name}`, labels: { app: 'demo' } },
    spec: { replicas: 1, ...spec },
  };
}

export const rv = (obj: KubeObject): number => Number(obj.metadata.resourceVersion);

/** Reads exactly n events, failing after a few seconds rather than hanging the suite. */
export async function take(watch: Watch, n: number): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  const iterator = watch[Symbol.asyncIterator]();
  const deadline = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`timed out after ${events.length} of ${n} events`)), 5000).unref(),
  );
  while (events.length < n) {
    const result = await Promise.race([iterator.next(), deadline]);
    if (result.done) throw new Error(`watch ended after ${events.length} of ${n} events`);
    events.push(result.value);
  }
  return events;
}

const summary = (events: WatchEvent[]) =>
  events.map((e) => `${e.type} ${e.object.metadata.name} ${e.revision}`);

/** The resources the contract runs for: keys and objects of each kind's scope. */
interface ContractResource {
  title: string;
  namespaced: boolean;
  keyOf(name: string, namespace?: string): ObjectKey;
  object(name: string, namespace?: string, spec?: Record<string, unknown>): KubeObject;
}

function contractResource(k: KindFixture): ContractResource {
  const namespaceOf = (namespace: string) => (k.namespaced ? namespace : '');
  return {
    title: k.title,
    namespaced: k.namespaced,
    keyOf: (name, namespace = 'default') => ({
      group: k.group,
      resource: k.plural,
      namespace: namespaceOf(namespace),
      name,
    }),
    object: (name, namespace = 'default', spec = {}) => {
      const ns = namespaceOf(namespace);
      return {
        apiVersion: k.apiVersion,
        kind: k.kind.kind,
        metadata: {
          name,
          ...(ns ? { namespace: ns } : {}),
          uid: `uid-${ns}-${name}`,
          labels: { app: 'demo' },
        },
        spec: { replicas: 1, ...spec },
      };
    },
  };
}

const CONTRACT_RESOURCES: readonly ContractResource[] = [FOO_FIXTURE, WIDGET_FIXTURE].map(contractResource);

export function describeStorageContract(name: string, factory: BackendFactory): void {
  describe.each(CONTRACT_RESOURCES)(`storage contract: ${name}, $title`, (resource) => {
    // The suite's keys and objects are the resource's (the exported keyOf/foo are Foo's).
    const { keyOf, object: foo } = resource;
    const GROUP = resource.keyOf('').group;
    const RESOURCE = resource.keyOf('').resource;
    const when = (applies: boolean) => (applies ? it : () => undefined);
    const namespacedOnly = when(resource.namespaced);
    const describeNamespaced = resource.namespaced ? describe : () => undefined;
    const describeClusterScoped = resource.namespaced ? () => undefined : describe;
    let backend: ContractBackend;
    let store: Storage;
    const open = async (options?: ContractStoreOptions) => {
      backend = await factory(options);
      store = backend.storage;
    };
    beforeEach(() => open());
    afterEach(() => backend.cleanup());

    describe('create and get', () => {
      it('stores the object and sets a decimal resourceVersion that is the current revision', async () => {
        const created = await store.create(keyOf('a'), foo('a'));
        expect(created.metadata.resourceVersion).toMatch(/^[1-9][0-9]*$/);
        expect(await store.currentRevision()).toBe(rv(created));
        expect(await store.get(keyOf('a'))).toEqual(created);
      });

      it('refuses a second create of the same key with AlreadyExists and keeps the first', async () => {
        const first = await store.create(keyOf('a'), foo('a', 'default', { location: 'first' }));
        await expect(
          store.create(keyOf('a'), foo('a', 'default', { location: 'second' })),
        ).rejects.toBeInstanceOf(AlreadyExistsError);
        expect(await store.get(keyOf('a'))).toEqual(first);
      });

      namespacedOnly('keeps the same name apart in different namespaces', async () => {
        await store.create(keyOf('a', 'one'), foo('a', 'one', { location: 'one' }));
        await store.create(keyOf('a', 'two'), foo('a', 'two', { location: 'two' }));
        expect((await store.get(keyOf('a', 'one'))).spec).toMatchObject({ location: 'one' });
        expect((await store.get(keyOf('a', 'two'))).spec).toMatchObject({ location: 'two' });
      });

      it('refuses an object that already carries a resourceVersion', async () => {
        const obj = foo('a');
        obj.metadata.resourceVersion = '5';
        await expect(store.create(keyOf('a'), obj)).rejects.toBeInstanceOf(InvalidObjectError);
        await expect(store.get(keyOf('a'))).rejects.toBeInstanceOf(NotFoundError);
      });

      it('refuses an object whose metadata does not match its key', async () => {
        await expect(store.create(keyOf('a'), foo('b'))).rejects.toBeInstanceOf(InvalidObjectError);
        // A cluster-scoped key has no namespace to differ in: an object carrying one does not match it.
        const elsewhere = resource.namespaced
          ? foo('a')
          : { ...foo('a'), metadata: { ...foo('a').metadata, namespace: 'other' } };
        await expect(store.create(keyOf('a', 'other'), elsewhere)).rejects.toBeInstanceOf(InvalidObjectError);
      });

      it('answers a missing object with NotFound naming the key', async () => {
        const err = await store.get(keyOf('missing')).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(NotFoundError);
        expect((err as NotFoundError).key).toEqual(keyOf('missing'));
      });

      it('hands out copies: mutating a returned object does not change the store', async () => {
        const created = await store.create(keyOf('a'), foo('a'));
        (created.spec as Record<string, unknown>).replicas = 99;
        const read = await store.get(keyOf('a'));
        (read.metadata.labels as Record<string, string>).app = 'changed';
        expect(await store.get(keyOf('a'))).toMatchObject({
          spec: { replicas: 1 },
          metadata: { labels: { app: 'demo' } },
        });
      });
    });

    describe('keys that can never name an object', () => {
      const bad = ['../etc', 'a/b', '..', '%2F', 'a%2Fb', 'nul\u0000byte', 'Bad_Name', '', 'x'.repeat(254)];
      it.each(bad)('refuses name %j on every operation without touching anything', async (name) => {
        const key = keyOf(name);
        const obj = { ...foo('a'), metadata: { ...foo('a').metadata, name } };
        await expect(store.create(key, obj)).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.get(key)).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.guaranteedUpdate(key, (o) => o)).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidKeyError);
        expect((await store.list({ group: GROUP, resource: RESOURCE })).items).toEqual([]);
      });

      (resource.namespaced ? it.each(['../x', 'a/b', 'A']) : () => undefined)(
        'refuses namespace %j',
        async (namespace) => {
          await expect(store.get(keyOf('a', namespace))).rejects.toBeInstanceOf(InvalidKeyError);
          await expect(store.list({ group: GROUP, resource: RESOURCE, namespace })).rejects.toBeInstanceOf(
            InvalidKeyError,
          );
        },
      );

      it('accepts the longest valid name (253 characters)', async () => {
        const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
        expect(long).toHaveLength(253);
        await store.create(keyOf(long), foo(long));
        expect((await store.get(keyOf(long))).metadata.name).toBe(long);
      });
    });

    describe('guaranteedUpdate', () => {
      it('writes what the callback returns with a newer resourceVersion', async () => {
        const created = await store.create(keyOf('a'), foo('a'));
        const updated = await store.guaranteedUpdate(keyOf('a'), (cur) => ({
          ...cur,
          spec: { ...(cur.spec as object), location: 'Los Angeles' },
        }));
        expect(rv(updated)).toBeGreaterThan(rv(created));
        expect(await store.get(keyOf('a'))).toEqual(updated);
        expect(updated.spec).toEqual({ replicas: 1, location: 'Los Angeles' });
      });

      it('passes the current object, with its resourceVersion, to the callback', async () => {
        const created = await store.create(keyOf('a'), foo('a'));
        let seen: KubeObject | undefined;
        await store.guaranteedUpdate(keyOf('a'), (cur) => {
          seen = cur;
          return { ...cur, spec: { replicas: 2 } };
        });
        expect(seen).toEqual(created);
      });

      it('fails with Conflict on a stale resourceVersion precondition and writes nothing', async () => {
        const created = await store.create(keyOf('a'), foo('a'));
        const newer = await store.guaranteedUpdate(keyOf('a'), (cur) => ({ ...cur, spec: { replicas: 2 } }));
        const attempt = store.guaranteedUpdate(keyOf('a'), (cur) => ({ ...cur, spec: { replicas: 3 } }), {
          preconditions: { resourceVersion: created.metadata.resourceVersion },
        });
        const err = await attempt.catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ConflictError);
        expect((err as Error).message).toContain('the object has been modified');
        expect(await store.get(keyOf('a'))).toEqual(newer);
      });

      it('fails with Conflict on a uid precondition that does not match', async () => {
        await store.create(keyOf('a'), foo('a'));
        await expect(
          store.guaranteedUpdate(keyOf('a'), (cur) => cur, { preconditions: { uid: 'someone-else' } }),
        ).rejects.toBeInstanceOf(ConflictError);
      });

      it('fails with NotFound when the object does not exist', async () => {
        await expect(store.guaranteedUpdate(keyOf('a'), (cur) => cur)).rejects.toBeInstanceOf(NotFoundError);
      });

      it('passes an error thrown by the callback through unchanged and writes nothing', async () => {
        const created = await store.create(keyOf('a'), foo('a'));
        const refusal = new Error('refused by validation');
        await expect(
          store.guaranteedUpdate(keyOf('a'), () => {
            throw refusal;
          }),
        ).rejects.toBe(refusal);
        expect(await store.get(keyOf('a'))).toEqual(created);
        expect(await store.currentRevision()).toBe(rv(created));
      });

      it('does not write an unchanged object: same resourceVersion, no new revision', async () => {
        const created = await store.create(keyOf('a'), foo('a'));
        const same = await store.guaranteedUpdate(keyOf('a'), (cur) => ({ ...cur }));
        expect(same).toEqual(created);
        expect(await store.currentRevision()).toBe(rv(created));
      });

      it('lets exactly one of 100 concurrent updates with the same precondition win', async () => {
        const created = await store.create(keyOf('a'), foo('a'));
        const outcomes = await Promise.allSettled(
          Array.from({ length: 100 }, (_, i) =>
            store.guaranteedUpdate(keyOf('a'), (cur) => ({ ...cur, spec: { replicas: i + 2 } }), {
              preconditions: { resourceVersion: created.metadata.resourceVersion },
            }),
          ),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o) => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(99);
        for (const o of lost) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
        expect(await store.get(keyOf('a'))).toEqual((won[0] as PromiseFulfilledResult<KubeObject>).value);
      });

      it('applies 50 concurrent unconditional increments without losing one', async () => {
        await store.create(keyOf('a'), foo('a', 'default', { replicas: 0 }));
        await Promise.all(
          Array.from({ length: 50 }, () =>
            store.guaranteedUpdate(keyOf('a'), (cur) => ({
              ...cur,
              spec: { replicas: (cur.spec as { replicas: number }).replicas + 1 },
            })),
          ),
        );
        expect((await store.get(keyOf('a'))).spec).toEqual({ replicas: 50 });
      });
    });

    describe('delete', () => {
      it('removes the object and returns its last state at the deletion revision', async () => {
        const created = await store.create(keyOf('a'), foo('a'));
        const deleted = await store.delete(keyOf('a'));
        expect(rv(deleted)).toBeGreaterThan(rv(created));
        expect(deleted.spec).toEqual(created.spec);
        expect(await store.currentRevision()).toBe(rv(deleted));
        await expect(store.get(keyOf('a'))).rejects.toBeInstanceOf(NotFoundError);
      });

      it('fails with NotFound for a missing object', async () => {
        await expect(store.delete(keyOf('a'))).rejects.toBeInstanceOf(NotFoundError);
      });

      it.each([
        ['uid', { uid: 'other' }],
        ['resourceVersion', { resourceVersion: '1' }],
      ])('keeps the object when the %s precondition fails', async (_, preconditions) => {
        await store.create(keyOf('a'), foo('a'));
        const current = await store.guaranteedUpdate(keyOf('a'), (cur) => ({
          ...cur,
          spec: { replicas: 7 },
        }));
        await expect(store.delete(keyOf('a'), { preconditions })).rejects.toBeInstanceOf(ConflictError);
        expect(await store.get(keyOf('a'))).toEqual(current);
      });

      it('deletes when the preconditions hold', async () => {
        const created = await store.create(keyOf('a'), foo('a'));
        const { uid, resourceVersion } = created.metadata;
        await store.delete(keyOf('a'), { preconditions: { uid, resourceVersion } });
        await expect(store.get(keyOf('a'))).rejects.toBeInstanceOf(NotFoundError);
      });

      it('keeps the object when validateDeletion refuses', async () => {
        const created = await store.create(keyOf('a'), foo('a'));
        const refusal = new Error('has finalizers');
        await expect(
          store.delete(keyOf('a'), {
            validateDeletion: () => {
              throw refusal;
            },
          }),
        ).rejects.toBe(refusal);
        expect(await store.get(keyOf('a'))).toEqual(created);
      });
    });

    describe('revisions', () => {
      it('strictly increase across creates, updates and deletes in every collection', async () => {
        const seen: number[] = [];
        seen.push(rv(await store.create(keyOf('a'), foo('a'))));
        seen.push(rv(await store.create(keyOf('b', 'other'), foo('b', 'other'))));
        seen.push(rv(await store.guaranteedUpdate(keyOf('a'), (c) => ({ ...c, spec: { replicas: 3 } }))));
        seen.push(rv(await store.delete(keyOf('b', 'other'))));
        seen.push(rv(await store.create(keyOf('c'), foo('c'))));
        for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
      });

      it('are never reused after deleting the newest object', async () => {
        await store.create(keyOf('a'), foo('a'));
        const deleted = await store.delete(keyOf('a'));
        const again = await store.create(keyOf('a'), foo('a'));
        expect(rv(again)).toBeGreaterThan(rv(deleted));
      });

      it('are unique under concurrent writes to different keys', async () => {
        const created = await Promise.all(
          Array.from({ length: 64 }, (_, i) => store.create(keyOf(`o-${i}`), foo(`o-${i}`))),
        );
        const revisions = created.map(rv);
        expect(new Set(revisions).size).toBe(64);
        expect(await store.currentRevision()).toBe(Math.max(...revisions));
      });
    });

    describeClusterScoped('list of a cluster-scoped resource', () => {
      const all = { group: GROUP, resource: RESOURCE };
      const names = (objs: KubeObject[]) => objs.map((o) => o.metadata.name);
      beforeEach(async () => {
        for (const name of ['x', 'z', 'y', 'w', 'a']) await store.create(keyOf(name), foo(name));
      });

      it('returns every object in name order at the current revision, none with a namespace', async () => {
        const list = await store.list(all);
        expect(names(list.items)).toEqual(['a', 'w', 'x', 'y', 'z']);
        expect(list.items.every((o) => o.metadata.namespace === undefined)).toBe(true);
        expect(list.revision).toBe(await store.currentRevision());
      });

      it('pages with limit and continue, each item once, with remainingItemCount', async () => {
        const first = await store.list({ ...all, limit: 2 });
        expect(names(first.items)).toEqual(['a', 'w']);
        expect(first.remainingItemCount).toBe(3);
        const second = await store.list({ ...all, limit: 3, continue: first.continue });
        expect(names(second.items)).toEqual(['x', 'y', 'z']);
        expect(second.continue).toBeUndefined();
        expect(second.revision).toBe(first.revision);
      });

      it('lists exactly at an older revision with resourceVersionMatch=Exact', async () => {
        const before = await store.currentRevision();
        await store.delete(keyOf('z'));
        await store.create(keyOf('later'), foo('later'));
        const old = await store.list({ ...all, resourceVersion: before, resourceVersionMatch: 'Exact' });
        expect(names(old.items)).toEqual(['a', 'w', 'x', 'y', 'z']);
        const now = await store.list(all);
        expect(names(now.items)).toEqual(['a', 'later', 'w', 'x', 'y']);
      });
    });

    describeNamespaced('list', () => {
      const names = (objs: KubeObject[]) => objs.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
      const all = { group: GROUP, resource: RESOURCE };

      beforeEach(async () => {
        for (const [ns, name] of [
          ['b', 'x'],
          ['a', 'z'],
          ['a', 'y'],
          ['a-b', 'w'],
          ['b', 'a'],
        ] as const) {
          await store.create(keyOf(name, ns), foo(name, ns));
        }
      });

      it('returns every namespace in key order at the current revision', async () => {
        const list = await store.list(all);
        expect(names(list.items)).toEqual(['a-b/w', 'a/y', 'a/z', 'b/a', 'b/x']);
        expect(list.revision).toBe(await store.currentRevision());
        expect(list.continue).toBeUndefined();
      });

      it('returns one namespace only, not namespaces sharing its prefix', async () => {
        expect(names((await store.list({ ...all, namespace: 'a' })).items)).toEqual(['a/y', 'a/z']);
        expect((await store.list({ ...all, namespace: 'empty' })).items).toEqual([]);
      });

      it('returns nothing for another resource', async () => {
        expect((await store.list({ group: GROUP, resource: 'bars' })).items).toEqual([]);
      });

      it('applies a pushed-down filter', async () => {
        await store.guaranteedUpdate(keyOf('y', 'a'), (c) => ({
          ...c,
          metadata: { ...c.metadata, labels: { app: 'x' } },
        }));
        const list = await store.list({ ...all, filter: (o) => o.metadata.labels?.app === 'x' });
        expect(names(list.items)).toEqual(['a/y']);
      });

      it('pages with limit and continue, each item once, with remainingItemCount', async () => {
        const first = await store.list({ ...all, limit: 2 });
        expect(names(first.items)).toEqual(['a-b/w', 'a/y']);
        expect(first.remainingItemCount).toBe(3);
        expect(first.continue).toEqual(expect.any(String));
        const second = await store.list({ ...all, limit: 2, continue: first.continue });
        expect(names(second.items)).toEqual(['a/z', 'b/a']);
        expect(second.remainingItemCount).toBe(1);
        const third = await store.list({ ...all, limit: 2, continue: second.continue });
        expect(names(third.items)).toEqual(['b/x']);
        expect(third.continue).toBeUndefined();
        expect(third.revision).toBe(first.revision);
      });

      it('gives no continue token when the page ends exactly at the last item', async () => {
        const page = await store.list({ ...all, limit: 5 });
        expect(page.items).toHaveLength(5);
        expect(page.continue).toBeUndefined();
      });

      it('serves later pages at the first page revision even when objects change between pages', async () => {
        const first = await store.list({ ...all, limit: 2 });
        await store.delete(keyOf('a', 'b'));
        await store.create(keyOf('new', 'b'), foo('new', 'b'));
        await store.guaranteedUpdate(keyOf('x', 'b'), (c) => ({ ...c, spec: { replicas: 9 } }));
        const rest = await store.list({ ...all, continue: first.continue });
        expect(names(rest.items)).toEqual(['a/z', 'b/a', 'b/x']);
        expect(rest.items[2]!.spec).toEqual({ replicas: 1 });
        expect(rest.revision).toBe(first.revision);
      });

      it('lists exactly at an older revision with resourceVersionMatch=Exact', async () => {
        const before = await store.currentRevision();
        await store.delete(keyOf('z', 'a'));
        await store.create(keyOf('later', 'a'), foo('later', 'a'));
        const old = await store.list({
          ...all,
          namespace: 'a',
          resourceVersion: before,
          resourceVersionMatch: 'Exact',
        });
        expect(names(old.items)).toEqual(['a/y', 'a/z']);
        expect(old.revision).toBe(before);
        const now = await store.list({
          ...all,
          namespace: 'a',
          resourceVersion: before,
          resourceVersionMatch: 'NotOlderThan',
        });
        expect(names(now.items)).toEqual(['a/later', 'a/y']);
        expect(now.revision).toBe(await store.currentRevision());
      });

      it('refuses a resourceVersion newer than the store has reached', async () => {
        const current = await store.currentRevision();
        await expect(store.list({ ...all, resourceVersion: current + 100 })).rejects.toBeInstanceOf(
          TooLargeResourceVersionError,
        );
      });

      it('refuses a malformed continue token as a client error', async () => {
        await expect(store.list({ ...all, continue: 'not-a-token' })).rejects.toBeInstanceOf(InvalidKeyError);
      });
    });

    describe('list beyond the retained window', () => {
      beforeEach(async () => {
        await backend.cleanup();
        await open({ eventWindow: 4 });
      });

      it('expires a continue token whose revision fell out of the window, offering a fresh one', async () => {
        for (const n of ['a', 'b', 'c']) await store.create(keyOf(n), foo(n));
        const first = await store.list({ group: GROUP, resource: RESOURCE, limit: 1 });
        for (let i = 0; i < 40; i++)
          await store.guaranteedUpdate(keyOf('c'), (c) => ({ ...c, spec: { replicas: i } }));
        const err = await store
          .list({ group: GROUP, resource: RESOURCE, continue: first.continue })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ExpiredError);
        const fresh = (err as ExpiredError).freshContinue;
        expect(fresh).toEqual(expect.any(String));
        const rest = await store.list({ group: GROUP, resource: RESOURCE, continue: fresh });
        expect(rest.items.map((o) => o.metadata.name)).toEqual(['b', 'c']);
        expect(rest.revision).toBe(await store.currentRevision());
      });
    });

    describe('watch', () => {
      const all = { group: GROUP, resource: RESOURCE };
      let watches: Watch[] = [];
      const watch = async (options: Parameters<Storage['watch']>[0]) => {
        const w = await store.watch(options);
        watches.push(w);
        return w;
      };
      afterEach(() => {
        for (const w of watches) w.close();
        watches = [];
      });

      it('delivers ADDED, MODIFIED and DELETED in revision order with matching resourceVersions', async () => {
        const w = await watch({ ...all, fromRevision: await store.currentRevision() });
        const a = await store.create(keyOf('a'), foo('a'));
        const a2 = await store.guaranteedUpdate(keyOf('a'), (c) => ({ ...c, spec: { replicas: 2 } }));
        const gone = await store.delete(keyOf('a'));
        const events = await take(w, 3);
        expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
        expect(events.map((e) => e.object)).toEqual([a, a2, gone]);
        expect(events.map((e) => e.revision)).toEqual([a, a2, gone].map(rv));
      });

      it('replays exactly the events after an older revision, then continues live', async () => {
        const a = await store.create(keyOf('a'), foo('a'));
        const b = await store.create(keyOf('b'), foo('b'));
        const c = await store.guaranteedUpdate(keyOf('a'), (o) => ({ ...o, spec: { replicas: 4 } }));
        const w = await watch({ ...all, fromRevision: rv(a) });
        const d = await store.delete(keyOf('b'));
        expect(summary(await take(w, 3))).toEqual([
          `ADDED b ${rv(b)}`,
          `MODIFIED a ${rv(c)}`,
          `DELETED b ${rv(d)}`,
        ]);
      });

      it('replays every event when watching from revision 0 on a fresh store', async () => {
        const start = await store.currentRevision();
        const w0 = await watch({ ...all, fromRevision: start });
        const a = await store.create(keyOf('a'), foo('a'));
        expect(summary(await take(w0, 1))).toEqual([`ADDED a ${rv(a)}`]);
      });

      namespacedOnly('scopes a watch to one namespace', async () => {
        const w = await watch({ ...all, namespace: 'two', fromRevision: await store.currentRevision() });
        await store.create(keyOf('a', 'one'), foo('a', 'one'));
        const b = await store.create(keyOf('b', 'two'), foo('b', 'two'));
        await store.create(keyOf('c', 'one'), foo('c', 'one'));
        const d = await store.create(keyOf('d', 'two'), foo('d', 'two'));
        expect(summary(await take(w, 2))).toEqual([`ADDED b ${rv(b)}`, `ADDED d ${rv(d)}`]);
      });

      it('turns changes into and out of a filter into ADDED and DELETED', async () => {
        const a = await store.create(keyOf('a'), foo('a'));
        const w = await watch({
          ...all,
          fromRevision: rv(a),
          filter: (o) => o.metadata.labels?.tier === 'gold',
        });
        const label = (tier: string) => (c: KubeObject) => ({
          ...c,
          metadata: { ...c.metadata, labels: { tier } },
        });
        const gold = await store.guaranteedUpdate(keyOf('a'), label('gold'));
        const spec = await store.guaranteedUpdate(keyOf('a'), (c) => ({ ...c, spec: { replicas: 5 } }));
        const silver = await store.guaranteedUpdate(keyOf('a'), label('silver'));
        await store.guaranteedUpdate(keyOf('a'), (c) => ({ ...c, spec: { replicas: 6 } }));
        const back = await store.guaranteedUpdate(keyOf('a'), label('gold'));
        const events = await take(w, 4);
        expect(summary(events)).toEqual([
          `ADDED a ${rv(gold)}`,
          `MODIFIED a ${rv(spec)}`,
          `DELETED a ${rv(silver)}`,
          `ADDED a ${rv(back)}`,
        ]);
        // Leaving the filter shows the last matching state at the revision it left.
        expect(events[2]!.object.metadata.labels).toEqual({ tier: 'gold' });
        expect(events[2]!.object.metadata.resourceVersion).toBe(String(rv(silver)));
      });

      it('fails with Expired for a revision older than the retained window', async () => {
        await backend.cleanup();
        await open({ eventWindow: 4 });
        const first = await store.create(keyOf('a'), foo('a'));
        for (let i = 0; i < 40; i++)
          await store.guaranteedUpdate(keyOf('a'), (c) => ({ ...c, spec: { replicas: i } }));
        await expect(store.watch({ ...all, fromRevision: rv(first) })).rejects.toBeInstanceOf(ExpiredError);
        // The newest revision is always watchable.
        const w = await watch({ ...all, fromRevision: await store.currentRevision() });
        const next = await store.guaranteedUpdate(keyOf('a'), (c) => ({ ...c, spec: { replicas: 100 } }));
        expect(summary(await take(w, 1))).toEqual([`MODIFIED a ${rv(next)}`]);
      });

      it('refuses a revision the store has not reached', async () => {
        const current = await store.currentRevision();
        await expect(store.watch({ ...all, fromRevision: current + 50 })).rejects.toBeInstanceOf(
          TooLargeResourceVersionError,
        );
      });

      it('closes a watcher that falls too far behind with an error, after its buffered events', async () => {
        await backend.cleanup();
        await open({ watchBuffer: 5 });
        const from = await store.currentRevision();
        const slow = await watch({ ...all, fromRevision: from });
        const healthy = await watch({ ...all, fromRevision: from });
        const received: WatchEvent[] = [];
        const draining = (async () => {
          for await (const e of healthy) {
            received.push(e);
            if (received.length === 20) return;
          }
        })();
        for (let i = 0; i < 20; i++) await store.create(keyOf(`o-${i}`), foo(`o-${i}`));
        await draining;
        expect(received.map((e) => e.object.metadata.name)).toEqual(
          Array.from({ length: 20 }, (_, i) => `o-${i}`),
        );

        const delivered: string[] = [];
        const err = await (async () => {
          for await (const e of slow) delivered.push(e.object.metadata.name!);
        })().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WatchTooSlowError);
        // Whatever was delivered is a gap-free prefix: nothing was dropped silently.
        expect(delivered.length).toBeGreaterThan(0);
        expect(delivered).toEqual(Array.from({ length: delivered.length }, (_, i) => `o-${i}`));
      });

      it('ends the iteration when the watch is closed', async () => {
        const w = await watch({ ...all, fromRevision: await store.currentRevision() });
        const pending = w[Symbol.asyncIterator]().next();
        w.close();
        await expect(pending).resolves.toEqual({ value: undefined, done: true });
      });

      it('ends every open watch when the store closes', async () => {
        const w = await watch({ ...all, fromRevision: await store.currentRevision() });
        const pending = w[Symbol.asyncIterator]().next();
        await store.close();
        await expect(pending).resolves.toEqual({ value: undefined, done: true });
      });
    });
  });
}
