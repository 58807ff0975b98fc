/**
 * Crash safety with real processes and real SIGKILLs: a child writes with 16-way concurrency
 * and is killed at a random moment, many times over the same data dir. After every kill the
 * store must hold every acknowledged write (or the one write that was in flight for its key),
 * serve no torn or temp file, and never hand out a revision at or below one already acknowledged;
 * once closed, the object files hold exactly what it served. Run for both sync modes; with the
 * write-ahead log, segments are small so that segments are closed and retired between kills.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createFileStorage } from '../../src/storage/file/file-storage';
import type { FileStoreSync } from '../../src/storage/file/file-storage';
import type { KubeObject } from '../../src/storage/interface';
import { take } from './contract';
import { startWorker } from './worker-process';

const ROUNDS = 12;
const GROUP = 'bar.pwk.educative.io';

interface KeyState {
  exists: boolean;
  replicas?: number;
  rv?: number;
}

interface KeyModel {
  acked: KeyState;
  inflight?: { op: string; replicas: number };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out;
}

function possibleStates(model: KeyModel): KeyState[] {
  const states = [model.acked];
  if (model.inflight) {
    const { op, replicas } = model.inflight;
    states.push(op === 'delete' ? { exists: false } : { exists: true, replicas });
  }
  return states;
}

const LOG_SEGMENT_BYTES = 64 * 1024;

describe.each<FileStoreSync>(['per-object', 'log'])('file store under SIGKILL (sync %s)', (sync) => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pwk-crash-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it(`keeps every acknowledged write across ${ROUNDS} kill -9 rounds`, async () => {
    const models = new Map<string, KeyModel>();
    let highestAcked = 0;
    let totalAcks = 0;
    const ackedRevisions = new Set<number>();
    let replayedRecords = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const worker = startWorker(dataDir, 'write', { sync, logSegmentBytes: LOG_SEGMENT_BYTES });
      await worker.waitFor('READY');
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 500));
      worker.child.kill('SIGKILL');
      expect(await worker.exited).toBeNull();
      expect(worker.lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);

      // Acknowledgements of concurrent writers may be printed out of revision order, but every
      // one of this round must be above everything acknowledged before the crash.
      const floor = highestAcked;
      const roundAcked = new Set<number>();
      for (const line of worker.lines) {
        const [kind, op, id, replicas, rv] = line.split(' ');
        if (kind !== 'BEGIN' && kind !== 'ACK') continue;
        const model = models.get(id!) ?? { acked: { exists: false } };
        models.set(id!, model);
        if (kind === 'BEGIN') {
          model.inflight = { op: op!, replicas: Number(replicas) };
        } else {
          totalAcks++;
          const revision = Number(rv);
          expect(revision).toBeGreaterThan(floor);
          expect(ackedRevisions.has(revision)).toBe(false);
          ackedRevisions.add(revision);
          roundAcked.add(revision);
          highestAcked = Math.max(highestAcked, revision);
          model.acked =
            op === 'delete'
              ? { exists: false, rv: revision }
              : { exists: true, replicas: Number(replicas), rv: revision };
          model.inflight = undefined;
        }
      }

      const warnings: string[] = [];
      const logger = {
        info: (m: string, fields?: Record<string, unknown>) => {
          if (m === 'file store loaded') replayedRecords += Number(fields?.replayedRecords ?? 0);
        },
        error: () => {},
        warn: (m: string) => warnings.push(m),
      };
      const store = await createFileStorage({ dataDir, logger, sync, logSegmentBytes: LOG_SEGMENT_BYTES });
      let served: KubeObject[] = [];
      try {
        // No torn file was found (it would have been quarantined); a torn tail of the log is cut
        // (with a warning) and is never an acknowledged write.
        expect(warnings.filter((w) => !w.includes('torn tail of the write-ahead log'))).toEqual([]);

        const list = await store.list({ group: GROUP, resource: 'foos' });
        served = list.items;
        const actual = new Map<string, KubeObject>(
          list.items.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]),
        );
        for (const [id, model] of models) {
          const obj = actual.get(id);
          const state: KeyState = obj
            ? {
                exists: true,
                replicas: (obj.spec as { replicas: number }).replicas,
                rv: Number(obj.metadata.resourceVersion),
              }
            : { exists: false };
          const allowed = possibleStates(model).some(
            (s) => s.exists === state.exists && (!s.exists || s.replicas === state.replicas),
          );
          if (!allowed)
            throw new Error(
              `round ${round}: ${id} is ${JSON.stringify(state)}, expected ${JSON.stringify(model)}`,
            );
          if (state.exists && model.acked.exists && state.replicas === model.acked.replicas) {
            expect(state.rv).toBe(model.acked.rv);
          }
          models.set(id, { acked: state });
        }
        for (const id of actual.keys()) expect(models.has(id)).toBe(true);

        // Revisions keep climbing past everything acknowledged, across the crash.
        expect(await store.currentRevision()).toBeGreaterThanOrEqual(highestAcked);
        if (sync === 'log') {
          // The retained log rebuilt the event window: a watch from before the kill gets every
          // write acknowledged since, in revision order.
          const watch = await store.watch({ group: GROUP, resource: 'foos', fromRevision: floor });
          const missing = new Set(roundAcked);
          let last = floor;
          while (missing.size > 0) {
            const [event] = await take(watch, 1);
            expect(event!.revision).toBeGreaterThan(last);
            last = event!.revision;
            missing.delete(event!.revision);
          }
          watch.close();
        }
        const probe = await store.create(
          { group: GROUP, resource: 'probes', namespace: 'default', name: `after-round-${round}` },
          { metadata: { name: `after-round-${round}`, namespace: 'default' } },
        );
        expect(Number(probe.metadata.resourceVersion)).toBeGreaterThan(highestAcked);
        highestAcked = Number(probe.metadata.resourceVersion);
      } finally {
        await store.close();
      }
      // No temp file is left (the killed writer's were removed at start-up), nothing quarantined.
      const files = await walk(dataDir);
      expect(files.filter((f) => path.basename(f).startsWith('.tmp-'))).toEqual([]);
      expect(files.filter((f) => f.includes(`${path.sep}quarantine${path.sep}`))).toEqual([]);
      // What an outside reader of the closed data dir sees: every object served, as served.
      const onDisk = new Map<string, string>();
      for (const file of await walk(path.join(dataDir, GROUP, 'foos'))) {
        const text = await readFile(file, 'utf8');
        const obj = JSON.parse(text) as KubeObject;
        onDisk.set(`${obj.metadata.namespace}/${obj.metadata.name}`, text);
      }
      expect(onDisk).toEqual(
        new Map(served.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, JSON.stringify(o)])),
      );
    }
    // The rounds must have exercised the store, or the test proves nothing.
    expect(totalAcks).toBeGreaterThan(ROUNDS * 20);
    // With the log, the restarts must have replayed what the killed writer left in it.
    if (sync === 'log') expect(replayedRecords).toBeGreaterThan(ROUNDS * 20);
  }, 120_000);
});
