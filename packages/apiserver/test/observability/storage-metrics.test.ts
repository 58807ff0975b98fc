/**
 * The file store's metrics: kube's storage metric shapes (operation latency by operation and
 * type, stored objects, LIST counters) and the file store's own (fsync latency, writes per
 * directory fsync, the event window).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { instrumentStorage } from '../../src/observability/metrics/instrumented-storage';
import { StorageMetrics } from '../../src/observability/metrics/storage-metrics';
import { createFileStorage } from '../../src/storage/file/file-storage';
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';
import { parseExposition, sampleSum, samples } from '../support/exposition';
import type { Exposition } from '../support/exposition';

const FOOS = '/apis/bar.pwk.educative.io/v1beta1/namespaces/default/foos';
const TYPE = 'foos.bar.pwk.educative.io';
const foo = (name: string) => ({
  apiVersion: 'bar.pwk.educative.io/v1beta1',
  kind: 'Foo',
  metadata: { name },
  spec: { replicas: 1 },
});

describe('storage metrics of the file store', () => {
  let server: TestServer;
  let exposition: Exposition;
  /** What start-up did before the requests: one LIST, the stored-versions report's scan. */
  let atStart: Exposition;

  beforeAll(async () => {
    // Per-object sync, whose fsyncs of files and directories the first case counts (the log's are below).
    server = await startTestServer({ flags: ['--file-store-sync=per-object'] });
    atStart = parseExposition((await server.request('GET', '/metrics')).text);
    for (const name of ['a', 'b', 'c']) {
      expect((await server.request('POST', FOOS, { body: foo(name) })).status).toBe(201);
    }
    expect((await server.request('GET', `${FOOS}/a`)).status).toBe(200);
    expect((await server.request('GET', `${FOOS}?labelSelector=x%3Dy`)).status).toBe(200);
    expect((await server.request('DELETE', `${FOOS}/c`)).status).toBe(200);
    const res = await server.request('GET', '/metrics');
    expect(res.status).toBe(200);
    exposition = parseExposition(res.text);
  });
  afterAll(() => server.stop());

  it('times each operation by operation and type, in the shape of etcd_request_duration_seconds', () => {
    const count = (operation: string) =>
      sampleSum(exposition, 'apiserver_storage_request_duration_seconds_count', { operation, type: TYPE });
    expect(count('create')).toBe(3);
    expect(count('get')).toBeGreaterThanOrEqual(1);
    const listsAtStart = sampleSum(atStart, 'apiserver_storage_request_duration_seconds_count', {
      operation: 'list',
      type: TYPE,
    });
    expect(listsAtStart).toBe(1);
    expect(count('list')).toBe(listsAtStart + 1);
    expect(count('delete')).toBe(1);
    expect(samples(exposition, 'etcd_request_duration_seconds_count')).toEqual([]);
    for (const s of samples(exposition, 'apiserver_storage_request_duration_seconds_bucket')) {
      expect(Object.keys(s.labels).sort()).toEqual(['le', 'operation', 'type']);
    }
  });

  it('reports the stored objects by resource', () => {
    expect(samples(exposition, 'apiserver_storage_objects')).toEqual([
      { name: 'apiserver_storage_objects', labels: { resource: TYPE }, value: 2 },
    ]);
  });

  it('counts what a LIST evaluated and returned', () => {
    // The start-up scan listed an empty store: one LIST, nothing evaluated or returned.
    expect(sampleSum(atStart, 'apiserver_storage_list_total', { resource: TYPE })).toBe(1);
    expect(sampleSum(atStart, 'apiserver_storage_list_evaluated_objects_total', { resource: TYPE })).toBe(0);
    expect(sampleSum(exposition, 'apiserver_storage_list_total', { resource: TYPE })).toBe(2);
    expect(sampleSum(exposition, 'apiserver_storage_list_evaluated_objects_total', { resource: TYPE })).toBe(
      3,
    );
    expect(sampleSum(exposition, 'apiserver_storage_list_returned_objects_total', { resource: TYPE })).toBe(
      0,
    );
  });

  it('with --file-store-sync=per-object, times fsyncs of files and directories, and counts the writes each directory fsync served', () => {
    expect(
      sampleSum(exposition, 'pwk_storage_fsync_duration_seconds_count', { target: 'file' }),
    ).toBeGreaterThanOrEqual(4);
    expect(
      sampleSum(exposition, 'pwk_storage_fsync_duration_seconds_count', { target: 'directory' }),
    ).toBeGreaterThanOrEqual(1);
    const batches = sampleSum(exposition, 'pwk_storage_group_commit_writes_count');
    const writes = sampleSum(exposition, 'pwk_storage_group_commit_writes_sum');
    expect(batches).toBeGreaterThanOrEqual(1);
    // Every create and the delete waited on some directory fsync: at least four writes served.
    expect(writes).toBeGreaterThanOrEqual(4);
    expect(writes).toBeGreaterThanOrEqual(batches);
  });

  it('with the log (the default), times each batch fdatasync of the log and counts the writes it served', async () => {
    const logServer = await startTestServer();
    try {
      const created = await Promise.all(
        ['l1', 'l2', 'l3', 'l4'].map((name) => logServer.request('POST', FOOS, { body: foo(name) })),
      );
      expect(created.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      const logged = parseExposition((await logServer.request('GET', '/metrics')).text);
      const batches = sampleSum(logged, 'pwk_storage_fsync_duration_seconds_count', { target: 'log' });
      expect(batches).toBeGreaterThanOrEqual(1);
      // The objects' files are not fsynced one by one (the revision counter's block may be).
      expect(sampleSum(logged, 'pwk_storage_fsync_duration_seconds_count', { target: 'file' })).toBeLessThan(
        4,
      );
      expect(sampleSum(logged, 'pwk_storage_group_commit_writes_sum')).toBeGreaterThanOrEqual(4);
    } finally {
      await logServer.stop();
    }
  });

  it('reports the event window: changes held and the oldest revision it replays from', async () => {
    expect(sampleSum(exposition, 'pwk_storage_event_window_size')).toBe(4);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-window-'));
    const registry = new Registry();
    const metrics = new StorageMetrics(registry, 'file');
    const storage = instrumentStorage(await createFileStorage({ dataDir: dir, eventWindow: 2 }), metrics);
    try {
      const revisions: number[] = [];
      for (const name of ['a', 'b', 'c', 'd']) {
        const key = { group: 'g', resource: 'things', namespace: 'ns', name };
        const stored = await storage.create(key, { metadata: { name, namespace: 'ns' } });
        revisions.push(Number(stored.metadata.resourceVersion));
      }
      // A window of 2 is trimmed back to 2 once it holds 4: the first two changes are gone.
      const window = parseExposition(await registry.metrics());
      expect(sampleSum(window, 'pwk_storage_event_window_size')).toBe(2);
      expect(sampleSum(window, 'pwk_storage_event_window_oldest_revision')).toBe(revisions[1]);
      expect(sampleSum(window, 'apiserver_storage_objects', { resource: 'things.g' })).toBe(4);
    } finally {
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
