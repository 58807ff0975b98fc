/**
 * `pwk-storage migrate-version` on a real file store: objects stored at an older version of
 * their kind are rewritten at its storage version, one by one (so a second run finds nothing
 * left), with the stored versions reported before and after; a dry run writes nothing.
 */
import { fooKindV1 } from '@pwk/api';
import type { ObjectKey } from '../../src/storage/interface';
import { runStorageCommand } from '../../src/storage/migration/storage-command';
import { tempFileStores } from './temp-file-stores';

const GROUP = 'bar.pwk.educative.io';
const key = (name: string): ObjectKey => ({ group: GROUP, resource: 'foos', namespace: 'ns', name });
const foo = (name: string, version: string, annotations?: Record<string, string>) => ({
  apiVersion: `${GROUP}/${version}`,
  kind: 'Foo',
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, ...(annotations ? { annotations } : {}) },
  spec: { replicas: 1 },
});

describe('pwk-storage migrate-version', () => {
  const stores = tempFileStores('pwk-storage-version-');

  async function seed() {
    const storage = await stores.open();
    await storage.create(key('a'), foo('a', 'v1beta1', { [`${GROUP}/v1-spec-paused`]: 'true' }));
    await storage.create(key('b'), foo('b', 'v1beta1'));
    await storage.create(key('c'), { ...foo('c', 'v1'), spec: { replicas: 1, paused: false } });
    await stores.closeAll();
  }

  async function run(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runStorageCommand(
      ['migrate-version', '--from', `file:${stores.dataDir}`, ...args],
      { out: (l) => out.push(l), err: (l) => err.push(l), progressEveryMs: 0 },
      [fooKindV1],
    );
    return { code, out, err };
  }

  it('rewrites what is stored at an older version, and a second run finds nothing left', async () => {
    await seed();
    const first = await run([]);
    expect(first.code).toBe(0);
    expect(first.out).toEqual([
      `stored foos.${GROUP}: ${GROUP}/v1beta1=2, ${GROUP}/v1=1`,
      `rewrote 2 foos.${GROUP} at ${GROUP}/v1 (1 already were)`,
      `now stored foos.${GROUP}: ${GROUP}/v1=3`,
    ]);
    expect(first.err).toContainEqual(
      expect.stringMatching(/^foos\.bar\.pwk\.educative\.io: 3\/3 \(100%, \d+ objects\/s\)$/),
    );
    const storage = await stores.open();
    const a = await storage.get(key('a'));
    expect(a.apiVersion).toBe(`${GROUP}/v1`);
    expect(a.spec).toEqual({ replicas: 1, paused: true });
    expect(a.metadata.annotations).toBeUndefined();
    await stores.closeAll();
    const second = await run([]);
    expect(second.out[1]).toBe(`rewrote 0 foos.${GROUP} at ${GROUP}/v1 (3 already were)`);
  });

  it('writes nothing in a dry run', async () => {
    await seed();
    const result = await run(['--dry-run']);
    expect(result.code).toBe(0);
    expect(result.out).toEqual([
      `stored foos.${GROUP}: ${GROUP}/v1beta1=2, ${GROUP}/v1=1`,
      `dry run: would rewrite 2 foos.${GROUP} at ${GROUP}/v1 (1 already are); nothing was written`,
    ]);
    const storage = await stores.open();
    expect((await storage.get(key('b'))).apiVersion).toBe(`${GROUP}/v1beta1`);
  });

  it('refuses a resource no installed kind defines, and a target backend', async () => {
    expect((await run(['--resource', 'gadgets.example.com'])).err).toEqual([
      'pwk-storage: --resource gadgets.example.com: not an installed kind (its versions are unknown) (see --help)',
    ]);
    const withTarget = await run(['--to', 'file:/elsewhere']);
    expect(withTarget.code).toBe(2);
    expect(withTarget.err).toEqual(['pwk-storage: migrate-version takes --from <backend> only (see --help)']);
  });
});
