import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createFileStorage } from '../../src/storage/file/file-storage';
import { describeStorageContract } from './contract';

describeStorageContract('file', async (options = {}) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pwk-contract-'));
  const storage = await createFileStorage({ dataDir, ...options });
  return {
    storage,
    async cleanup() {
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
