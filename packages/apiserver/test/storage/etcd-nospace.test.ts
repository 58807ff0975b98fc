/**
 * etcd over its space quota (a real etcd started with a small --quota-backend-bytes): it raises
 * its NOSPACE alarm and refuses writes while still serving reads. A write is answered with what
 * etcd said, as Kubernetes does, /readyz fails while etcd refuses writes, and both recover once
 * an operator has freed space (delete, compact, defragment, disarm: etcd's documented remedy).
 */
import { Etcd3 } from 'etcd3';
import { startTestEtcd } from '../support/etcd';
import type { TestEtcd } from '../support/etcd';
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';

jest.setTimeout(60_000);

const GROUP = 'bar.pwk.educative.io';
const collection = `/apis/${GROUP}/v1beta1/namespaces/default/foos`;
const NO_SPACE = 'storage write failed: etcdserver: mvcc: database space exceeded';
const bigFoo = (name: string) => ({
  apiVersion: `${GROUP}/v1beta1`,
  kind: 'Foo',
  metadata: { name, annotations: { filler: 'x'.repeat(200_000) } },
});

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('etcd over its space quota', () => {
  let etcd: TestEtcd;
  let server: TestServer;
  let client: Etcd3;
  beforeAll(async () => {
    etcd = await startTestEtcd({ args: [`--quota-backend-bytes=${4 * 1024 * 1024}`] });
    server = await startTestServer({ flags: ['--storage=etcd', `--etcd-servers=${etcd.endpoint}`] });
    client = new Etcd3({ hosts: etcd.endpoint });
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
    await etcd?.destroy();
  });

  it("answers writes with etcd's reason and fails /readyz until space is freed, serving reads all along", async () => {
    const created: string[] = [];
    let refused: Awaited<ReturnType<TestServer['request']>> | undefined;
    for (let i = 0; i < 100 && !refused; i++) {
      const res = await server.request('POST', collection, { body: bigFoo(`big-${i}`) });
      if (res.status === 201) created.push(`big-${i}`);
      else refused = res;
    }
    expect(created.length).toBeGreaterThan(0);
    expect(refused?.status).toBe(500);
    expect(refused?.json()).toMatchObject({
      kind: 'Status',
      reason: 'InternalError',
      code: 500,
      message: `Internal error occurred: ${NO_SPACE}`,
    });
    const readyz = await server.request('GET', '/readyz', { token: null });
    expect(readyz.status).toBe(500);
    expect(readyz.text).toContain('[-]storage failed: reason withheld');
    expect((await server.request('GET', '/readyz/storage', { token: null })).text).toBe(
      `internal server error: ${NO_SPACE}\n`,
    );
    // Reads are still served, and a while later etcd still refuses: /readyz does not flap back.
    expect((await server.request('GET', `${collection}/${created[0]}`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2500)); // one availability probe (every 2 s) has run
    expect((await server.request('GET', '/readyz', { token: null })).status).toBe(500);

    for (const name of created)
      expect((await server.request('DELETE', `${collection}/${name}`)).status).toBe(200);
    const { header } = await client.kv.range({ key: Buffer.from('/') });
    await client.kv.compact({ revision: header.revision, physical: true });
    await client.maintenance.defragment({});
    // What `etcdctl alarm disarm` does: deactivate each raised alarm, by its member.
    const { alarms } = await client.maintenance.alarm({ action: 'Get', memberID: 0, alarm: 'None' });
    for (const { memberID, alarm } of alarms) {
      await client.maintenance.alarm({ action: 'Deactivate', memberID, alarm });
    }

    await until('/readyz to pass again', async () => (await server.request('GET', '/readyz')).status === 200);
    expect((await server.request('POST', collection, { body: bigFoo('after') })).status).toBe(201);
  });
});
