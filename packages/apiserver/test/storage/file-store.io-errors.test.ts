/**
 * I/O errors (EIO) at the one step no real file system fails on demand: the directory fsync
 * after a rename or unlink, when the file already shows the new state. Injected through the
 * store's disk-operations seam (durable-fs.ts); a full and a read-only disk are tested for real
 * in file-store.disk-full.test.ts. The store must not serve the failed change, must say what
 * failed, and must put the file back to what it serves before it calls itself ready again, so
 * a restart loads exactly the acknowledged state.
 *
 * These are per-object sync's fsyncs (the write is answered after them); the log's failing
 * write or fdatasync is in file-store-wal.test.ts.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, StorageWriteFailedError } from '../../src/storage/errors';
import { realDiskOps } from '../../src/storage/file/durable-fs';
import type { DiskOps } from '../../src/storage/file/durable-fs';
import type { Storage } from '../../src/storage/interface';
import { foo, keyOf } from './contract';
import { tempFileStores } from './temp-file-stores';

const FOOS = { group: 'bar.pwk.educative.io', resource: 'foos' };
const IO_ERROR = 'storage write failed: input/output error';

/** Real disk operations whose fsyncs fail with EIO while told to: of directories, or of files. */
function failingFsyncs(): { ops: DiskOps; fail: { dirs: boolean; files: boolean } } {
  const fail = { dirs: false, files: false };
  const dirFds = new Set<number>();
  const ops: DiskOps = {
    ...realDiskOps,
    async open(target, flags, mode) {
      const fd = await realDiskOps.open(target, flags, mode);
      if (flags === 'r') dirFds.add(fd); // durable-fs opens only directories read-only
      return fd;
    },
    close(fd) {
      dirFds.delete(fd);
      realDiskOps.close(fd);
    },
    async fsync(fd) {
      if (dirFds.has(fd) ? fail.dirs : fail.files) {
        throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO', errno: -5, syscall: 'fsync' });
      }
      await realDiskOps.fsync(fd);
    },
  };
  return { ops, fail };
}

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const failureOf = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error('expected the write to fail');
    },
    (err: unknown) => err as Error,
  );

describe('file store after I/O errors (per-object sync)', () => {
  const stores = tempFileStores('pwk-eio-');
  const fileOf = (name: string) =>
    path.join(stores.dataDir, FOOS.group, FOOS.resource, 'default', `${name}.json`);
  const onDisk = async (name: string) => JSON.parse(await readFile(fileOf(name), 'utf8')) as unknown;
  const names = async (store: Storage) =>
    (await store.list({ ...FOOS, namespace: 'default' })).items.map((o) => o.metadata.name).sort();
  let disk: ReturnType<typeof failingFsyncs>;
  let store: Storage;
  beforeEach(async () => {
    disk = failingFsyncs();
    store = await stores.open({ sync: 'per-object', diskOps: disk.ops, writeProbeIntervalMs: 10 });
  });

  it('does not serve a create whose directory fsync failed, and removes its file before it is ready again', async () => {
    await store.create(keyOf('a'), foo('a'));
    disk.fail.dirs = true;
    const err = await failureOf(store.create(keyOf('b'), foo('b')));
    expect(err).toBeInstanceOf(StorageWriteFailedError);
    expect(err.message).toBe(IO_ERROR);
    expect(store.ready()).toBe(false);
    expect(store.notReadyReason?.()).toBe(IO_ERROR);
    await expect(store.get(keyOf('b'))).rejects.toThrow(NotFoundError);
    // The rename had happened: this is the case that needs undoing.
    expect(await onDisk('b')).toMatchObject({ metadata: { name: 'b' } });

    disk.fail.dirs = false;
    await until('the store to be ready again', () => store.ready());
    await expect(readFile(fileOf('b'))).rejects.toMatchObject({ code: 'ENOENT' });
    await stores.closeAll();
    expect(await names(await stores.open({ sync: 'per-object' }))).toEqual(['a']);
  });

  it('puts back the served version of an update whose directory fsync failed', async () => {
    const a = await store.create(keyOf('a'), foo('a'));
    disk.fail.dirs = true;
    const err = await failureOf(
      store.guaranteedUpdate(keyOf('a'), (cur) => ({ ...cur, spec: { replicas: 7 } })),
    );
    expect(err.message).toBe(IO_ERROR);
    expect(await store.get(keyOf('a'))).toEqual(a);
    expect(await onDisk('a')).toMatchObject({ spec: { replicas: 7 } });

    disk.fail.dirs = false;
    await until('the store to be ready again', () => store.ready());
    expect(await onDisk('a')).toEqual(a);
    await stores.closeAll();
    expect(await (await stores.open({ sync: 'per-object' })).get(keyOf('a'))).toEqual(a);
  });

  it('restores the file of a delete whose directory fsync failed: the object is still served', async () => {
    const a = await store.create(keyOf('a'), foo('a'));
    disk.fail.dirs = true;
    expect((await failureOf(store.delete(keyOf('a')))).message).toBe(IO_ERROR);
    expect(await store.get(keyOf('a'))).toEqual(a);
    await expect(readFile(fileOf('a'))).rejects.toMatchObject({ code: 'ENOENT' });

    disk.fail.dirs = false;
    await until('the store to be ready again', () => store.ready());
    expect(await onDisk('a')).toEqual(a);
    await stores.closeAll();
    expect(await (await stores.open({ sync: 'per-object' })).get(keyOf('a'))).toEqual(a);
  });

  it('leaves nothing behind when the fsync of the new file fails, before the rename', async () => {
    await store.create(keyOf('a'), foo('a'));
    disk.fail.files = true;
    expect((await failureOf(store.create(keyOf('b'), foo('b')))).message).toBe(IO_ERROR);
    expect(await readdir(path.dirname(fileOf('a')))).toEqual(['a.json']);
    disk.fail.files = false;
    await until('the store to be ready again', () => store.ready());
    await store.create(keyOf('b'), foo('b'));
    expect(await names(store)).toEqual(['a', 'b']);
  });
});
