/** What only the file backend promises: its layout on disk, restarts, the lock, and recovery. */
import { mkdir, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadedObjectCheck } from '../../src/server/loaded-object-check';
import { CorruptError, ExpiredError, InvalidKeyError } from '../../src/storage/errors';
import { DataDirLockedError } from '../../src/storage/file/data-dir-lock';
import { createFileStorage } from '../../src/storage/file/file-storage';
import type { FileStorageOptions } from '../../src/storage/file/file-storage';
import { objectPath } from '../../src/storage/file/paths';
import { FILE_STORE_SYNC_MODES } from '../../src/storage/file/sync-mode';
import type { FileStoreSync } from '../../src/storage/file/sync-mode';
import { foo, keyOf, rv, take } from './contract';
import { tempFileStores } from './temp-file-stores';
import { startWorker } from './worker-process';

const FOOS = { group: 'bar.pwk.educative.io', resource: 'foos' };

/** Field 3 of /proc/<pid>/stat (R, S, Z, …), or undefined once the process is gone. */
async function processState(pid: number): Promise<string | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return text?.slice(text.lastIndexOf(')') + 2).split(' ')[0];
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 20));
}

/**
 * Checks the files a write leaves. With per-object sync they are right when the write is
 * answered; with the log they follow within the materialiser's delay, so the check is retried
 * until it holds (and fails with its own message after 10 s).
 */
async function filesShow(sync: FileStoreSync, check: () => Promise<void>): Promise<void> {
  if (sync === 'per-object') return check();
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

describe('file store', () => {
  const stores = tempFileStores('pwk-file-');
  const openStore = (options?: Partial<FileStorageOptions>) => stores.open(options);
  const recordingLogger = () => {
    const warnings: Array<{ message: string; meta?: Record<string, unknown> }> = [];
    return {
      warnings,
      logger: {
        info: () => {},
        error: () => {},
        warn: (message: string, meta?: Record<string, unknown>) => warnings.push({ message, meta }),
      },
    };
  };

  describe.each(FILE_STORE_SYNC_MODES)('layout (sync %s)', (sync) => {
    const openSynced = () => openStore({ sync });
    it('keeps each object at <data-dir>/<group>/<resource>/<namespace>/<name>.json, exactly as GET returns it', async () => {
      const store = await openSynced();
      const created = await store.create(keyOf('demo-foo'), foo('demo-foo'));
      const file = path.join(stores.dataDir, 'bar.pwk.educative.io', 'foos', 'default', 'demo-foo.json');
      await filesShow(sync, async () => expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(created));
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(await store.get(keyOf('demo-foo')));
    });

    it('removes the file on delete, and the namespace directory with its last object', async () => {
      const store = await openSynced();
      const foos = path.join(stores.dataDir, 'bar.pwk.educative.io', 'foos');
      await store.create(keyOf('demo-foo'), foo('demo-foo'));
      await store.create(keyOf('other-foo'), foo('other-foo'));
      await store.delete(keyOf('demo-foo'));
      await filesShow(sync, async () =>
        expect(await readdir(path.join(foos, 'default'))).toEqual(['other-foo.json']),
      );
      await store.delete(keyOf('other-foo'));
      await filesShow(sync, async () => expect(await readdir(foos)).toEqual([]));
      // The namespace can be written again at once.
      await store.create(keyOf('demo-foo'), foo('demo-foo'));
      await filesShow(sync, async () =>
        expect(await readdir(path.join(foos, 'default'))).toEqual(['demo-foo.json']),
      );
    });

    it('never loses a create that races the deletion of its namespace’s last object', async () => {
      const store = await openSynced();
      for (let round = 0; round < 30; round++) {
        await store.create(keyOf(`last-${round}`, 'racing'), foo(`last-${round}`, 'racing'));
        const [, created] = await Promise.all([
          store.delete(keyOf(`last-${round}`, 'racing')),
          store.create(keyOf(`new-${round}`, 'racing'), foo(`new-${round}`, 'racing')),
        ]);
        const file = path.join(stores.dataDir, 'bar.pwk.educative.io', 'foos', 'racing', `new-${round}.json`);
        await filesShow(sync, async () => expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(created));
        await store.delete(keyOf(`new-${round}`, 'racing'));
      }
      await store.close();
      const again = await openSynced();
      expect((await again.list({ ...FOOS, namespace: 'racing' })).items).toEqual([]);
    });

    it('shortens names too long for a file name and loads them back', async () => {
      const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
      const store = await openSynced();
      await store.create(keyOf(long), foo(long));
      const dir = path.join(stores.dataDir, 'bar.pwk.educative.io', 'foos', 'default');
      await filesShow(sync, async () => expect(await readdir(dir)).toHaveLength(1));
      const files = await readdir(dir);
      expect(Buffer.byteLength(files[0]!)).toBeLessThanOrEqual(255);
      await store.close();
      const again = await openSynced();
      expect((await again.get(keyOf(long))).metadata.name).toBe(long);
    });

    it('never builds a path outside the data dir, even when handed an unvalidated name', () => {
      for (const name of ['..', '../../etc/passwd', '/etc/passwd']) {
        expect(() => objectPath(stores.dataDir, { ...FOOS, namespace: '..', name })).toThrow(InvalidKeyError);
      }
      expect(() => objectPath(stores.dataDir, { ...FOOS, namespace: '', name: '../../../x' })).toThrow(
        InvalidKeyError,
      );
    });

    it('writes nothing anywhere for refused keys', async () => {
      const store = await openSynced();
      for (const name of ['../escape', 'a/b', '%2F', 'nul\u0000', 'x'.repeat(300)]) {
        await expect(
          store.create(keyOf(name), { ...foo('x'), metadata: { name, namespace: 'default' } }),
        ).rejects.toThrow(InvalidKeyError);
      }
      expect((await readdir(stores.root)).sort()).toEqual(['data']);
      expect((await readdir(stores.dataDir)).filter((f) => !f.startsWith('.')).sort()).toEqual([]);
    });
  });

  describe('restart', () => {
    it('serves every object again with the same resourceVersion', async () => {
      const store = await openStore();
      const a = await store.create(keyOf('a'), foo('a'));
      const b = await store.create(keyOf('b', 'other'), foo('b', 'other'));
      await store.close();
      const again = await openStore();
      expect((await again.list(FOOS)).items).toEqual(
        [b, a].sort((x, y) => (x.metadata.namespace! < y.metadata.namespace! ? -1 : 1)),
      );
    });

    it('never reuses a revision after restarting, even when the newest object was deleted', async () => {
      const store = await openStore();
      await store.create(keyOf('a'), foo('a'));
      const deleted = await store.delete(keyOf('a'));
      await store.close();
      const again = await openStore();
      expect(await again.currentRevision()).toBeGreaterThanOrEqual(rv(deleted));
      expect(rv(await again.create(keyOf('b'), foo('b')))).toBeGreaterThan(rv(deleted));
    });

    it('keeps revisions climbing over many restarts with small reservation blocks', async () => {
      let last = 0;
      for (let i = 0; i < 5; i++) {
        const store = await openStore({ revisionBlock: 3 });
        for (let j = 0; j < 7; j++) {
          const created = await store.create(keyOf(`o-${i}-${j}`), foo(`o-${i}-${j}`));
          expect(rv(created)).toBeGreaterThan(last);
          last = rv(created);
        }
        await stores.closeAll();
      }
    });

    it('answers a watch from before the restart with Expired or a correct replay, never missing events', async () => {
      const store = await openStore();
      const seen = await store.create(keyOf('a'), foo('a'));
      await store.close();
      const again = await openStore();
      const result = await again.watch({ ...FOOS, fromRevision: rv(seen) }).catch((e: unknown) => e);
      const next = await again.create(keyOf('b'), foo('b'));
      if (result instanceof ExpiredError) return;
      // Had the store accepted the watch, the next event would have to be the very next change.
      const events = await take(result as never, 1);
      expect(events[0]!.revision).toBe(rv(next));
    });

    it('refuses to start on an unreadable revision file instead of guessing', async () => {
      const store = await openStore();
      await store.create(keyOf('a'), foo('a'));
      await store.close();
      await writeFile(path.join(stores.dataDir, '.revision'), 'garbage');
      await expect(createFileStorage({ dataDir: stores.dataDir })).rejects.toBeInstanceOf(CorruptError);
      // The failed start released the lock: a repaired dir opens.
      await rm(path.join(stores.dataDir, '.revision'));
      const again = await openStore();
      expect(rv(await again.create(keyOf('b'), foo('b')))).toBeGreaterThan(1);
    });
  });

  describe('leftovers at start-up', () => {
    const nsDir = () => path.join(stores.dataDir, 'bar.pwk.educative.io', 'foos', 'default');

    it('removes temp files and quarantines unreadable or misplaced files, serving only good ones', async () => {
      const store = await openStore();
      const good = await store.create(keyOf('good'), foo('good'));
      await store.close();
      const misplaced = { ...good, metadata: { ...good.metadata, name: 'someone-else' } };
      const wrongNs = { ...good, metadata: { ...good.metadata, name: 'wrong-ns', namespace: 'other' } };
      const noRv = { ...good, metadata: { ...good.metadata, name: 'no-rv', resourceVersion: undefined } };
      await writeFile(path.join(nsDir(), 'torn.json'), '{"apiVersion":"bar.pwk.educ');
      await writeFile(path.join(nsDir(), 'misplaced.json'), JSON.stringify(misplaced));
      await writeFile(path.join(nsDir(), 'wrong-ns.json'), JSON.stringify(wrongNs));
      await writeFile(path.join(nsDir(), 'no-rv.json'), JSON.stringify(noRv));
      await writeFile(path.join(nsDir(), '.tmp-0123456789abcdef'), '{"half":');
      await writeFile(path.join(stores.dataDir, '.tmp-fedcba9876543210'), '{"reserved":');

      const { warnings, logger } = recordingLogger();
      const again = await openStore({ logger });
      expect((await again.list(FOOS)).items).toEqual([good]);
      expect((await readdir(nsDir())).sort()).toEqual(['good.json']);
      expect((await readdir(stores.dataDir)).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
      const quarantined = await readdir(
        path.join(stores.dataDir, 'quarantine', 'bar.pwk.educative.io', 'foos', 'default'),
      );
      expect(quarantined.map((f) => f.split('.json')[0]).sort()).toEqual([
        'misplaced',
        'no-rv',
        'torn',
        'wrong-ns',
      ]);
      expect(warnings.filter((w) => w.message.includes('quarantined'))).toHaveLength(4);
      expect(warnings.map((w) => String(w.meta?.path))).toEqual(
        expect.arrayContaining([path.join(nsDir(), 'torn.json')]),
      );
    });

    it('quarantines objects that fail their schema (hand-edited), with the reason, and serves the rest', async () => {
      const store = await openStore();
      const good = await store.create(keyOf('good'), foo('good'));
      const lots = await store.create(keyOf('lots'), foo('lots'));
      const colour = await store.create(keyOf('colour'), foo('colour'));
      await store.close();
      await writeFile(
        path.join(nsDir(), 'lots.json'),
        JSON.stringify({ ...lots, spec: { replicas: 'lots' } }),
      );
      await writeFile(
        path.join(nsDir(), 'colour.json'),
        JSON.stringify({ ...colour, spec: { replicas: 1, colour: 'red' } }),
      );

      const { warnings, logger } = recordingLogger();
      const again = await openStore({ logger, checkLoaded: loadedObjectCheck });
      expect((await again.list(FOOS)).items).toEqual([good]);
      expect(
        await readdir(path.join(stores.dataDir, 'quarantine', 'bar.pwk.educative.io', 'foos', 'default')),
      ).toEqual([expect.stringMatching(/^colour\.json\./), expect.stringMatching(/^lots\.json\./)]);
      expect(warnings.map((w) => w.meta?.reason).sort()).toEqual([
        'does not match its schema: spec.replicas: Invalid value: "lots": must be of type integer',
        'does not match its schema: unknown field "spec.colour"',
      ]);
      // What is served is what was checked: a restart serves the same.
      await stores.closeAll();
      expect((await (await openStore({ checkLoaded: loadedObjectCheck })).list(FOOS)).items).toEqual([good]);
    });

    it('keeps the quarantined bytes for the operator', async () => {
      await mkdir(nsDir(), { recursive: true });
      await writeFile(path.join(nsDir(), 'torn.json'), 'half a foo');
      await openStore();
      const dir = path.join(stores.dataDir, 'quarantine', 'bar.pwk.educative.io', 'foos', 'default');
      const [file] = await readdir(dir);
      expect(await readFile(path.join(dir, file!), 'utf8')).toBe('half a foo');
    });
  });

  describe('data-dir lock', () => {
    it('refuses a second store on the same dir in the same process', async () => {
      await openStore();
      const err = await createFileStorage({ dataDir: stores.dataDir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataDirLockedError);
      expect((err as Error).message).toContain(
        `data directory ${stores.dataDir} is locked by another pwk-apiserver (pid ${process.pid}`,
      );
    });

    it('refuses a second process while the first holds the dir, and lets it in once released', async () => {
      const store = await openStore();
      const refused = startWorker(stores.dataDir, 'hold');
      expect(await refused.waitFor('REFUSED', 'READY')).toContain('is locked by another pwk-apiserver');
      expect(await refused.exited).toBe(3);
      await store.close();
      const admitted = startWorker(stores.dataDir, 'hold');
      try {
        expect(await admitted.waitFor('REFUSED', 'READY')).toMatch(/^READY/);
      } finally {
        admitted.child.kill('SIGKILL');
        await admitted.exited;
      }
    });

    it('takes over the lock of a process that was killed', async () => {
      const holder = startWorker(stores.dataDir, 'hold');
      await holder.waitFor('READY');
      await expect(createFileStorage({ dataDir: stores.dataDir })).rejects.toBeInstanceOf(DataDirLockedError);
      holder.child.kill('SIGKILL');
      await holder.exited;
      const store = await openStore();
      expect(store.ready()).toBe(true);
    });

    it('takes over the lock of a killed process that its parent has not reaped (a zombie)', async () => {
      const holder = startWorker(stores.dataDir, 'hold', { unreapedParent: true });
      try {
        const pid = Number((await holder.waitFor('PID')).split(' ')[1]);
        await holder.waitFor('READY');
        process.kill(pid, 'SIGKILL');
        await until(async () => (await processState(pid)) === 'Z');

        const store = await openStore();

        expect(store.ready()).toBe(true);
        expect(await processState(pid)).toBe('Z');
      } finally {
        holder.child.kill('SIGKILL');
        await holder.exited;
      }
    });

    it('treats a lock from another host as live until its heartbeat goes stale', async () => {
      await mkdir(stores.dataDir, { recursive: true });
      const lockFile = path.join(stores.dataDir, '.lock');
      const foreign = { token: 't', pid: 1, startTime: '1', bootId: 'b', hostname: 'another-node' };
      await writeFile(lockFile, JSON.stringify(foreign));
      await expect(
        createFileStorage({ dataDir: stores.dataDir, lock: { staleAfterMs: 60_000 } }),
      ).rejects.toThrow(/pid 1 on another-node/);
      const old = new Date(Date.now() - 120_000);
      await utimes(lockFile, old, old);
      const store = await openStore({ lock: { staleAfterMs: 60_000 } });
      expect(store.ready()).toBe(true);
      expect(JSON.parse(await readFile(lockFile, 'utf8')).pid).toBe(process.pid);
    });

    it('releases the lock file on close', async () => {
      const store = await openStore();
      await store.close();
      await expect(stat(path.join(stores.dataDir, '.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });
});
