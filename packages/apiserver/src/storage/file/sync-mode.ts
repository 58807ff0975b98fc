/** How the file store makes a write durable before it is acknowledged (`--file-store-sync`). */
export const FILE_STORE_SYNC_MODES = ['per-object', 'log'] as const;
export type FileStoreSync = (typeof FILE_STORE_SYNC_MODES)[number];
export const DEFAULT_FILE_STORE_SYNC: FileStoreSync = 'log';
