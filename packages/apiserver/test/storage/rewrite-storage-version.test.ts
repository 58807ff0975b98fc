/**
 * `pwk-storage migrate-version` over a real file store: objects stored in an older version of
 * their kind are rewritten at the storage version (converted, then defaulted), objects already
 * there are not touched, and a run may be interrupted and started again.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fooKind } from '@pwk/api';
import { countStoredVersions } from '../../src/storage/migration/stored-versions';
import { runStorageCommand } from '../../src/storage/migration/storage-command';
import { rewriteAtStorageVersion } from '../../src/storage/migration/rewrite-storage-version';
import type { RewriteProgress } from '../../src/storage/migration/rewrite-storage-version';
import type { KubeObject, Storage } from '../../src/storage/interface';
import { tempFileStores } from './temp-file-stores';

const kind = fooKind;
const V1 = `${kind.group}/v1`;
const V1BETA1 = `${kind.group}/v1beta1`;
const ref = { group: kind.group, resource: kind.plural };
const key = (name: string) => ({ ...ref, namespace: 'default', name });
const foo = (apiVersion: string, name: string, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion,
  kind: 'Foo',
  metadata: { name, namespace: 'default', ...(extra.metadata ?? {}) },
  spec: { replicas: 1 },
  ...(extra.spec ? { spec: extra.spec } : {}),
});

describe('rewriting stored objects at the storage version', () => {
  const stores = tempFileStores('pwk-rewrite-');
  // Per-object sync: an object's file is written when its write is answered, and read back here.
  const openStore = (options: Parameters<typeof stores.open>[0] = {}) =>
    stores.open({ sync: 'per-object', ...options });
  const onDisk = async (name: string) =>
    JSON.parse(
      await readFile(path.join(stores.dataDir, kind.group, kind.plural, 'default', `${name}.json`), 'utf8'),
    ) as KubeObject;

  async function seed(storage: Storage, old: number, current: number): Promise<void> {
    for (let i = 0; i < old; i++) await storage.create(key(`old-${i}`), foo(V1BETA1, `old-${i}`));
    for (let i = 0; i < current; i++) await storage.create(key(`new-${i}`), foo(V1, `new-${i}`));
  }

  it('counts the objects per stored version', async () => {
    const storage = await openStore();
    await seed(storage, 3, 2);
    expect(await countStoredVersions(storage, ref, 2)).toEqual(
      new Map([
        [V1, 2],
        [V1BETA1, 3],
      ]),
    );
  });

  it('rewrites the old ones converted and defaulted, and leaves the others alone', async () => {
    const storage = await openStore();
    await seed(storage, 2, 1);
    await storage.create(
      key('paused'),
      foo(V1BETA1, 'paused', { metadata: { annotations: { [`${kind.group}/v1-spec-paused`]: 'true' } } }),
    );
    const untouched = await storage.get(key('new-0'));
    const progress: RewriteProgress[] = [];
    const [result] = await rewriteAtStorageVersion({
      storage,
      kinds: [kind],
      pageSize: 2,
      onProgress: (p) => void progress.push(p),
    });
    expect(result).toEqual({
      resource: 'foos.bar.pwk.educative.io',
      storageVersion: 'v1',
      objects: 4,
      rewritten: 3,
    });
    expect(progress.at(-1)).toEqual({
      resource: 'foos.bar.pwk.educative.io',
      seen: 4,
      rewritten: 3,
      total: 4,
    });
    expect(await countStoredVersions(storage, ref)).toEqual(new Map([[V1, 4]]));
    expect((await onDisk('old-0')).spec).toEqual({ replicas: 1, paused: false });
    const paused = await onDisk('paused');
    expect(paused.spec).toEqual({ replicas: 1, paused: true });
    expect(paused.metadata.annotations).toBeUndefined();
    expect(await storage.get(key('new-0'))).toEqual(untouched);
  });

  it('rewrites nothing on a second run', async () => {
    const storage = await openStore();
    await seed(storage, 2, 0);
    await rewriteAtStorageVersion({ storage, kinds: [kind] });
    const revision = await storage.currentRevision();
    const [again] = await rewriteAtStorageVersion({ storage, kinds: [kind] });
    expect(again!.rewritten).toBe(0);
    expect(await storage.currentRevision()).toBe(revision);
  });

  it('writes nothing in a dry run, and says what it would rewrite', async () => {
    const storage = await openStore();
    await seed(storage, 2, 1);
    const revision = await storage.currentRevision();
    const [result] = await rewriteAtStorageVersion({ storage, kinds: [kind], dryRun: true });
    expect(result!.rewritten).toBe(2);
    expect(await storage.currentRevision()).toBe(revision);
    expect((await onDisk('old-0')).apiVersion).toBe(V1BETA1);
  });

  it('skips an object deleted after its page was read', async () => {
    const storage = await openStore();
    await seed(storage, 2, 0);
    const [result] = await rewriteAtStorageVersion({
      storage,
      kinds: [kind],
      pageSize: 1,
      // The second page is served at the first page's revision: it still lists old-1.
      onProgress: async (p) => {
        if (p.seen === 1) await storage.delete(key('old-1'));
      },
    });
    expect(result!.objects).toBe(2);
    expect(await countStoredVersions(storage, ref)).toEqual(new Map([[V1, 1]]));
  });

  it('starts over when its own rewrites expire the list it pages through, and finishes', async () => {
    const storage = await openStore({ eventWindow: 2 });
    await seed(storage, 6, 0);
    const [result] = await rewriteAtStorageVersion({ storage, kinds: [kind], pageSize: 1 });
    expect(result!.rewritten).toBe(6);
    expect(await countStoredVersions(storage, ref)).toEqual(new Map([[V1, 6]]));
  });
});

describe('pwk-storage migrate-version', () => {
  const stores = tempFileStores('pwk-migrate-version-');

  async function run(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runStorageCommand(
      argv,
      { out: (l) => out.push(l), err: (l) => err.push(l), progressEveryMs: 0 },
      [kind],
    );
    return { code, out, err };
  }

  async function seedAndClose(old: number, current: number): Promise<void> {
    const storage = await stores.open();
    for (let i = 0; i < old; i++) await storage.create(key(`old-${i}`), foo(V1BETA1, `old-${i}`));
    for (let i = 0; i < current; i++) await storage.create(key(`new-${i}`), foo(V1, `new-${i}`));
    await stores.closeAll();
  }

  it('says what is stored, rewrites the old objects with progress, and says it again', async () => {
    await seedAndClose(3, 1);
    const { code, out, err } = await run([
      'migrate-version',
      '--from',
      `file:${stores.dataDir}`,
      '--page-size',
      '2',
    ]);
    expect(code).toBe(0);
    expect(out).toEqual([
      'foos.bar.pwk.educative.io: stored versions v1=1, v1beta1=3',
      'rewrote 3 of 4 foos.bar.pwk.educative.io at v1',
      'foos.bar.pwk.educative.io: stored versions v1=4',
    ]);
    expect(err).toEqual([
      `rewriting file:${stores.dataDir}`,
      'foos.bar.pwk.educative.io: looked at 2/4, rewrote 1',
      'foos.bar.pwk.educative.io: looked at 4/4, rewrote 3',
    ]);
    expect((await run(['migrate-version', '--from', `file:${stores.dataDir}`])).out[1]).toBe(
      'rewrote 0 of 4 foos.bar.pwk.educative.io at v1',
    );
  });

  it('writes nothing in a dry run', async () => {
    await seedAndClose(2, 0);
    const { code, out } = await run(['migrate-version', '--from', `file:${stores.dataDir}`, '--dry-run']);
    expect(code).toBe(0);
    expect(out).toEqual([
      'foos.bar.pwk.educative.io: stored versions v1beta1=2',
      'dry run: would rewrite 2 of 2 foos.bar.pwk.educative.io at v1; nothing was written',
    ]);
    const storage = await stores.open();
    expect(await countStoredVersions(storage, ref)).toEqual(new Map([[V1BETA1, 2]]));
  });

  it('refuses a target (exit 2) and a resource that is not an installed kind (exit 1)', async () => {
    const withTarget = await run(['migrate-version', '--from', `file:${stores.dataDir}`, '--to', 'file:/x']);
    expect(withTarget.code).toBe(2);
    expect(withTarget.err).toEqual(['pwk-storage: migrate-version takes --from <backend> only (see --help)']);
    const unknown = await run([
      'migrate-version',
      '--from',
      `file:${stores.dataDir}`,
      '--resource',
      'widgets.example.com',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toEqual(['pwk-storage: not an installed kind: widgets.example.com']);
  });
});
