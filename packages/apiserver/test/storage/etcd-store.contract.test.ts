/**
 * The storage contract suite, unchanged, against the etcd backend on a real etcd. Each store gets
 * its own key prefix on one etcd; eventWindow maps to the backend's revision window, so Expired
 * comes from a real etcd compaction.
 */
import { createEtcdStorage } from '../../src/storage/etcd/etcd-storage';
import { startTestEtcd } from '../support/etcd';
import type { TestEtcd } from '../support/etcd';
import { describeStorageContract } from './contract';

jest.setTimeout(20_000);

let etcd: TestEtcd;
let stores = 0;

beforeAll(async () => {
  etcd = await startTestEtcd();
});
afterAll(async () => {
  await etcd.destroy();
});

describeStorageContract('etcd', async (options = {}) => {
  stores++;
  const storage = await createEtcdStorage({
    endpoints: [etcd.endpoint],
    prefix: `/contract-${stores}`,
    eventWindow: options.eventWindow,
    watchBuffer: options.watchBuffer,
  });
  for (let i = 0; !storage.ready() && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
  return {
    storage,
    async cleanup() {
      await storage.close();
    },
  };
});
