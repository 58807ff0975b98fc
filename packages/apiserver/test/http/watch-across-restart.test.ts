/**
 * A watch resuming from a resourceVersion taken before the server restarted, as an informer's
 * reflector (or `kubectl get -w` after a reconnect) sends it. With the write-ahead log (the
 * default) the retained log rebuilds the event window, so the watch gets every change since — as
 * kube-apiserver does from etcd after its own restart; with per-object sync the window starts
 * empty and the watch gets 410 Expired, the client relisting as after an etcd compaction.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openWatchStream, startTestServer } from '../support/server';
import type { TestServer } from '../support/server';
import { until } from '../support/until';

const FOOS = '/apis/bar.pwk.educative.io/v1/namespaces/default/foos';

interface WatchEvent {
  type: string;
  object: {
    kind?: string;
    code?: number;
    reason?: string;
    metadata?: { name?: string; resourceVersion?: string };
  };
}

describe.each(['log', 'per-object'] as const)('a watch from before a restart (sync %s)', (sync) => {
  let root: string;
  let server: TestServer | undefined;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'pwk-restart-watch-'));
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await rm(root, { recursive: true, force: true });
  });

  const start = () =>
    startTestServer({ dataDir: path.join(root, 'data'), flags: [`--file-store-sync=${sync}`] });
  const create = async (name: string) => {
    const res = await server!.request('POST', FOOS, {
      body: { apiVersion: 'bar.pwk.educative.io/v1', kind: 'Foo', metadata: { name }, spec: { replicas: 1 } },
    });
    expect(res.status).toBe(201);
    return res.json<{ metadata: { resourceVersion: string } }>();
  };

  it(
    sync === 'log'
      ? 'gets every change made since that resourceVersion, then the live ones'
      : 'gets one 410 Expired ERROR event, as after an etcd compaction',
    async () => {
      server = await start();
      const seen = await create('seen');
      await create('missed-1');
      const patched = await server.request('PATCH', `${FOOS}/seen`, {
        headers: { 'content-type': 'application/merge-patch+json' },
        body: { spec: { replicas: 2 } },
      });
      expect(patched.status).toBe(200);
      await server.stop();

      server = await start();
      const stream = await openWatchStream(
        server,
        `${FOOS}?watch=true&resourceVersion=${seen.metadata.resourceVersion}`,
      );
      try {
        expect(stream.status).toBe(200);
        const events = stream.events as unknown as WatchEvent[];
        if (sync === 'log') {
          await until('the changes since the resourceVersion', () => events.length >= 2);
          await create('after-restart');
          await until('the live event', () => events.length >= 3);
          expect(events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual([
            'ADDED missed-1',
            'MODIFIED seen',
            'ADDED after-restart',
          ]);
        } else {
          await stream.ended;
          expect(events).toHaveLength(1);
          expect(events[0]).toMatchObject({
            type: 'ERROR',
            object: { kind: 'Status', code: 410, reason: 'Expired' },
          });
        }
      } finally {
        stream.close();
      }
    },
    30_000,
  );
});
