/**
 * The file store on a real full and a real read-only disk (a small tmpfs, remounted read-only):
 * a refused write is answered with what failed, changes nothing (index, revision, watch
 * window, files), makes the store not ready, and the store recovers by itself once the disk
 * takes writes again. Needs permission to mount (root, or sudo -n); see support/small-disk.ts.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, StorageWriteFailedError } from '../../src/storage/errors';
import { createFileStorage } from '../../src/storage/file/file-storage';
import type { FileStorageOptions, FileStoreSync } from '../../src/storage/file/file-storage';
import type { KubeObject, Storage, WatchEvent } from '../../src/storage/interface';
import { mountSmallDisk, smallDiskSupport } from '../support/small-disk';
import type { SmallDisk } from '../support/small-disk';
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';
import { foo, keyOf, take } from './contract';

const FOOS = { group: 'bar.pwk.educative.io', resource: 'foos' };
const FOOS_PATH = '/apis/bar.pwk.educative.io/v1beta1/namespaces/default/foos';
const NO_SPACE = 'storage write failed: no space left on device';
const READ_ONLY = 'storage write failed: read-only file system';

const support = smallDiskSupport();
if (!support.ok) console.warn(`file-store.disk-full: skipped, ${support.why}`);
const describeOnSmallDisk = support.ok ? describe : describe.skip;

async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full)));
    else out.push(path.relative(dir, full));
  }
  return out;
}

const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected the write to fail');
    },
    (err: unknown) => err,
  );

const summary = (events: WatchEvent[]) => events.map((e) => `${e.type} ${e.object.metadata.name}`);

/**
 * The object with what makes its write need new space. With the log, a small write may still fit
 * in the last page its segment already holds (and is then durably stored): a write that is to be
 * refused must need new space.
 */
const padded = <T extends { metadata?: object }>(sync: FileStoreSync, obj: T): T =>
  sync === 'log'
    ? { ...obj, metadata: { ...obj.metadata, annotations: { pad: 'x'.repeat(16 * 1024) } } }
    : obj;

/**
 * Waits until the objects' files are in the data dir's default namespace. The disk is filled only
 * once the store is quiet: with the log, the object files follow the acknowledgements, and would
 * take the space that fill() measured.
 */
const filesWritten = (dataDir: string, ...names: string[]) =>
  until('the object files to be written', async () => {
    const dir = path.join(dataDir, FOOS.group, FOOS.resource, 'default');
    const files = await readdir(dir).catch((): string[] => []);
    return names.every((n) => files.includes(`${n}.json`));
  });

describeOnSmallDisk.each<FileStoreSync>(['per-object', 'log'])(
  'file store on a full or read-only disk (sync %s)',
  (sync) => {
    let disk: SmallDisk;
    let dataDir: string;
    const opened: Storage[] = [];
    const open = async (options: Partial<FileStorageOptions> = {}) => {
      const store = await createFileStorage({ dataDir, writeProbeIntervalMs: 20, sync, ...options });
      opened.push(store);
      return store;
    };
    const names = async (store: Storage) =>
      (await store.list({ ...FOOS, namespace: 'default' })).items.map((o) => o.metadata.name).sort();
    // The test makes a disk read-only by remounting it, which Linux refuses while a file on it is
    // open for writing, as the log's segment is. A disk the kernel turns read-only fails the log's
    // write like any I/O error: the EIO path in file-store-wal.test.ts.
    const itRemounting = sync === 'log' ? it.skip : it;
    beforeEach(async () => {
      disk = await mountSmallDisk(1 << 20);
      dataDir = path.join(disk.dir, 'data');
    });
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
      await disk.unmount();
    });

    it('refuses writes on a full disk with "no space left on device", applies none, and recovers once space is freed', async () => {
      const store = await open();
      const acked: KubeObject[] = [];
      for (const name of ['a', 'b', 'c']) acked.push(await store.create(keyOf(name), foo(name)));
      const revision = await store.currentRevision();
      await filesWritten(dataDir, 'a', 'b', 'c');
      const filler = await disk.fill(0);

      const create = await failureOf(store.create(keyOf('too-much'), padded(sync, foo('too-much'))));
      expect(create).toBeInstanceOf(StorageWriteFailedError);
      expect((create as Error).message).toBe(NO_SPACE);
      const update = await failureOf(
        store.guaranteedUpdate(keyOf('a'), (cur) => padded(sync, { ...cur, spec: { replicas: 5 } })),
      );
      expect((update as Error).message).toBe(NO_SPACE);

      expect(store.ready()).toBe(false);
      expect(store.notReadyReason?.()).toBe(NO_SPACE);
      await expect(store.get(keyOf('too-much'))).rejects.toThrow(NotFoundError);
      expect(await store.get(keyOf('a'))).toEqual(acked[0]);
      expect(await names(store)).toEqual(['a', 'b', 'c']);
      expect(await store.currentRevision()).toBe(revision);

      await rm(filler);
      await until('the store to be ready again', () => store.ready());
      const later = await store.create(keyOf('later'), foo('later'));
      // The watch window holds the acknowledged changes only.
      const watch = await store.watch({ ...FOOS, fromRevision: revision });
      expect(summary(await take(watch, 1))).toEqual(['ADDED later']);
      watch.close();

      await store.close();
      const again = await open();
      expect(await names(again)).toEqual(['a', 'b', 'c', 'later']);
      for (const obj of [...acked, later]) expect(await again.get(keyOf(obj.metadata.name!))).toEqual(obj);
      expect((await walk(dataDir)).filter((f) => f.includes('.tmp-') || f.startsWith('quarantine'))).toEqual(
        [],
      );
    });

    it('stays not ready after a delete on a full disk: unlinking works there, writing does not', async () => {
      const store = await open();
      await store.create(keyOf('a'), foo('a'));
      await store.create(keyOf('b'), foo('b'));
      await filesWritten(dataDir, 'a', 'b');
      await disk.fill(0);
      await failureOf(store.create(keyOf('c'), padded(sync, foo('c'))));
      if (sync === 'log') {
        // A delete is a log record: written if it fits in space the log already holds, refused (and
        // changing nothing) if not. Either way the store stays not ready.
        const deleted = await store.delete(keyOf('b')).then(
          () => true,
          (err: Error) => {
            expect(err.message).toBe(NO_SPACE);
            return false;
          },
        );
        expect(store.ready()).toBe(false);
        expect(await names(store)).toEqual(deleted ? ['a'] : ['a', 'b']);
        return;
      }
      await store.delete(keyOf('b'));
      expect(store.ready()).toBe(false);
      expect(await names(store)).toEqual(['a']);
    });

    itRemounting(
      'refuses writes and deletes on a read-only disk with "read-only file system", and recovers once writable',
      async () => {
        const store = await open();
        const a = await store.create(keyOf('a'), foo('a'));
        disk.readOnly();
        expect(((await failureOf(store.create(keyOf('b'), foo('b')))) as Error).message).toBe(READ_ONLY);
        expect(((await failureOf(store.delete(keyOf('a')))) as Error).message).toBe(READ_ONLY);
        expect(store.notReadyReason?.()).toBe(READ_ONLY);
        expect(await store.get(keyOf('a'))).toEqual(a);

        disk.writable();
        await until('the store to be ready again', () => store.ready());
        await store.create(keyOf('b'), foo('b'));
        await store.close();
        expect(await names(await open())).toEqual(['a', 'b']);
      },
    );

    itRemounting('reports what the disk does now while it keeps failing: full, then read-only', async () => {
      const store = await open();
      await disk.fill(0);
      await failureOf(store.create(keyOf('a'), foo('a')));
      expect(store.notReadyReason?.()).toBe(NO_SPACE);
      disk.readOnly();
      await until('the reason to follow the disk', () => store.notReadyReason?.() === READ_ONLY);
      disk.writable();
    });
  },
);

describeOnSmallDisk.each<FileStoreSync>(['per-object', 'log'])(
  'apiserver on a full disk (sync %s)',
  (sync) => {
    let disk: SmallDisk;
    let server: TestServer;
    beforeAll(async () => {
      disk = await mountSmallDisk(1 << 20);
      server = await startTestServer({
        dataDir: path.join(disk.dir, 'data'),
        flags: [`--file-store-sync=${sync}`],
      });
    });
    afterAll(async () => {
      await server?.stop();
      await rm(server?.dir ?? '', { recursive: true, force: true });
      await disk?.unmount();
    });

    const create = (name: string) =>
      server.request('POST', FOOS_PATH, {
        body: padded(sync, { apiVersion: 'bar.pwk.educative.io/v1beta1', kind: 'Foo', metadata: { name } }),
      });

    it('answers a write with a 500 that says what failed, fails /readyz until the disk has room again', async () => {
      expect((await create('before')).status).toBe(201);
      await filesWritten(path.join(disk.dir, 'data'), 'before');
      const filler = await disk.fill(0);

      const refused = await create('refused');
      expect(refused.status).toBe(500);
      expect(refused.json()).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'InternalError',
        code: 500,
        message: `Internal error occurred: ${NO_SPACE}`,
      });
      expect(refused.text).not.toContain(disk.dir);

      const ready = await server.request('GET', '/readyz', { token: null });
      expect(ready.status).toBe(500);
      expect(ready.text).toBe(
        '[+]ping ok\n[-]storage failed: reason withheld\n[+]shutdown ok\nreadyz check failed\n',
      );
      expect((await server.request('GET', '/readyz?verbose', { token: null })).text).toBe(ready.text);
      const check = await server.request('GET', '/readyz/storage', { token: null });
      expect(check).toMatchObject({ status: 500, text: `internal server error: ${NO_SPACE}\n` });
      expect((await server.request('GET', '/livez', { token: null })).status).toBe(200);
      expect((await server.request('GET', `${FOOS_PATH}/before`)).status).toBe(200);
      expect(server.logs).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          reason: NO_SPACE,
          message: expect.stringContaining('not ready'),
        }),
      );

      await rm(filler);
      await until(
        '/readyz to pass again',
        async () => (await server.request('GET', '/readyz', { token: null })).status === 200,
      );
      expect((await create('refused')).status).toBe(201);
    });
  },
);
