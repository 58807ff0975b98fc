/**
 * The write-ahead log of `--file-store-sync=log` (docs/file-store-wal.md), on real files in temp
 * dirs: records and their checksums, group commit (one fdatasync per batch, writes during a sync
 * join the next), a failed batch cut back so it never reappears, a torn tail cut at start-up and
 * never half-applied, damage before the last segment refusing start-up, replay over torn object
 * files, and the object files written behind the log. kill -9 of a real writer process is in
 * file-store.crash.test.ts.
 */
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CorruptError, ExpiredError, StorageWriteFailedError } from '../../src/storage/errors';
import { LogWriter, realLogOps } from '../../src/storage/file/wal/log-writer';
import type { LogOps } from '../../src/storage/file/wal/log-writer';
import { decodeRecords, encodeRecord } from '../../src/storage/file/wal/record';
import type { LogRecord } from '../../src/storage/file/wal/record';
import { readLog, segmentPath, walDir } from '../../src/storage/file/wal/segments';
import { silentLogger } from '../../src/storage/logger';
import { runStorageCommand } from '../../src/storage/migration/storage-command';
import type { KubeObject } from '../../src/storage/interface';
import { foo, keyOf, take } from './contract';
import { tempFileStores } from './temp-file-stores';

const FOOS = { group: 'bar.pwk.educative.io', resource: 'foos' };

function record(rev: number, name: string, type: LogRecord['type'] = 'ADDED', spec = {}): LogRecord {
  const obj = foo(name, 'default', spec);
  const json = JSON.stringify({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } });
  return { ...keyOf(name), rev, type, json };
}

async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const failureOf = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err as Error,
  );

const eio = () =>
  Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO', syscall: 'fdatasync' });

/** Real log operations that count fdatasyncs and can hold or fail them. */
function controlledOps() {
  const state = {
    syncs: 0,
    fail: false,
    hold: undefined as Promise<void> | undefined,
  };
  const ops: LogOps = {
    ...realLogOps,
    async fdatasync(fd) {
      state.syncs++;
      await state.hold;
      if (state.fail) throw eio();
      await realLogOps.fdatasync(fd);
    },
  };
  return { ops, state };
}

describe('write-ahead log records', () => {
  it('decode as they were encoded, unicode included', () => {
    const records = [
      record(1, 'a'),
      record(2, 'b', 'MODIFIED', { note: 'grüße 🚀' }),
      record(3, 'a', 'DELETED'),
    ];
    const buf = Buffer.concat(records.map(encodeRecord));
    expect(decodeRecords(buf)).toEqual({ records, validEnd: buf.length });
  });

  it('stop at a record cut short, a wrong checksum or a malformed header, keeping the ones before', () => {
    const good = encodeRecord(record(1, 'a'));
    const next = encodeRecord(record(2, 'b'));
    const cut = Buffer.concat([good, next.subarray(0, next.length - 3)]);
    expect(decodeRecords(cut)).toMatchObject({ validEnd: good.length, problem: 'a record is cut short' });
    expect(decodeRecords(Buffer.concat([good, next.subarray(0, 5)]))).toMatchObject({
      validEnd: good.length,
      problem: 'a record header is cut short',
    });
    const flipped = Buffer.from(next);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 2) ^ 0x01, flipped.length - 2);
    expect(decodeRecords(Buffer.concat([good, flipped]))).toMatchObject({
      records: [record(1, 'a')],
      validEnd: good.length,
      problem: 'a record does not match its checksum',
    });
    expect(decodeRecords(Buffer.concat([good, Buffer.alloc(64)]))).toMatchObject({
      validEnd: good.length,
      problem: 'a record length of 0 bytes is impossible',
    });
  });
});

describe('write-ahead log writer', () => {
  const stores = tempFileStores('pwk-wal-');

  it('makes concurrent appends durable with one fdatasync per batch; appends during a sync join the next', async () => {
    const { ops, state } = controlledOps();
    const writer = await LogWriter.open({
      dataDir: stores.dataDir,
      firstSeq: 1,
      segmentBytes: 1 << 20,
      onClose: () => {},
      ops,
    });
    let release!: () => void;
    state.hold = new Promise((r) => (release = r));
    const first = writer.append(encodeRecord(record(1, 'a')), 1);
    await until('the first batch to sync', () => state.syncs === 1);
    // Arriving while that sync runs: all of them wait for the next one.
    const during = Array.from({ length: 50 }, (_, i) =>
      writer.append(encodeRecord(record(i + 2, `n${i}`)), i + 2),
    );
    let settled = 0;
    during.forEach((p) => void p.then(() => settled++));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(0);
    release();
    await first;
    await Promise.all(during);
    expect(state.syncs).toBe(2);
    await writer.close();
    const { segments } = readLog(stores.dataDir, silentLogger);
    expect(segments.map((s) => s.records.length)).toEqual([51]);
  });

  it('fails every append of a failed batch and cuts it off, so it is not replayed', async () => {
    const { ops, state } = controlledOps();
    const writer = await LogWriter.open({
      dataDir: stores.dataDir,
      firstSeq: 1,
      segmentBytes: 1 << 20,
      onClose: () => {},
      ops,
    });
    await writer.append(encodeRecord(record(1, 'a')), 1);
    const goodSize = (await stat(segmentPath(stores.dataDir, 1))).size;
    state.fail = true;
    const failed = await failureOf(writer.append(encodeRecord(record(2, 'b')), 2));
    expect((failed as NodeJS.ErrnoException).code).toBe('EIO');
    expect((await stat(segmentPath(stores.dataDir, 1))).size).toBe(goodSize);
    state.fail = false;
    await writer.append(encodeRecord(record(3, 'c')), 3);
    await writer.close();
    const { segments } = readLog(stores.dataDir, silentLogger);
    expect(segments[0]!.records.map((r) => r.name)).toEqual(['a', 'c']);
  });

  it('closes a full segment and continues in the next, telling of the closed one', async () => {
    const closed: number[] = [];
    const writer = await LogWriter.open({
      dataDir: stores.dataDir,
      firstSeq: 7,
      segmentBytes: 1,
      onClose: (s) => closed.push(s.seq),
    });
    for (let rev = 1; rev <= 3; rev++) await writer.append(encodeRecord(record(rev, `n${rev}`)), rev);
    await writer.close();
    expect(closed).toEqual([7, 8]);
    const { segments } = readLog(stores.dataDir, silentLogger);
    expect(segments.map((s) => [s.seq, s.lastRev])).toEqual([
      [7, 1],
      [8, 2],
      [9, 3],
    ]);
  });
});

describe('file store with the write-ahead log', () => {
  const stores = tempFileStores('pwk-wal-store-');
  const fileOf = (name: string, namespace = 'default') =>
    path.join(stores.dataDir, FOOS.group, FOOS.resource, namespace, `${name}.json`);
  const exists = (file: string) =>
    stat(file).then(
      () => true,
      () => false,
    );
  const segmentsLeft = async () =>
    (await readdir(walDir(stores.dataDir)).catch(() => [])).filter((n) => n.endsWith('.log'));

  /** Writes segments as a killed writer would have left them. */
  async function leaveLog(segments: Buffer[]): Promise<void> {
    await mkdir(walDir(stores.dataDir), { recursive: true });
    for (const [i, data] of segments.entries()) await writeFile(segmentPath(stores.dataDir, i + 1), data);
  }

  it('writes the object files behind the log, and removes an emptied namespace directory', async () => {
    const store = await stores.open({ sync: 'log' });
    const created = await store.create(keyOf('a', 'team'), foo('a', 'team'));
    await until('the file to be written', () => exists(fileOf('a', 'team')));
    expect(await readFile(fileOf('a', 'team'), 'utf8')).toBe(JSON.stringify(created));
    await store.delete(keyOf('a', 'team'));
    await until(
      'the namespace directory to go',
      async () => !(await exists(path.dirname(fileOf('a', 'team')))),
    );
  });

  it('retries a file it could not write, says so once, and writes it once it can', async () => {
    const said: Array<[string, string]> = [];
    const logger = {
      info: (message: string) => said.push(['info', message]),
      warn: (message: string) => said.push(['warn', message]),
      error: (message: string) => said.push(['error', message]),
    };
    // A plain file where the namespace's directory belongs: the object's file cannot be made.
    const blocker = path.dirname(fileOf('a', 'blocked'));
    await mkdir(path.dirname(blocker), { recursive: true });
    await writeFile(blocker, 'in the way');
    const store = await stores.open({ sync: 'log', logger });
    // Acknowledged by the log all the same, and served.
    const created = await store.create(keyOf('a', 'blocked'), foo('a', 'blocked'));
    await store.create(keyOf('b', 'blocked'), foo('b', 'blocked'));
    expect((await store.get(keyOf('a', 'blocked'))).metadata.uid).toBe(created.metadata.uid);
    await until('the failure to be told', () =>
      said.some(([, message]) => message.includes('failed; retrying')),
    );
    await rm(blocker);
    await until('the file to be written', () => exists(fileOf('a', 'blocked')));
    await until('the second file too', () => exists(fileOf('b', 'blocked')));
    expect(await readFile(fileOf('a', 'blocked'), 'utf8')).toBe(JSON.stringify(created));
    const told = said.filter(([, message]) => message.includes('behind the log'));
    expect(told).toEqual([
      ['warn', 'file store: writing object files behind the log failed; retrying'],
      ['info', 'file store: writing object files behind the log works again'],
    ]);
  });

  (process.platform === 'linux' ? it : it.skip)(
    'writes the files on a thread of the lowest scheduling priority, not on the event loop',
    async () => {
      const store = await stores.open({ sync: 'log' });
      await store.create(keyOf('a'), foo('a'));
      await until('the file to be written', () => exists(fileOf('a')));
      // /proc/self/task/<tid>/stat: the nice value is the 19th field (after the parenthesised name).
      const niceOf = async (tid: string) => {
        const stat = await readFile(`/proc/self/task/${tid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      };
      const tids = await readdir('/proc/self/task');
      const nices = await Promise.all(tids.map(niceOf));
      expect(await niceOf(String(process.pid))).toBe(0);
      expect(nices).toContain(19);
    },
  );

  it('cuts a torn tail at start-up and applies no part of the torn record', async () => {
    const good = Buffer.concat([encodeRecord(record(5, 'a')), encodeRecord(record(6, 'b'))]);
    const torn = encodeRecord(record(7, 'a', 'MODIFIED', { replicas: 9 }));
    await leaveLog([Buffer.concat([good, torn.subarray(0, torn.length - 10)])]);
    const warnings: string[] = [];
    const store = await stores.open({
      sync: 'log',
      logger: { ...silentLogger, warn: (m: string) => warnings.push(m) },
    });
    expect(warnings).toEqual(['file store: truncated the torn tail of the write-ahead log']);
    expect((await stat(segmentPath(stores.dataDir, 1))).size).toBe(good.length);
    const a = await store.get(keyOf('a'));
    expect(a.metadata.resourceVersion).toBe('5');
    expect((a.spec as { replicas: number }).replicas).toBe(1);
    expect(await store.currentRevision()).toBeGreaterThanOrEqual(6);
    const next = await store.create(keyOf('c'), foo('c'));
    expect(Number(next.metadata.resourceVersion)).toBeGreaterThan(6);
  });

  it('refuses to start when a segment before the last is damaged', async () => {
    const damaged = encodeRecord(record(1, 'a'));
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 1) ^ 0xff, damaged.length - 1);
    await leaveLog([damaged, encodeRecord(record(2, 'b'))]);
    const err = await failureOf(stores.open({ sync: 'log' }));
    expect(err).toBeInstanceOf(CorruptError);
    expect(err.message).toContain('is damaged at byte 0');
  });

  it('replays the log over object files a crash left torn or stale, without quarantining them, and writes them', async () => {
    await mkdir(path.dirname(fileOf('a')), { recursive: true });
    await writeFile(fileOf('a'), '{"apiVersion":'); // renamed into place, never synced
    await writeFile(fileOf('gone'), JSON.stringify(JSON.parse(record(1, 'gone').json)));
    await writeFile(fileOf('kept'), JSON.stringify(JSON.parse(record(2, 'kept').json)));
    await leaveLog([
      Buffer.concat([
        encodeRecord(record(1, 'gone')),
        encodeRecord(record(3, 'a')),
        encodeRecord(record(4, 'a', 'MODIFIED', { replicas: 4 })),
        encodeRecord(record(5, 'gone', 'DELETED')),
      ]),
    ]);
    const warnings: string[] = [];
    const store = await stores.open({
      sync: 'log',
      logRetainBytes: 0,
      logger: { ...silentLogger, warn: (m: string) => warnings.push(m) },
    });
    expect(warnings).toEqual([]);
    const names = (await store.list({ ...FOOS })).items.map((o: KubeObject) => o.metadata.name);
    expect(names).toEqual(['a', 'kept']);
    expect((await store.get(keyOf('a'))).metadata.resourceVersion).toBe('4');
    // Only the segment this run writes to is left.
    await until('the replayed segment to be retired', async () =>
      (await segmentsLeft()).every((n) => n !== '0000000000000001.log'),
    );
    expect(JSON.parse(await readFile(fileOf('a'), 'utf8'))).toMatchObject({ spec: { replicas: 4 } });
    expect(await exists(fileOf('gone'))).toBe(false);
  });

  it('with per-object sync, materialises and retires a log left by an earlier run before it takes writes', async () => {
    await leaveLog([encodeRecord(record(3, 'a'))]);
    const store = await stores.open({ sync: 'per-object' });
    expect(await segmentsLeft()).toEqual([]);
    expect(JSON.parse(await readFile(fileOf('a'), 'utf8'))).toMatchObject({
      metadata: { resourceVersion: '3' },
    });
    await store.delete(keyOf('a'));
    await stores.closeAll();
    const again = await stores.open({ sync: 'per-object' });
    await expect(again.get(keyOf('a'))).rejects.toThrow('not found');
  });

  it('rebuilds the event window from the retained log: a watch from before a restart gets the events since', async () => {
    const first = await stores.open({ sync: 'log' });
    const a = await first.create(keyOf('a'), foo('a'));
    await first.create(keyOf('b'), foo('b', 'default', { replicas: 2 }));
    await first.guaranteedUpdate(keyOf('a'), (cur) => ({ ...cur, spec: { replicas: 7 } }));
    await first.delete(keyOf('b'));
    await stores.closeAll();

    const store = await stores.open({ sync: 'log' });
    const watch = await store.watch({ ...FOOS, fromRevision: Number(a.metadata.resourceVersion) });
    const events = await take(watch, 3);
    watch.close();
    expect(events.map((e) => `${e.type} ${e.object.metadata.name} ${JSON.stringify(e.object.spec)}`)).toEqual(
      ['ADDED b {"replicas":2}', 'MODIFIED a {"replicas":7}', 'DELETED b {"replicas":2}'],
    );
    // Older revisions are served from the previous states the records carry.
    const then = await store.list({
      ...FOOS,
      resourceVersion: Number(a.metadata.resourceVersion),
      resourceVersionMatch: 'Exact',
    });
    expect(then.items).toEqual([a]);
  });

  it('after a clean close, replays the log into the event window but rewrites no file', async () => {
    const first = await stores.open({ sync: 'log' });
    for (const name of ['a', 'b', 'c']) await first.create(keyOf(name), foo(name));
    await stores.closeAll();
    const loaded: Array<Record<string, unknown>> = [];
    const store = await stores.open({
      sync: 'log',
      logger: {
        ...silentLogger,
        info: (m: string, f?: Record<string, unknown>) =>
          void (m === 'file store loaded' && loaded.push(f ?? {})),
      },
    });
    expect(loaded).toEqual([expect.objectContaining({ replayedRecords: 3, replayedKeys: 0 })]);
    const names = (await store.list({ ...FOOS })).items.map((o: KubeObject) => o.metadata.name);
    expect(names).toEqual(['a', 'b', 'c']);
  });

  it('is shown by pwk-storage log, read only: segments, records, revisions, a torn tail', async () => {
    const good = Buffer.concat([encodeRecord(record(5, 'a')), encodeRecord(record(6, 'b'))]);
    await leaveLog([encodeRecord(record(4, 'z')), Buffer.concat([good, Buffer.from([1, 2, 3])])]);
    const out: string[] = [];
    const code = await runStorageCommand(
      ['log', '--from', `file:${stores.dataDir}`],
      { out: (l) => out.push(l), err: () => {} },
      [],
    );
    expect(code).toBe(0);
    expect(out).toEqual([
      `write-ahead log of ${stores.dataDir}: 2 segments, ${good.length + 3 + encodeRecord(record(4, 'z')).length} bytes, 3 records, revisions 4-6; object files hold every record up to revision 0`,
      `  0000000000000001.log  ${encodeRecord(record(4, 'z')).length} bytes  1 records  revisions 4-4`,
      `  0000000000000002.log  ${good.length + 3} bytes  2 records  revisions 5-6; bad record at byte ${good.length}: a record header is cut short`,
    ]);
    // Nothing was cut: that is for the store's next start.
    expect((await stat(segmentPath(stores.dataDir, 2))).size).toBe(good.length + 3);
    const usage: string[] = [];
    expect(
      await runStorageCommand(
        ['log', '--from', 'etcd://x:2379'],
        { out: () => {}, err: (l) => usage.push(l) },
        [],
      ),
    ).toBe(2);
    expect(usage).toEqual(['pwk-storage: log takes --from file:<data-dir> only (see --help)']);
  });

  it('keeps the log within its bounds: history older than the retained segments is Expired', async () => {
    const first = await stores.open({ sync: 'log', logSegmentBytes: 1024, logRetainBytes: 4096 });
    const a = await first.create(keyOf('a'), foo('a'));
    for (let i = 0; i < 40; i++)
      await first.guaranteedUpdate(keyOf('a'), (cur) => ({ ...cur, spec: { replicas: i } }));
    await stores.closeAll();
    const bytes = await Promise.all(
      (await segmentsLeft()).map(async (n) => (await stat(path.join(walDir(stores.dataDir), n))).size),
    );
    expect(bytes.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(4096 + 2048);

    const store = await stores.open({ sync: 'log', logSegmentBytes: 1024, logRetainBytes: 4096 });
    await expect(store.watch({ ...FOOS, fromRevision: Number(a.metadata.resourceVersion) })).rejects.toThrow(
      ExpiredError,
    );
    const current = await store.get(keyOf('a'));
    expect(current.spec).toEqual({ replicas: 39 });
    const recent = await store.watch({ ...FOOS, fromRevision: Number(current.metadata.resourceVersion) - 1 });
    expect((await take(recent, 1)).map((e) => e.object.spec)).toEqual([{ replicas: 39 }]);
    recent.close();
  });

  it('answers a write whose log sync failed with what failed, is not ready, and recovers', async () => {
    const { ops, state } = controlledOps();
    const store = await stores.open({ sync: 'log', logOps: ops, writeProbeIntervalMs: 10 });
    await store.create(keyOf('a'), foo('a'));
    state.fail = true;
    const err = await failureOf(store.create(keyOf('b'), foo('b')));
    expect(err).toBeInstanceOf(StorageWriteFailedError);
    expect(err.message).toBe('storage write failed: input/output error');
    expect(store.ready()).toBe(false);
    await expect(store.get(keyOf('b'))).rejects.toThrow('not found');
    state.fail = false;
    await until('the store to be ready again', () => store.ready());
    await store.create(keyOf('c'), foo('c'));
    await stores.closeAll();
    const again = await stores.open({ sync: 'log' });
    const names = (await again.list({ ...FOOS })).items.map((o: KubeObject) => o.metadata.name);
    expect(names).toEqual(['a', 'c']);
  });

  it('leaves every object file up to date after close, and no segment beyond its bounds', async () => {
    const store = await stores.open({ sync: 'log', logSegmentBytes: 2048, logRetainBytes: 0 });
    const written = await Promise.all(
      Array.from({ length: 40 }, (_, i) => store.create(keyOf(`n${i}`), foo(`n${i}`))),
    );
    await stores.closeAll();
    expect(await segmentsLeft()).toEqual([]);
    for (const obj of written) {
      expect(await readFile(fileOf(obj.metadata.name!), 'utf8')).toBe(JSON.stringify(obj));
    }
  });
});
