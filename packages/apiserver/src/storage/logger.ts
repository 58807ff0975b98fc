/** The logging the storage layer needs; a winston Logger satisfies it. */
export interface StorageLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}

export const silentLogger: StorageLogger = { info: () => {}, warn: () => {}, error: () => {} };
