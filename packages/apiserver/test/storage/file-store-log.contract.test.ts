import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createFileStorage } from '../../src/storage/file/file-storage';
import { describeStorageContract } from './contract';

// The same contract with --file-store-sync=log (writes durable in the write-ahead log).
describeStorageContract('file (write-ahead log)', async (options = {}) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pwk-contract-log-'));
  const storage = await createFileStorage({ dataDir, sync: 'log', ...options });
  return {
    storage,
    async cleanup() {
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
