/** The file store hands watchers its stored JSON, and a private decoded copy only when asked. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createFileStorage } from '../../src/storage/file/file-storage';
import type { KubeObject, Storage } from '../../src/storage/interface';
import { foo, keyOf, take } from './contract';

const FOOS = { group: 'bar.pwk.educative.io', resource: 'foos' };

describe('file store watch events', () => {
  let root: string;
  let store: Storage;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'pwk-watch-bytes-'));
    store = await createFileStorage({ dataDir: path.join(root, 'data') });
  });
  afterEach(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('carry the stored JSON, exactly what encoding the event object gives', async () => {
    const from = await store.currentRevision();
    const watch = await store.watch({ ...FOOS, fromRevision: from });
    const created = await store.create(keyOf('a'), foo('a'));
    await store.guaranteedUpdate(keyOf('a'), (o) => ({ ...o, spec: { ...(o.spec as object), replicas: 7 } }));
    await store.delete(keyOf('a'));
    const events = await take(watch, 3);
    watch.close();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    for (const event of events) expect(event.serialized).toBe(JSON.stringify(event.object));
    expect(events[0]!.object).toEqual(created);
    expect((events[1]!.object.spec as { replicas: number }).replicas).toBe(7);
  });

  it('give every watcher its own object: one consumer mutating it changes nothing for another', async () => {
    const from = await store.currentRevision();
    const first = await store.watch({ ...FOOS, fromRevision: from });
    const second = await store.watch({ ...FOOS, fromRevision: from });
    await store.create(keyOf('a'), foo('a'));
    const [mine] = await take(first, 1);
    const [theirs] = await take(second, 1);
    first.close();
    second.close();
    (mine!.object as KubeObject).metadata.name = 'changed';
    expect(theirs!.object.metadata.name).toBe('a');
    expect(JSON.parse(theirs!.serialized!)).toEqual(theirs!.object);
  });

  it('send a filtered watcher the state it matched, and no stored bytes for a synthetic DELETED', async () => {
    const from = await store.currentRevision();
    const gold = (o: KubeObject) => o.metadata.labels?.tier === 'gold';
    const watch = await store.watch({ ...FOOS, fromRevision: from, filter: gold });
    const withTier = (tier: string) => ({
      ...foo('a'),
      metadata: { ...foo('a').metadata, labels: { tier } },
    });
    await store.create(keyOf('a'), withTier('gold'));
    await store.guaranteedUpdate(keyOf('a'), (o) => ({
      ...o,
      metadata: { ...o.metadata, labels: { tier: 'tin' } },
    }));
    const [added, gone] = await take(watch, 2);
    watch.close();
    expect(added!.type).toBe('ADDED');
    expect(added!.serialized).toBe(JSON.stringify(added!.object));
    expect(gone!.type).toBe('DELETED');
    expect(gone!.object.metadata.labels).toEqual({ tier: 'gold' });
    expect(gone!.object.metadata.resourceVersion).toBe(String(gone!.revision));
    expect(gone!.serialized).toBeUndefined();
  });
});
