/**
 * ResilientInformer around the real client-node ListWatch, driven into the library's weak
 * spots by a scripted server: a watch answered with 500 and a failed list (the library stops
 * for good), a refused connection while the server is away, an in-stream 410 (the library
 * relists by itself), plus resync and a clean stop.
 */
import type { Foo } from '../../src/foo';
import { createFooListWatch } from '../../src/kube/foos';
import { userAgent } from '../../src/kube/identity';
import type { InformerEventType } from '../../src/kube/informer';
import { ResilientInformer } from '../../src/kube/informer';
import { loadKubeConfig } from '../../src/kube/kubeconfig';
import { FOOS_PATH, ScriptedApiserver, eventually, foo } from '../support/scripted-apiserver';

interface Harness {
  server: ScriptedApiserver;
  informer: ResilientInformer<Foo>;
  events: Array<{ type: InformerEventType; name: string; rv: string }>;
  warnings: Array<Record<string, unknown>>;
}

let harness: Harness | undefined;

async function setup(options: { resyncPeriodMs?: number; prepare?: (s: ScriptedApiserver) => void } = {}) {
  const server = new ScriptedApiserver();
  await server.start();
  server.items = [foo('a', '5'), foo('b', '7')];
  server.listResourceVersion = '10';
  options.prepare?.(server);
  const kc = loadKubeConfig({ kubeconfig: await server.kubeconfig(), inCluster: false });
  const events: Harness['events'] = [];
  const warnings: Harness['warnings'] = [];
  const informer = new ResilientInformer<Foo>({
    listWatch: createFooListWatch(kc, { requestTimeoutMs: 2000, watchTimeoutSeconds: () => 321 }),
    onEvent: (type, obj) =>
      events.push({ type, name: obj.metadata.name ?? '', rv: obj.metadata.resourceVersion ?? '' }),
    log: { info: () => undefined, warn: (_m, meta) => warnings.push(meta ?? {}) },
    resyncPeriodMs: options.resyncPeriodMs ?? 0,
    backoff: { initialMs: 20, maxMs: 200, resetAfterMs: 60_000 },
  });
  harness = { server, informer, events, warnings };
  return harness;
}

afterEach(async () => {
  await harness?.informer.stop();
  await harness?.server.dispose();
  harness = undefined;
});

const modified = (name: string, rv: string, location?: string) => ({
  type: 'MODIFIED' as const,
  object: foo(name, rv, location),
});

describe('ResilientInformer over client-node', () => {
  it('lists all namespaces, then watches from the list version with bookmarks and a server-side timeout', async () => {
    const { server, informer, events } = await setup();
    await informer.start();
    expect(informer.hasSynced()).toBe(true);
    expect(informer.get('a', 'default')?.metadata.resourceVersion).toBe('5');
    expect(events.map((e) => `${e.type} ${e.name}`)).toEqual(['add a', 'add b']);
    expect(server.lists()[0]!.path).toBe(FOOS_PATH);
    await eventually(() => server.watches().length === 1, 'the watch');
    expect(server.watches()[0]!.query).toMatchObject({
      watch: 'true',
      resourceVersion: '10',
      allowWatchBookmarks: 'true',
      timeoutSeconds: '321',
    });
    server.send(modified('a', '11', 'Paris'));
    await eventually(() => events.length === 3, 'the MODIFIED event');
    expect(events[2]).toEqual({ type: 'update', name: 'a', rv: '11' });
  });

  it("lists and watches with the controller's User-Agent, not client-node's HTTP library's", async () => {
    const { server, informer } = await setup();
    await informer.start();
    await eventually(() => server.watches().length === 1, 'the watch');
    expect(server.requests.map((r) => `${r.watch ? 'watch' : 'list'} ${r.userAgent}`)).toEqual([
      `list ${userAgent()}`,
      `watch ${userAgent()}`,
    ]);
  });

  it('restarts after the library stops on a 500 from the watch, and resumes from the last version without relisting', async () => {
    const { server, informer, events, warnings } = await setup({
      prepare: (s) => s.scriptWatch({ status: 500 }),
    });
    await informer.start();
    await eventually(() => server.watches().length === 2, 'a second watch');
    expect(informer.restartCount()).toBe(1);
    expect(server.lists()).toHaveLength(1);
    expect(server.watches().map((w) => w.query.resourceVersion)).toEqual(['10', '10']);
    expect(warnings[0]).toMatchObject({ code: 500, retryInMs: 20, resourceVersion: '10' });
    server.send(modified('b', '12'));
    await eventually(() => events.some((e) => e.rv === '12'), 'an event after the restart');
  });

  it('restarts after a failed list, and only then counts as synced', async () => {
    const { server, informer } = await setup({ prepare: (s) => s.scriptList({ status: 503 }) });
    await informer.start();
    expect(informer.hasSynced()).toBe(false);
    await eventually(() => informer.hasSynced(), 'synced after the restart');
    expect(server.lists()).toHaveLength(2);
    expect(
      informer
        .list()
        .map((f) => f.metadata.name)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('backs off exponentially while failures repeat', async () => {
    const { informer, warnings } = await setup({
      prepare: (s) => {
        for (let i = 0; i < 4; i++) s.scriptList({ status: 500 });
      },
    });
    await informer.start();
    await eventually(() => informer.hasSynced(), 'synced after four failures');
    expect(warnings.map((w) => w.retryInMs)).toEqual([20, 40, 80, 160]);
  });

  it('relists on an in-stream 410 Expired (the library handles it) and reports objects deleted meanwhile', async () => {
    const { server, informer, events } = await setup({
      prepare: (s) =>
        s.scriptWatch({
          events: [
            {
              type: 'ERROR',
              object: { kind: 'Status', apiVersion: 'v1', metadata: {}, code: 410, reason: 'Expired' },
            },
          ],
          then: 'end',
        }),
    });
    await informer.start();
    server.items = [foo('a', '20')];
    server.listResourceVersion = '20';
    await eventually(() => server.lists().length === 2, 'a relist');
    await eventually(() => events.some((e) => e.type === 'delete'), 'the delete of b');
    expect(events.filter((e) => e.type !== 'add')).toEqual([
      { type: 'delete', name: 'b', rv: '7' },
      { type: 'update', name: 'a', rv: '20' },
    ]);
    expect(informer.restartCount()).toBe(0);
    await eventually(() => server.watches().length === 2, 'the watch after the relist');
    expect(server.watches()[1]!.query.resourceVersion).toBe('20');
  });

  it('survives the apiserver going away: refused connections are retried until it is back, then the watch resumes', async () => {
    const { server, informer, events } = await setup();
    await informer.start();
    await eventually(() => server.watches().length === 1, 'the watch');
    server.send(modified('a', '15'));
    await eventually(() => informer.latestResourceVersion() === '15', 'rv 15');
    const port = server.port;
    await server.stop();
    await eventually(() => informer.restartCount() >= 2, 'restarts while the server is away');
    await server.start(port);
    await eventually(() => server.watches().length >= 2, 'a watch on the restarted server');
    expect(server.watches().at(-1)!.query.resourceVersion).toBe('15');
    server.send(modified('b', '16'));
    await eventually(() => events.some((e) => e.rv === '16'), 'events after the comeback');
  });

  it('re-delivers every cached object each resync period', async () => {
    const { informer, events } = await setup({ resyncPeriodMs: 50 });
    await informer.start();
    await eventually(() => events.filter((e) => e.type === 'resync').length >= 4, 'two resyncs');
    expect(
      events
        .filter((e) => e.type === 'resync')
        .slice(0, 2)
        .map((e) => e.name)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('does not mistake its own stop() for a failure', async () => {
    const { server, informer, warnings } = await setup();
    await informer.start();
    await eventually(() => server.watches().length === 1, 'the watch');
    await informer.stop();
    await new Promise((r) => setTimeout(r, 100));
    expect(warnings).toEqual([]);
    expect(informer.restartCount()).toBe(0);
    expect(server.watches()).toHaveLength(1);
  });
});
