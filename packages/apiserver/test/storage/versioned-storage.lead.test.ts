/**
 * One served version's view of a kind's storage, over a real file store: writes in any served
 * version are stored in the storage version, every read is in the version asked for, and the
 * stored bytes are passed on untouched only where they already are in that version.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fooKindV1 } from '@pwk/api';
import { versionedStorage } from '../../src/storage/versioned-storage';
import type { KubeObject, Storage, WatchEvent } from '../../src/storage/interface';
import { tempFileStores } from '../storage/temp-file-stores';

const kind = fooKindV1;
const v1 = kind.version('v1')!;
const v1beta1 = kind.version('v1beta1')!;
const key = (name: string) => ({ group: kind.group, resource: kind.plural, namespace: 'default', name });
const foo = (apiVersion: string, name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion,
  kind: 'Foo',
  metadata: { name, namespace: 'default' },
  spec,
});

describe('a served version’s view of the storage', () => {
  const stores = tempFileStores('pwk-versioned-');
  let storage: Storage;
  let asV1: Storage;
  let asV1beta1: Storage;

  beforeEach(async () => {
    storage = await stores.open();
    asV1 = versionedStorage(storage, { kind, version: 'v1' });
    asV1beta1 = versionedStorage(storage, { kind, version: 'v1beta1' });
  });

  const onDisk = async (name: string) =>
    JSON.parse(
      await readFile(path.join(stores.dataDir, kind.group, kind.plural, 'default', `${name}.json`), 'utf8'),
    ) as KubeObject;

  it('stores a create made in v1beta1 in the storage version, and answers in v1beta1', async () => {
    const created = await asV1beta1.create(key('a'), foo(v1beta1.apiVersion, 'a', { replicas: 2 }));
    expect(created.apiVersion).toBe(v1beta1.apiVersion);
    // Stored converted and defaulted at v1: a v1 read shows spec.paused's default.
    expect(await onDisk('a')).toMatchObject({
      apiVersion: v1.apiVersion,
      spec: { replicas: 2, paused: false },
    });
    expect((await asV1.get(key('a'))).spec).toEqual({ replicas: 2, paused: false });
  });

  it('keeps a v1-only field through a read-modify-write in v1beta1', async () => {
    await asV1.create(key('p'), foo(v1.apiVersion, 'p', { replicas: 1, paused: true }));
    const seen = await asV1beta1.get(key('p'));
    expect(seen.spec).not.toHaveProperty('paused');
    await asV1beta1.guaranteedUpdate(key('p'), (current) => ({
      ...current,
      metadata: { ...current.metadata, labels: { touched: 'yes' } },
    }));
    const stored = await onDisk('p');
    expect(stored.spec).toEqual({ replicas: 1, paused: true });
    expect(stored.metadata.labels).toEqual({ touched: 'yes' });
    expect(stored.metadata.annotations ?? {}).toEqual({});
  });

  it('passes the stored bytes on in the storage version and converts them for another', async () => {
    await asV1.create(key('b'), foo(v1.apiVersion, 'b', { replicas: 3 }));
    const raw = await storage.getSerialized!(key('b'));
    expect(await asV1.getSerialized!(key('b'))).toBe(raw);
    const converted = JSON.parse(await asV1beta1.getSerialized!(key('b'))) as KubeObject;
    expect(converted.apiVersion).toBe(v1beta1.apiVersion);
    expect(converted.metadata.resourceVersion).toBe((JSON.parse(raw) as KubeObject).metadata.resourceVersion);
  });

  it('lists in the version asked for, with the serialized items only when they are in it', async () => {
    await asV1.create(key('c'), foo(v1.apiVersion, 'c', { replicas: 1 }));
    await asV1beta1.create(key('d'), foo(v1beta1.apiVersion, 'd', { replicas: 1 }));
    const inV1 = await asV1.list({ group: kind.group, resource: kind.plural });
    const inV1beta1 = await asV1beta1.list({ group: kind.group, resource: kind.plural });
    expect(inV1.items.map((o) => o.apiVersion)).toEqual([v1.apiVersion, v1.apiVersion]);
    expect(inV1beta1.items.map((o) => o.apiVersion)).toEqual([v1beta1.apiVersion, v1beta1.apiVersion]);
    expect(inV1beta1.serializedItems).toBeUndefined();
    // The file store keeps objects serialized: in the storage version its bytes are passed on.
    expect(inV1.serializedItems?.map((s) => JSON.parse(s) as unknown)).toEqual(inV1.items);
  });

  it('reads an object still stored in an older version in the storage version', async () => {
    await storage.create(key('old'), foo(v1beta1.apiVersion, 'old', { replicas: 4 }));
    const read = await asV1.get(key('old'));
    // Defaulted in v1 on the way out, as a CRD's objects are when read from etcd.
    expect(read).toMatchObject({ apiVersion: v1.apiVersion, spec: { replicas: 4, paused: false } });
    expect(JSON.parse(await asV1.getSerialized!(key('old')))).toEqual(read);
  });

  it('shows a watcher in v1beta1 the writes made in v1, converted, and filters in its version', async () => {
    const from = await storage.currentRevision();
    const watch = await asV1beta1.watch({
      group: kind.group,
      resource: kind.plural,
      fromRevision: from,
      filter: (obj) => obj.apiVersion === v1beta1.apiVersion,
    });
    await asV1.create(key('w'), foo(v1.apiVersion, 'w', { replicas: 1, paused: true }));
    const events: WatchEvent[] = [];
    for await (const event of watch) {
      events.push(event);
      break;
    }
    watch.close();
    expect(events[0]!.type).toBe('ADDED');
    expect(events[0]!.object.apiVersion).toBe(v1beta1.apiVersion);
    expect(events[0]!.object.spec).not.toHaveProperty('paused');
    // The stored bytes are in v1: they must not reach a v1beta1 watcher.
    expect(events[0]!.serialized).toBeUndefined();
  });

  it('hands a deletion check the object in the served version', async () => {
    await asV1.create(key('x'), foo(v1.apiVersion, 'x', { replicas: 1 }));
    const seen: string[] = [];
    const deleted = await asV1beta1.delete(key('x'), {
      validateDeletion: (current) => {
        seen.push(String(current.apiVersion));
      },
    });
    expect(seen).toEqual([v1beta1.apiVersion]);
    expect(deleted.apiVersion).toBe(v1beta1.apiVersion);
  });
});
