/**
 * NamespaceLifecycle against a stand-in core API that speaks the real list/watch wire format:
 * creates in a namespace that does not exist get 404 and in a terminating one 403, with nothing
 * written; the namespace controller's deletecollection then empties the namespace for good and
 * leaves no directory behind. Standalone, the check is off and the log says so.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startSecureServer } from '../security/secure-server';
import { until } from '../support/until';
import { ADMIN, GROUP, collection, startAdmittedServer } from './cluster';
import type { AdmittedServer } from './cluster';

describe('namespace lifecycle admission', () => {
  let cluster: AdmittedServer;
  beforeAll(async () => {
    cluster = await startAdmittedServer({
      prepare: (kube) => {
        kube.core.namespace('default');
        kube.core.namespace('going', 'Terminating');
      },
    });
  });
  afterAll(() => cluster.stop());

  /** Creates until one is refused (the informer has caught up), deleting any admitted meanwhile. */
  async function eventuallyRefused(ns: string): Promise<number> {
    const deadline = Date.now() + 10_000;
    for (let i = 0; Date.now() < deadline; i++) {
      const res = await cluster.create(ns, `probe-${i}`);
      if (res.status !== 201) return res.status;
      await cluster.pwk.request('DELETE', `${collection(ns)}/probe-${i}`, { token: ADMIN });
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`creates in ${ns} were never refused`);
  }

  it('creates in a namespace that exists', async () => {
    expect((await cluster.create('default', 'here')).status).toBe(201);
  });

  it('answers 404 namespaces "x" not found for a namespace that does not exist, writing nothing', async () => {
    const res = await cluster.create('no-such-ns', 'lost');
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'namespaces "no-such-ns" not found',
      details: { name: 'no-such-ns', kind: 'namespaces' },
    });
    expect(await cluster.storedNamespaces()).not.toContain('no-such-ns');
    const list = await cluster.pwk.request('GET', collection('no-such-ns'), { token: ADMIN });
    expect(list.json<{ items: unknown[] }>().items).toEqual([]);
    // The namespace the informer did not know was looked up before refusing.
    expect(cluster.kube.core.requests).toContain('GET /api/v1/namespaces/no-such-ns');
  });

  it('checks the namespace before the object (a missing namespace wins over an invalid spec)', async () => {
    const res = await cluster.create('no-such-ns', 'bad', { body: { spec: { replicas: -1 } } });
    expect(res.status).toBe(404);
  });

  it('answers 403 for a create in a terminating namespace, with the NamespaceTerminating cause', async () => {
    const res = await cluster.create('going', 'late');
    expect(res.status).toBe(403);
    expect(res.json()).toMatchObject({
      reason: 'Forbidden',
      code: 403,
      message: `foos.${GROUP} "late" is forbidden: unable to create new content in namespace going because it is being terminated`,
      details: {
        name: 'late',
        group: GROUP,
        kind: 'foos',
        causes: [
          {
            reason: 'NamespaceTerminating',
            message: 'namespace going is being terminated',
            field: 'metadata.namespace',
          },
        ],
      },
    });
    expect(await cluster.storedNamespaces()).not.toContain('going');
  });

  it('names the generateName in a refusal of a create without a name', async () => {
    const res = await cluster.pwk.request('POST', collection('going'), {
      token: ADMIN,
      body: {
        apiVersion: `${GROUP}/v1beta1`,
        kind: 'Foo',
        metadata: { generateName: 'gen-' },
        spec: { replicas: 1 },
      },
    });
    expect(res.status).toBe(403);
    expect(res.json<{ message: string }>().message).toMatch(
      /^foos\.bar\.pwk\.educative\.io "gen-" is forbidden/,
    );
  });

  it('admits a create in a namespace made just before it, once the watch has brought it', async () => {
    cluster.kube.core.namespace('fresh');
    expect((await cluster.create('fresh', 'first')).status).toBe(201);
  });

  it('lets the namespace controller empty a terminating namespace: deletecollection, no directory left', async () => {
    const ns = 'team-a';
    cluster.kube.core.namespace(ns);
    for (const name of ['a', 'b', 'c']) expect((await cluster.create(ns, name)).status).toBe(201);
    // The object files follow the write-ahead log within its bounded delay.
    await until('the namespace directory to be written', async () =>
      (await cluster.storedNamespaces()).includes(ns),
    );

    // The namespace controller marks the namespace, then deletes every resource in it.
    cluster.kube.core.namespace(ns, 'Terminating');
    const updated = await cluster.pwk.request('PATCH', `${collection(ns)}/a`, {
      token: ADMIN,
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { spec: { replicas: 2 } },
    });
    expect(updated.status).toBe(200);
    const emptied = await cluster.pwk.request('DELETE', collection(ns), {
      token: ADMIN,
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
    });
    expect(emptied.status).toBe(200);
    expect(emptied.json<{ items: unknown[] }>().items).toHaveLength(3);

    // Creates are refused once the informer has seen Terminating (one racing it is cleaned up).
    await eventuallyRefused(ns);
    const list = await cluster.pwk.request('GET', collection(ns), { token: ADMIN });
    expect(list.json<{ items: unknown[] }>().items).toEqual([]);
    await until(
      'the namespace directory to go',
      async () => !(await cluster.storedNamespaces()).includes(ns),
    );
  });

  it('answers 404 once a namespace is deleted from the cluster', async () => {
    cluster.kube.core.namespace('short-lived');
    expect((await cluster.create('short-lived', 'one')).status).toBe(201);
    await cluster.pwk.request('DELETE', `${collection('short-lived')}/one`, { token: ADMIN });
    cluster.kube.core.remove('namespaces', '', 'short-lived');
    expect(await eventuallyRefused('short-lived')).toBe(404);
  });

  it('still deletes objects in a namespace that is gone', async () => {
    cluster.kube.core.namespace('vanishing');
    expect((await cluster.create('vanishing', 'left-over')).status).toBe(201);
    cluster.kube.core.remove('namespaces', '', 'vanishing');
    const res = await cluster.pwk.request('DELETE', `${collection('vanishing')}/left-over`, { token: ADMIN });
    expect(res.status).toBe(200);
  });
});

describe('namespace lifecycle admission without a core API to read', () => {
  it('refuses creates with 403 "not yet ready" while the namespaces cannot be listed', async () => {
    const cluster = await startAdmittedServer({
      admissionSyncTimeoutMs: 300,
      prepare: (kube) => {
        kube.core.failWith = 503;
      },
    });
    try {
      const res = await cluster.create('default', 'too-early');
      expect(res.status).toBe(403);
      expect(res.json<{ message: string }>().message).toBe(
        `foos.${GROUP} "too-early" is forbidden: not yet ready to handle request`,
      );
      cluster.kube.core.failWith = undefined;
      cluster.kube.core.namespace('default');
      // The informer retries with backoff and then admits.
      let status = 0;
      const deadline = Date.now() + 10_000;
      while (status !== 201 && Date.now() < deadline) {
        status = (await cluster.create('default', 'later')).status;
        if (status !== 201) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(201);
    } finally {
      await cluster.stop();
    }
  }, 20_000);

  it('skips the check standalone and says so once in the log', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-tokens-'));
    const tokens = path.join(dir, 'tokens.csv');
    await writeFile(tokens, 'standalone-admin,admin,1,"system:masters"\n');
    const pwk = await startSecureServer({ flags: [`--token-auth-file=${tokens}`] });
    try {
      const res = await pwk.request('POST', collection('anything-goes'), {
        token: 'standalone-admin',
        body: { apiVersion: `${GROUP}/v1beta1`, kind: 'Foo', metadata: { name: 'x' }, spec: { replicas: 1 } },
      });
      expect(res.status).toBe(201);
      const said = pwk.logs.filter((l) => String(l.message).includes('admission plugins are off'));
      expect(said).toHaveLength(1);
      expect(said[0]).toMatchObject({
        plugins: [
          'NamespaceLifecycle',
          'MutatingAdmissionWebhook',
          'ValidatingAdmissionPolicy',
          'ValidatingAdmissionWebhook',
          'ResourceQuota',
        ],
      });
    } finally {
      await pwk.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
