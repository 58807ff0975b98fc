/**
 * pwk-storage: 10,000 objects round-trip file -> etcd -> file with identical content (names,
 * uids, labels, annotations, finalizers, creationTimestamp, everything but the re-issued
 * resourceVersion); a dry run writes nothing; progress is printed on the way; the verify step
 * catches a difference; a non-empty target and a bad command line are refused.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fooV1beta1OnlyKind } from '../support/kinds/foo-v1beta1-only';
import { createEtcdStorage } from '../../src/storage/etcd/etcd-storage';
import { createFileStorage } from '../../src/storage/file/file-storage';
import type { KubeObject, Storage } from '../../src/storage/interface';
import { runStorageCommand } from '../../src/storage/migration/storage-command';
import { startTestEtcd } from '../support/etcd';
import type { TestEtcd } from '../support/etcd';

jest.setTimeout(60_000);

const GROUP = 'bar.pwk.educative.io';
const FOOS = { group: GROUP, resource: 'foos' };
const COUNT = 10_000;

function richFoo(i: number): KubeObject {
  const namespace = `team-${i % 7}`;
  return {
    apiVersion: `${GROUP}/v1beta1`,
    kind: 'Foo',
    metadata: {
      name: `foo-${i}`,
      namespace,
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      generation: 1 + (i % 3),
      creationTimestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, i % 60)).toISOString(),
      labels: { app: 'demo', shard: String(i % 10) },
      annotations: { 'example.com/note': `object ${i} — ünïcode ✓` },
      ...(i % 5 === 0 ? { finalizers: ['example.com/cleanup'] } : {}),
    },
    spec: { replicas: i % 4, location: i % 2 ? 'Berlin' : 'Lagos' },
    ...(i % 3 === 0 ? { status: { conditions: [{ type: 'Ready', status: 'True' }] } } : {}),
  };
}

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runStorageCommand(
    argv,
    {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      progressEveryMs: 0,
    },
    [fooV1beta1OnlyKind],
  );
  return { code, out, err };
}

/** Every foo in the store, by namespace/name. */
async function contentOf(store: Storage): Promise<Map<string, KubeObject>> {
  const { items } = await store.list(FOOS);
  return new Map(items.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
}

const withoutRv = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });

describe('pwk-storage migrate and verify', () => {
  let etcd: TestEtcd;
  let dir: string;
  let etcdUrl: string;
  let original: Map<string, KubeObject>;

  beforeAll(async () => {
    etcd = await startTestEtcd();
    etcdUrl = `etcd://${new URL(etcd.endpoint).host}/migration`;
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-migrate-'));
    const source = await createFileStorage({ dataDir: path.join(dir, 'source') });
    const pending = new Set<Promise<unknown>>();
    for (let i = 0; i < COUNT; i++) {
      const obj = richFoo(i);
      const p = source.create({ ...FOOS, namespace: obj.metadata.namespace!, name: obj.metadata.name! }, obj);
      pending.add(p);
      void p.finally(() => pending.delete(p));
      if (pending.size >= 64) await Promise.race(pending);
    }
    await Promise.all(pending);
    original = await contentOf(source);
    await source.close();
  });
  afterAll(async () => {
    await etcd?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('dry run: reports what it would copy and writes nothing', async () => {
    const result = await run(['migrate', '--from', `file:${dir}/source`, '--to', etcdUrl, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.out).toEqual([
      expect.stringMatching(
        new RegExp(
          `^dry run: would copy ${COUNT} foos.${GROUP} \\(source revision \\d+\\); nothing was written$`,
        ),
      ),
    ]);
    const store = await createEtcdStorage({ endpoints: [etcd.endpoint], prefix: '/migration' });
    try {
      expect((await store.list(FOOS)).items).toHaveLength(0);
    } finally {
      await store.close();
    }
  });

  it('round-trips 10,000 objects file -> etcd -> file with identical content, printing progress', async () => {
    const toEtcd = await run(['migrate', '--from', `file:${dir}/source`, '--to', etcdUrl]);
    expect(toEtcd.code).toBe(0);
    expect(toEtcd.out).toEqual([
      expect.stringMatching(new RegExp(`^copied ${COUNT} foos.${GROUP} \\(source revision \\d+\\)$`)),
      `verified foos.${GROUP}: ${COUNT} objects in both, identical content`,
    ]);
    expect(toEtcd.err[0]).toMatch(
      /^copying file:.*source -> etcd http:\/\/127\.0\.0\.1:\d+ \(prefix \/migration\)$/,
    );
    const progress = toEtcd.err.filter((l) => l.startsWith(`foos.${GROUP}: `));
    expect(progress.length).toBe(COUNT / 500);
    expect(progress[0]).toMatch(new RegExp(`^foos.${GROUP}: 500/${COUNT} \\(5%, \\d+ objects/s\\)$`));
    expect(progress.at(-1)).toMatch(new RegExp(`^foos.${GROUP}: ${COUNT}/${COUNT} \\(100%`));

    const back = await run(['migrate', '--from', etcdUrl, '--to', `file:${dir}/back`]);
    expect(back.code).toBe(0);
    expect(back.out[1]).toBe(`verified foos.${GROUP}: ${COUNT} objects in both, identical content`);

    const store = await createFileStorage({ dataDir: path.join(dir, 'back') });
    try {
      const final = await contentOf(store);
      expect(final.size).toBe(COUNT);
      for (const [id, obj] of original) {
        const copy = final.get(id);
        expect(withoutRv(copy!)).toEqual(withoutRv(obj));
      }
      // resourceVersions were issued by each target (in the copy's key order), not copied.
      const reissued = [...final].filter(
        ([id, o]) => o.metadata.resourceVersion !== original.get(id)!.metadata.resourceVersion,
      );
      expect(reissued.length).toBeGreaterThan(COUNT / 2);
    } finally {
      await store.close();
    }
  });

  it('refuses to migrate into a store that already holds objects, writing nothing', async () => {
    const result = await run(['migrate', '--from', `file:${dir}/source`, '--to', etcdUrl]);
    expect(result.code).toBe(1);
    expect(result.err.at(-1)).toBe(
      `pwk-storage: the target already holds ${COUNT} foos.${GROUP}; migrate into an empty store (nothing was copied)`,
    );
  });

  it('verify names objects that are missing, extra or different', async () => {
    const store = await createEtcdStorage({ endpoints: [etcd.endpoint], prefix: '/migration' });
    try {
      const key = (name: string) => ({ ...FOOS, namespace: 'team-1', name });
      await store.delete(key('foo-1'));
      await store.guaranteedUpdate(key('foo-8'), (o) => ({ ...o, metadata: { ...o.metadata, labels: {} } }));
      await store.create(key('stowaway'), {
        ...richFoo(1),
        metadata: { ...richFoo(1).metadata, name: 'stowaway' },
      });
    } finally {
      await store.close();
    }
    const result = await run(['verify', '--from', `file:${dir}/source`, '--to', etcdUrl]);
    expect(result.code).toBe(1);
    expect(result.out).toEqual([
      `MISMATCH foos.${GROUP}: source ${COUNT} objects, target ${COUNT}`,
      '  missing in target: team-1/foo-1',
      '  only in target: team-1/stowaway',
      '  different content: team-1/foo-8',
    ]);
  });

  it('copies every installed kind by default, and asks for --resource when none is installed', async () => {
    const err: string[] = [];
    const code = await runStorageCommand(
      ['migrate', '--from', 'file:x', '--to', 'file:y'],
      { out: () => {}, err: (l) => err.push(l) },
      [],
    );
    expect(code).toBe(2);
    expect(err).toEqual([
      'pwk-storage: no kinds installed: name what to copy with --resource <plural>.<group> (see --help)',
    ]);
  });

  it('prints its usage with --help', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.out.join('\n')).toContain(
      'pwk-storage migrate --from <backend> --to <backend> [--dry-run]',
    );
  });

  it.each([
    [[], 'expected a command: migrate, verify, log or migrate-version'],
    [['migrate', '--from', 'file:x'], '--from and --to are required'],
    [['migrate', '--from', 'file:x', '--to', 'mysql://db'], 'cannot read backend "mysql://db"'],
    [
      ['migrate', '--from', 'file:x', '--to', 'file:y', '--resource', 'foos'],
      '--resource foos: expected <plural>.<group>',
    ],
    [
      ['copy', '--from', 'file:x', '--to', 'file:y'],
      'expected a command: migrate, verify, log or migrate-version',
    ],
  ])('refuses the command line %j', async (argv, message) => {
    const result = await run(argv);
    expect(result.err.join('\n')).toContain(message);
    expect(result.code).toBe(message.startsWith('cannot read backend') ? 1 : 2);
  });

  it('fails with exit code 1 when etcd cannot be reached', async () => {
    const result = await run([
      'verify',
      '--from',
      `file:${dir}/source`,
      '--to',
      'etcd://127.0.0.1:1/x',
      '--etcd-timeout=1s',
    ]);
    expect(result.code).toBe(1);
    expect(result.err.at(-1)).toBe('pwk-storage: etcd http://127.0.0.1:1 (prefix /x) is unavailable');
  });
});
