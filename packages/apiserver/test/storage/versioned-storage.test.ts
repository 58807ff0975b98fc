/**
 * A served version's view of a kind's storage on a real file store: written at the storage
 * version, read at the served one whatever version an object was stored at (Foo v1 stored,
 * v1beta1 served beside it), zero-copy paths kept only where nothing is converted.
 */
import { PAUSED_ANNOTATION, fooKind } from '@pwk/api';
import { fooV1beta1OnlyKind } from '../support/kinds/foo-v1beta1-only';
import type { KubeObject, ObjectKey, Storage } from '../../src/storage/interface';
import { versionedStorage } from '../../src/storage/versioned-storage';
import { tempFileStores } from './temp-file-stores';

const GROUP = 'bar.pwk.educative.io';
const key = (name: string): ObjectKey => ({ group: GROUP, resource: 'foos', namespace: 'ns', name });
const foo = (name: string, version: 'v1' | 'v1beta1', spec: Record<string, unknown> = { replicas: 1 }) => ({
  apiVersion: `${GROUP}/${version}`,
  kind: 'Foo',
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: name } },
  spec,
});

describe('versionedStorage', () => {
  const stores = tempFileStores('pwk-versioned-');
  let storage: Storage;
  let v1: Storage;
  let v1beta1: Storage;
  beforeEach(async () => {
    storage = await stores.open();
    v1 = versionedStorage(storage, { kind: fooKind, version: 'v1' });
    v1beta1 = versionedStorage(storage, { kind: fooKind, version: 'v1beta1' });
  });

  it('is the storage itself for a kind with one version', () => {
    expect(versionedStorage(storage, { kind: fooV1beta1OnlyKind, version: 'v1beta1' })).toBe(storage);
  });

  it('refuses a version the kind does not serve', () => {
    expect(() => versionedStorage(storage, { kind: fooKind, version: 'v2' })).toThrow(
      'Foo has no served version v2',
    );
  });

  it('writes at the storage version and answers at the served one', async () => {
    const created = await v1beta1.create(key('a'), foo('a', 'v1beta1'));
    expect(created.apiVersion).toBe(`${GROUP}/v1beta1`);
    expect((await storage.get(key('a'))).apiVersion).toBe(`${GROUP}/v1`);
    expect((await v1.get(key('a'))).apiVersion).toBe(`${GROUP}/v1`);
    expect((await v1beta1.get(key('a'))).apiVersion).toBe(`${GROUP}/v1beta1`);
  });

  it('reads an object stored at an older version in every served version', async () => {
    await storage.create(key('old'), foo('old', 'v1beta1', { replicas: 2 }));
    expect(await v1.get(key('old'))).toMatchObject({ apiVersion: `${GROUP}/v1`, spec: { replicas: 2 } });
    // Already at the served version: the stored bytes as they are.
    expect(await v1beta1.getSerialized!(key('old'))).toBe(await storage.getSerialized!(key('old')));
    expect(JSON.parse(await v1.getSerialized!(key('old')))).toEqual(await v1.get(key('old')));
  });

  it('keeps what only the storage version has through a read-modify-write in the older version', async () => {
    await v1.create(key('p'), foo('p', 'v1', { replicas: 1, paused: true }));
    const seen = await v1beta1.get(key('p'));
    expect(seen.spec).toEqual({ replicas: 1 });
    expect(seen.metadata.annotations).toEqual({ [PAUSED_ANNOTATION]: 'true' });
    await v1beta1.guaranteedUpdate(key('p'), (current) => ({ ...current, spec: { replicas: 3 } }));
    expect((await storage.get(key('p'))).spec).toEqual({ replicas: 3, paused: true });
  });

  it('does not write an update that changes nothing in the served version', async () => {
    const created = await v1.create(key('n'), foo('n', 'v1', { replicas: 1, paused: false }));
    const same = await v1beta1.guaranteedUpdate(key('n'), (current) => current);
    expect(same.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it('lists at the served version, filters what the served version shows, and keeps bytes only when unconverted', async () => {
    await v1.create(key('a'), foo('a', 'v1', { replicas: 1, paused: true }));
    await v1.create(key('b'), foo('b', 'v1'));
    const listed = await v1beta1.list({
      group: GROUP,
      resource: 'foos',
      filter: (obj) => obj.apiVersion === `${GROUP}/v1beta1` && obj.metadata.name === 'a',
    });
    expect(listed.items.map((o) => [o.metadata.name, o.apiVersion])).toEqual([['a', `${GROUP}/v1beta1`]]);
    expect(listed.serializedItems).toBeUndefined();
    const direct = await v1.list({ group: GROUP, resource: 'foos' });
    expect(direct.serializedItems).toEqual(direct.items.map((o) => JSON.stringify(o)));
  });

  it('watches at the served version: a v1beta1 watch sees writes made in v1', async () => {
    const watch = await v1beta1.watch({ group: GROUP, resource: 'foos', fromRevision: 0 });
    const events = watch[Symbol.asyncIterator]();
    await v1.create(key('w'), foo('w', 'v1', { replicas: 2, paused: true }));
    const first = (await events.next()).value!;
    expect(first.type).toBe('ADDED');
    expect(first.object.apiVersion).toBe(`${GROUP}/v1beta1`);
    expect(first.object.metadata.annotations).toEqual({ [PAUSED_ANNOTATION]: 'true' });
    expect(first.serialized).toBeUndefined();
    watch.close();
    expect((await events.next()).done).toBe(true);
  });

  it('shows a deletion’s check and result at the served version', async () => {
    await v1.create(key('d'), foo('d', 'v1'));
    const checked: KubeObject[] = [];
    const deleted = await v1beta1.delete(key('d'), {
      validateDeletion: (current) => void checked.push(current),
    });
    expect(checked.map((o) => o.apiVersion)).toEqual([`${GROUP}/v1beta1`]);
    expect(deleted.apiVersion).toBe(`${GROUP}/v1beta1`);
  });
});
