/**
 * The versioned view's bytes and defaults, over a real file store (versioned-storage.test.ts pins
 * the conversions themselves): the stored bytes are passed on untouched only where they already
 * name the served version, and a converted object is defaulted — stored at the storage version's
 * defaults, read at the served version's.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fooKind } from '@pwk/api';
import { versionedStorage } from '../../src/storage/versioned-storage';
import type { KubeObject, Storage } from '../../src/storage/interface';
import { tempFileStores } from '../storage/temp-file-stores';

const kind = fooKind;
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
    // Per-object sync: the object's file is written when the write is answered, and read back here.
    storage = await stores.open({ sync: 'per-object' });
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
});
