/**
 * Start-up loading of the file store: objects are packed in batch texts (loaded-texts.ts) that
 * must serve exactly the loaded bytes through updates and deletes, and be released once few of
 * their objects are left; built code scans the data dir in a worker thread (loader.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FileIndex } from '../../src/storage/file/file-index';
import type { FileStorageOptions, createFileStorage } from '../../src/storage/file/file-storage';
import type { LoadMessage } from '../../src/storage/file/load-messages';
import { scanDataDir } from '../../src/storage/file/load-scan';
import { LoadedTexts } from '../../src/storage/file/loaded-texts';
import type { KubeObject } from '../../src/storage/interface';
import { foo, keyOf } from './contract';
import { tempFileStores } from './temp-file-stores';

const GROUP = 'bar.pwk.educative.io';
const FOOS = { group: GROUP, resource: 'foos' };
const BUILT = path.join(__dirname, '..', '..', 'dist', 'storage', 'file', 'file-storage.js');
const BUILT_CHECK = path.join(__dirname, '..', '..', 'dist', 'server', 'loaded-object-check.js');

/** A batch of ids `ns/<name>` whose texts are `text:<name>` (one collection). */
function addBatch(texts: LoadedTexts, entries: Map<string, string | number>, names: string[]): void {
  const ends = new Int32Array(names.length);
  let text = '';
  names.forEach((name, k) => {
    text += `text:${name}`;
    ends[k] = text.length;
  });
  const ids = names.map((n) => `ns/${n}`);
  const first = texts.add('g/r', text, ids, ends);
  ids.forEach((id, k) => entries.set(id, first + k));
}

describe('loaded texts', () => {
  const load = (...batches: string[][]) => {
    const texts = new LoadedTexts();
    const entries = new Map<string, string | number>();
    for (const names of batches) addBatch(texts, entries, names);
    texts.seal();
    return { texts, index: new FileIndex(new Map([['g/r', entries]]), texts) };
  };
  const set = (index: FileIndex, name: string, json: string) =>
    index.set('g/r', { namespace: 'ns', id: `ns/${name}`, json });

  it('serves each loaded object as exactly its text, across batches', () => {
    const { index } = load(['a', 'bb', 'a-much-longer-name-than-thirteen'], ['c'], ['d', 'e']);
    for (const name of ['a', 'bb', 'a-much-longer-name-than-thirteen', 'c', 'd', 'e']) {
      expect(index.json('g/r', `ns/${name}`)).toBe(`text:${name}`);
    }
    expect(index.get('g/r', 'ns/c')).toEqual({ namespace: 'ns', id: 'ns/c', json: 'text:c' });
    expect(index.size).toBe(6);
    expect(index.sortedIds('g/r')).toEqual([
      'ns/a',
      'ns/a-much-longer-name-than-thirteen',
      'ns/bb',
      'ns/c',
      'ns/d',
      'ns/e',
    ]);
  });

  it('copies out the rest of a batch once fewer than half its objects are left, and releases it', () => {
    const { texts, index } = load(['a', 'b', 'c', 'd'], ['e', 'f']);
    set(index, 'a', 'new:a');
    index.remove('g/r', 'ns/b');
    // Two of four left: kept as they are.
    expect(texts.retained).toBe(2);
    set(index, 'c', 'new:c');
    // One of four: compacted, the survivor copied out.
    expect(texts.retained).toBe(1);
    expect(index.json('g/r', 'ns/d')).toBe('text:d');
    set(index, 'd', 'new:d');
    index.remove('g/r', 'ns/e');
    index.remove('g/r', 'ns/f');
    expect(texts.retained).toBe(0);
    expect(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => index.json('g/r', `ns/${n}`))).toEqual([
      'new:a',
      undefined,
      'new:c',
      'new:d',
      undefined,
      undefined,
    ]);
    expect(index.size).toBe(3);
  });
});

describe('file store start-up', () => {
  // Thousands of fsynced files per test: on a loaded two-core machine that outlasts jest's 5 s.
  jest.setTimeout(60_000);
  const stores = tempFileStores('pwk-loading-');
  const openStore = (options?: Partial<FileStorageOptions>) => stores.open(options);

  /** Writes stored objects straight to disk, as the store lays them out; returns them in key order. */
  async function writeStored(objects: KubeObject[]): Promise<KubeObject[]> {
    for (const obj of objects) {
      const dir = path.join(stores.dataDir, GROUP, 'foos', obj.metadata.namespace!);
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, `${obj.metadata.name}.json`), JSON.stringify(obj));
    }
    const id = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
    return [...objects].sort((a, b) => (id(a) < id(b) ? -1 : 1));
  }

  /** ~600 bytes each: 1,200 of them span several batches. */
  const manyFoos = (n: number) =>
    Array.from({ length: n }, (_, i) => {
      const obj = foo(`foo-${i}`, `ns-${i % 3}`, { filler: 'x'.repeat(450), index: i });
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(i + 1) } };
    });
  const withText = (name: string, note: string, rev: number) => {
    const obj = foo(name, 'ns-0', { note });
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } };
  };

  it('serves objects loaded over many batches exactly, through updates, deletes and restarts', async () => {
    const expected = await writeStored([
      ...manyFoos(1200),
      // Beyond ASCII: one-byte (latin1) characters stay in a batch, wider ones are kept apart.
      withText('latin', 'café crème', 5000),
      withText('wide', '日本語 🙂', 5001),
    ]);
    const store = await openStore();
    expect((await store.list(FOOS)).items).toEqual(expected);
    expect((await store.list(FOOS)).serializedItems).toEqual(expected.map((o) => JSON.stringify(o)));
    expect(await store.getSerialized!(keyOf('wide', 'ns-0'))).toBe(
      JSON.stringify(expected.find((o) => o.metadata.name === 'wide')),
    );

    // Replace or delete most objects, so that most batches are compacted or released.
    const current = new Map(expected.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
    for (const [i, obj] of expected.entries()) {
      const key = keyOf(obj.metadata.name!, obj.metadata.namespace);
      if (i % 10 === 0) {
        await store.delete(key);
        current.delete(`${key.namespace}/${key.name}`);
      } else if (i % 10 < 8) {
        const updated = await store.guaranteedUpdate(key, (o) => ({
          ...o,
          spec: { ...(o.spec as object), replicas: 2 },
        }));
        current.set(`${key.namespace}/${key.name}`, updated);
      }
    }
    const served = [...current.values()].sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}` < `${b.metadata.namespace}/${b.metadata.name}` ? -1 : 1,
    );
    expect((await store.list(FOOS)).items).toEqual(served);
    for (const obj of served.slice(0, 50)) {
      expect(await store.get(keyOf(obj.metadata.name!, obj.metadata.namespace))).toEqual(obj);
    }
    await store.close();
    const again = await openStore();
    expect((await again.list(FOOS)).items).toEqual(served);
    // Thousands of fsynced writes and two restarts: seconds on a busy 2-core machine.
  }, 30_000);

  it('scans in a worker thread when built, with the same result', async () => {
    if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run "npm run build" first`);
    // The built code, as the server runs it (this suite runs the TypeScript sources in-process).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const built = require(BUILT) as { createFileStorage: typeof createFileStorage };
    const expected = await writeStored([
      ...manyFoos(700),
      withText('latin', 'café', 900),
      withText('wide', '日本', 901),
    ]);
    const nsDir = path.join(stores.dataDir, GROUP, 'foos', 'ns-1');
    await writeFile(path.join(nsDir, 'torn.json'), '{"apiVersion":"bar.pwk.educ');
    await writeFile(path.join(nsDir, '.tmp-0123456789abcdef'), '{"half":');

    const logged: Array<{ message: string; meta?: Record<string, unknown> }> = [];
    const record = (message: string, meta?: Record<string, unknown>) => logged.push({ message, meta });
    const store = await built.createFileStorage({
      dataDir: stores.dataDir,
      logger: { info: record, warn: record, error: record },
    });
    stores.adopt(store);
    expect(logged.find((l) => l.message === 'file store loaded')?.meta).toMatchObject({
      scannedIn: 'worker',
      objects: expected.length,
      quarantined: 1,
      tempFilesRemoved: 1,
    });
    expect(logged.filter((l) => l.message.includes('quarantined')).map((l) => l.meta?.path)).toEqual([
      path.join(nsDir, 'torn.json'),
    ]);
    expect((await readdir(nsDir)).filter((f) => !f.startsWith('foo-'))).toEqual([]);
    expect((await store.list(FOOS)).serializedItems).toEqual(expected.map((o) => JSON.stringify(o)));
    expect(await store.get(keyOf('wide', 'ns-0'))).toEqual(expected.find((o) => o.metadata.name === 'wide'));
  });
  it('checks loaded objects against their schema in the worker thread too', async () => {
    if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run "npm run build" first`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const built = require(BUILT) as { createFileStorage: typeof createFileStorage };
    // The check the built server hands its store (server.ts).
    const check = { module: BUILT_CHECK, exportName: 'checkLoadedObject' };
    const stored = (name: string, rev: number) => {
      const obj = foo(name, 'ns-1');
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } };
    };
    const expected = await writeStored([stored('a', 1), stored('b', 2), stored('c', 3)]);
    const nsDir = path.join(stores.dataDir, GROUP, 'foos', 'ns-1');
    const bad = { ...stored('lots', 99), spec: { replicas: 'lots' } };
    await writeFile(path.join(nsDir, 'lots.json'), JSON.stringify(bad));

    const logged: Array<{ message: string; meta?: Record<string, unknown> }> = [];
    const record = (message: string, meta?: Record<string, unknown>) => logged.push({ message, meta });
    const store = await built.createFileStorage({
      dataDir: stores.dataDir,
      logger: { info: record, warn: record, error: record },
      checkLoaded: check,
    });
    stores.adopt(store);
    expect(logged.find((l) => l.message === 'file store loaded')?.meta).toMatchObject({
      scannedIn: 'worker',
      objects: expected.length,
      quarantined: 1,
    });
    expect(logged.find((l) => l.message.includes('quarantined'))?.meta).toEqual({
      path: path.join(nsDir, 'lots.json'),
      reason: 'does not match its schema: spec.replicas: Invalid value: "lots": must be of type integer',
    });
    expect((await store.list(FOOS)).items).toEqual(expected);
  });
  it('shares the files out between scans running at once: each object read by exactly one, each warning given once', async () => {
    const expected = await writeStored(manyFoos(300));
    const nsDir = path.join(stores.dataDir, GROUP, 'foos', 'ns-1');
    await writeFile(path.join(nsDir, 'torn.json'), '{"apiVersion":"bar.pwk.educ');
    await writeFile(path.join(stores.dataDir, '.tmp-0123456789abcdef'), '{"reserved":');
    await mkdir(path.join(stores.dataDir, 'Not_A_Group'));
    const messages: LoadMessage[] = [];
    // Both at once, as the worker threads run them (each pauses so the other gets going).
    await Promise.all(
      [0, 1].map((index) =>
        scanDataDir({
          dataDir: stores.dataDir,
          stamp: 'now',
          shard: { index, count: 2 },
          emit: (m) => messages.push(m),
          pause: () => new Promise((r) => setImmediate(r)),
        }),
      ),
    );
    const ids = messages.flatMap((m) => (m.kind === 'batch' ? m.ids : m.kind === 'object' ? [m.id] : []));
    expect(ids.sort()).toEqual(expected.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort());
    const done = messages.filter((m) => m.kind === 'done');
    expect(done.map((d) => d.quarantined).sort()).toEqual([0, 1]);
    expect(done.map((d) => d.tempFilesRemoved).sort()).toEqual([0, 1]);
    expect(messages.filter((m) => m.kind === 'warn').map((m) => m.fields.path)).toEqual(
      expect.arrayContaining([path.join(nsDir, 'torn.json'), path.join(stores.dataDir, 'Not_A_Group')]),
    );
    expect(messages.filter((m) => m.kind === 'warn')).toHaveLength(2);
  });
});
