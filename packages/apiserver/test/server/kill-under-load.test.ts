/**
 * The pwk-apiserver binary killed with SIGKILL while 16 clients create and patch Foos over HTTPS,
 * with --file-store-sync=log: after a restart on the same data dir every write that was answered
 * 2xx is served (or, for a key with a write in flight at the kill, that write's state), with the
 * resourceVersion it was answered with; once the server stops cleanly, every object file holds
 * exactly what it served. The storage-level version (a store in a second process, both sync
 * modes, more rounds) is test/storage/file-store.crash.test.ts.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { spawnApiserver } from '../support/apiserver-process';

const FOOS = '/apis/bar.pwk.educative.io/v1beta1/namespaces/default/foos';
const CLIENTS = 16;
const ROUNDS = 3;

interface Server {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface KeyModel {
  /** The last answered state: replicas and resourceVersion, or absent. */
  acked?: { replicas: number; rv: string };
  inflight?: number;
}

describe('pwk-apiserver killed under write load (--file-store-sync=log)', () => {
  let dir: string;
  let ca: Buffer;
  const agent = new https.Agent({ keepAlive: true, maxSockets: CLIENTS });
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-kill-'));
    await writeFile(path.join(dir, 'tokens.csv'), 't0ken,admin,1,"system:masters"\n');
  });
  afterAll(async () => {
    agent.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  async function start(): Promise<Server> {
    const server = await spawnApiserver(dir, ['--file-store-sync=log']);
    ca = server.ca;
    return server;
  }

  function request(server: Server, method: string, target: string, body?: unknown): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        `${server.url}${target}`,
        {
          method,
          ca,
          agent,
          headers: {
            authorization: 'Bearer t0ken',
            'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>,
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  it(`serves every answered write after ${ROUNDS} kills, and leaves the files as served`, async () => {
    const models = new Map<string, KeyModel>();
    let answered = 0;
    let counter = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const server = await start();
      let killed = false;
      const client = async (c: number) => {
        for (let i = 0; !killed; i++) {
          // Each client owns its keys: creates a new one, or patches one of its earlier ones.
          const mine = [...models.keys()].filter(
            (n) => n.startsWith(`r${round}-c${c}-`) && models.get(n)!.acked,
          );
          const patch = mine.length > 0 && i % 2 === 1;
          const name = patch ? mine[i % mine.length]! : `r${round}-c${c}-${i}`;
          const replicas = ++counter;
          const model = models.get(name) ?? {};
          models.set(name, model);
          model.inflight = replicas;
          let answer: Answer;
          try {
            answer = patch
              ? await request(server, 'PATCH', `${FOOS}/${name}`, { spec: { replicas } })
              : await request(server, 'POST', FOOS, {
                  apiVersion: 'bar.pwk.educative.io/v1beta1',
                  kind: 'Foo',
                  metadata: { name, namespace: 'default' },
                  spec: { replicas },
                });
          } catch {
            return; // the connection died with the server
          }
          if (answer.status !== 200 && answer.status !== 201) {
            throw new Error(
              `${patch ? 'PATCH' : 'POST'} ${name}: ${answer.status} ${JSON.stringify(answer.body)}`,
            );
          }
          const meta = answer.body.metadata as { resourceVersion: string };
          model.acked = { replicas, rv: meta.resourceVersion };
          model.inflight = undefined;
          answered++;
        }
      };
      const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
      await new Promise((r) => setTimeout(r, 400 + Math.random() * 400));
      killed = true;
      server.child.kill('SIGKILL');
      expect(await server.exited).toBeNull();
      await Promise.all(clients);

      const after = await start();
      try {
        const list = await request(after, 'GET', FOOS);
        expect(list.status).toBe(200);
        const served = new Map(
          (
            list.body.items as Array<{
              metadata: { name: string; resourceVersion: string };
              spec: { replicas: number };
            }>
          ).map((o) => [o.metadata.name, o]),
        );
        for (const [name, model] of models) {
          const obj = served.get(name);
          const state = obj && { replicas: obj.spec.replicas, rv: obj.metadata.resourceVersion };
          const asAcked = model.acked && state?.replicas === model.acked.replicas;
          const asInflight = model.inflight !== undefined && state?.replicas === model.inflight;
          const neverAcked = !model.acked && !state;
          if (!(asAcked || asInflight || neverAcked)) {
            throw new Error(
              `round ${round}: ${name} is ${JSON.stringify(state)}, expected ${JSON.stringify(model)}`,
            );
          }
          if (asAcked) expect(state!.rv).toBe(model.acked!.rv);
          models.set(name, state ? { acked: state } : {});
        }
        expect(served.size).toBe([...models.values()].filter((m) => m.acked).length);
      } finally {
        after.child.kill('SIGTERM');
        expect(await after.exited).toBe(0);
      }
    }
    expect(answered).toBeGreaterThan(ROUNDS * 50);

    // Stopped cleanly: every object file holds what was served.
    const nsDir = path.join(dir, 'data', 'bar.pwk.educative.io', 'foos', 'default');
    const onDisk = new Map<string, number>();
    for (const file of await readdir(nsDir)) {
      const obj = JSON.parse(await readFile(path.join(nsDir, file), 'utf8')) as {
        metadata: { name: string };
        spec: { replicas: number };
      };
      onDisk.set(obj.metadata.name, obj.spec.replicas);
    }
    const expected = new Map([...models].filter(([, m]) => m.acked).map(([n, m]) => [n, m.acked!.replicas]));
    expect(onDisk).toEqual(expected);
  }, 120_000);
});
