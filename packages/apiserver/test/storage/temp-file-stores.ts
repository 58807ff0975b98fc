/**
 * A fresh data dir per test (`<tmp>/<prefix>…/data`) and the file stores a test opens on it, all
 * closed and the dir removed after the test. Call inside a describe block.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createFileStorage } from '../../src/storage/file/file-storage';
import type { FileStorageOptions } from '../../src/storage/file/file-storage';
import type { Storage } from '../../src/storage/interface';

export interface TempFileStores {
  /** The test's temp dir (the data dir's parent). */
  readonly root: string;
  readonly dataDir: string;
  /** Opens a store on the data dir; it is closed after the test. */
  open(options?: Partial<FileStorageOptions>): Promise<Storage>;
  /** A store opened some other way, to be closed after the test too. */
  adopt(store: Storage): void;
  /** Closes every store opened so far (a restart within the test). */
  closeAll(): Promise<void>;
}

export function tempFileStores(prefix: string): TempFileStores {
  let root = '';
  const opened: Storage[] = [];
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), prefix));
  });
  const closeAll = async () => {
    for (const store of opened.splice(0)) await store.close();
  };
  afterEach(async () => {
    await closeAll();
    await rm(root, { recursive: true, force: true });
  });
  return {
    get root() {
      return root;
    },
    get dataDir() {
      return path.join(root, 'data');
    },
    async open(options = {}) {
      const store = await createFileStorage({ dataDir: path.join(root, 'data'), ...options });
      opened.push(store);
      return store;
    },
    adopt(store) {
      opened.push(store);
    },
    closeAll,
  };
}
