/**
 * A server whose data dir holds objects stored at an older version of their kind: it says at
 * start-up which versions are stored (a log line and pwk_storage_stored_objects), serves those
 * objects converted and defaulted at every served version, and after `pwk-storage
 * migrate-version` counts them all at the storage version.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fooKind } from '@pwk/api';
import { fooV1beta1OnlyKind } from '../support/kinds/foo-v1beta1-only';
import { createFileStorage } from '../../src/storage/file/file-storage';
import type { KubeObject } from '../../src/storage/interface';
import { runStorageCommand } from '../../src/storage/migration/storage-command';
import { eventually, startTestServer } from '../support/server';
import type { TestServer } from '../support/server';

const kind = fooKind;
const FOOS = `/apis/${kind.group}/v1/namespaces/default/foos`;
const V1BETA1_FOOS = `/apis/${kind.group}/v1beta1/namespaces/default/foos`;

async function seed(dataDir: string, objects: Array<[string, string]>): Promise<void> {
  const storage = await createFileStorage({ dataDir });
  for (const [version, name] of objects) {
    const obj: KubeObject = {
      apiVersion: `${kind.group}/${version}`,
      kind: 'Foo',
      metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { replicas: 2 },
    };
    await storage.create({ group: kind.group, resource: kind.plural, namespace: 'default', name }, obj);
  }
  await storage.close();
}

describe('stored versions', () => {
  let root: string;
  let pwk: TestServer | undefined;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'pwk-stored-versions-'));
  });
  afterEach(async () => {
    await pwk?.stop();
    pwk = undefined;
    await rm(root, { recursive: true, force: true });
  });

  const storedVersionsLine = (server: TestServer) =>
    server.logs.find((l) => l.message === 'stored versions' && l.resource === 'foos.bar.pwk.educative.io');

  it('are logged and exported at start-up, with a hint when some objects are at an older version', async () => {
    const dataDir = path.join(root, 'data');
    await seed(dataDir, [
      ['v1beta1', 'a'],
      ['v1beta1', 'b'],
      ['v1', 'c'],
    ]);
    pwk = await startTestServer({ dataDir, kinds: [kind] });
    await eventually(() => storedVersionsLine(pwk!) !== undefined, 'the stored versions line');
    expect(storedVersionsLine(pwk)).toMatchObject({
      storageVersion: 'v1',
      objects: { v1: 1, v1beta1: 2 },
      hint: 'objects at v1beta1 are served converted; pwk-storage migrate-version rewrites them',
    });
    const metrics = (await pwk.request('GET', '/metrics')).text;
    expect(metrics).toContain(
      'pwk_storage_stored_objects{resource="foos.bar.pwk.educative.io",version="v1beta1"} 2',
    );
    expect(metrics).toContain(
      'pwk_storage_stored_objects{resource="foos.bar.pwk.educative.io",version="v1"} 1',
    );
  });

  it('of a kind with one version come from the store’s own count, without a LIST at start-up', async () => {
    const dataDir = path.join(root, 'data');
    await seed(dataDir, [
      ['v1beta1', 'a'],
      ['v1beta1', 'b'],
    ]);
    pwk = await startTestServer({ dataDir, kinds: [fooV1beta1OnlyKind] });
    await eventually(() => storedVersionsLine(pwk!) !== undefined, 'the stored versions line');
    expect(storedVersionsLine(pwk)).toMatchObject({ storageVersion: 'v1beta1', objects: { v1beta1: 2 } });
    expect(storedVersionsLine(pwk)).not.toHaveProperty('hint');
    const metrics = (await pwk.request('GET', '/metrics')).text;
    expect(metrics).toContain(
      'pwk_storage_stored_objects{resource="foos.bar.pwk.educative.io",version="v1beta1"} 2',
    );
    expect(metrics).not.toMatch(/^apiserver_storage_list_total\{/m);
  });

  it('serves an object stored at v1beta1 converted and defaulted at v1, and as stored at v1beta1', async () => {
    const dataDir = path.join(root, 'data');
    await seed(dataDir, [['v1beta1', 'a']]);
    pwk = await startTestServer({ dataDir, kinds: [kind] });
    const inV1 = (await pwk.request('GET', `${FOOS}/a`)).json<KubeObject>();
    expect(inV1).toMatchObject({ apiVersion: `${kind.group}/v1`, spec: { replicas: 2, paused: false } });
    const listed = (await pwk.request('GET', FOOS)).json<{ items: KubeObject[] }>();
    expect(listed.items.map((o) => [o.apiVersion, o.spec])).toEqual([
      [`${kind.group}/v1`, { replicas: 2, paused: false }],
    ]);
    const inV1beta1 = (await pwk.request('GET', `${V1BETA1_FOOS}/a`)).json<KubeObject>();
    expect(inV1beta1).toMatchObject({ apiVersion: `${kind.group}/v1beta1`, spec: { replicas: 2 } });
    expect(inV1beta1.spec).not.toHaveProperty('paused');
  });

  it('count every object at the storage version after pwk-storage migrate-version, without a hint', async () => {
    const dataDir = path.join(root, 'data');
    await seed(dataDir, [
      ['v1beta1', 'a'],
      ['v1', 'b'],
    ]);
    const io = { out: () => {}, err: () => {}, progressEveryMs: 0 };
    expect(await runStorageCommand(['migrate-version', '--from', `file:${dataDir}`], io, [kind])).toBe(0);
    pwk = await startTestServer({ dataDir, kinds: [kind] });
    await eventually(() => storedVersionsLine(pwk!) !== undefined, 'the stored versions line');
    expect(storedVersionsLine(pwk)).toMatchObject({ objects: { v1: 2 } });
    expect(storedVersionsLine(pwk)).not.toHaveProperty('hint');
  });
});
