/**
 * Assembles and runs the apiserver: storage, registry, authentication, the Express app on
 * HTTPS, and graceful shutdown. On SIGTERM: /readyz fails at once, requests are still served
 * for --shutdown-delay-duration (the aggregator and load balancers notice), then the listener
 * closes, open watches end cleanly, in-flight writes finish, and the store is closed.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAuthenticator } from '../auth/authenticate';
import { loadClientCA } from '../auth/client-cert';
import { loadTokenFile } from '../auth/token-file';
import type { ServerConfig } from '../config/flags';
import { createApp } from '../http/app';
import type { Logger } from '../logging/logger';
import { fooStrategy } from '../registry/foo-strategy';
import { RegistryStore } from '../registry/store';
import { createFileStorage } from '../storage/file/file-storage';
import type { Storage } from '../storage/interface';
import { loadServingCertificate } from './certificates';

export interface RunningServer {
  /** `https://<host>:<port>`. */
  url: string;
  port: number;
  /** The serving certificate file (clients trust it as their CA for a self-signed cert). */
  certFile: string;
  storage: Storage;
  /** Graceful shutdown, as on SIGTERM. */
  shutdown(): Promise<void>;
}

export interface StartOptions {
  config: ServerConfig;
  logger: Logger;
  /** How often watches that asked for bookmarks get one (default 60 s). */
  bookmarkIntervalMs?: number;
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config, logger } = options;
  const tokens = config.tokenAuthFile ? await loadTokenFile(config.tokenAuthFile) : undefined;
  for (const warning of tokens?.warnings ?? []) logger.warn(warning);
  const clientCA = config.clientCAFile ? await loadClientCA(config.clientCAFile) : undefined;
  if (!tokens && !clientCA) {
    throw new Error('no authentication configured: give --token-auth-file and/or --client-ca-file');
  }
  const authenticate = createAuthenticator({ tokens, clientCertificates: Boolean(clientCA) });
  const serving = await loadServingCertificate({ tls: config.tls, certDir: config.certDir });

  const storage = await createFileStorage({
    dataDir: config.dataDir,
    logger,
    eventWindow: config.eventWindow,
  });
  const store = new RegistryStore(storage, fooStrategy);
  let shuttingDown = false;
  const watches = new Set<Promise<void>>();

  const app = createApp({
    store,
    logger,
    accessLogLevel: config.accessLogLevel,
    authenticate,
    health: { storageReady: () => storage.ready(), shuttingDown: () => shuttingDown },
    now: () => new Date(),
    minRequestTimeoutMs: config.minRequestTimeoutMs,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    maxRequestBytes: config.maxRequestBytes,
    trackWatch: (done) => {
      watches.add(done);
      void done.finally(() => watches.delete(done));
    },
  });

  const server = https.createServer(
    {
      cert: serving.cert,
      key: serving.key,
      ...(clientCA ? { ca: clientCA, requestCert: true, rejectUnauthorized: false } : {}),
    },
    app,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.securePort, config.bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.bindAddress === '0.0.0.0' ? '127.0.0.1' : config.bindAddress;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info('serving', { url, dataDir: config.dataDir, certFile: serving.certFile });

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      shuttingDown = true;
      logger.info('shutting down: /readyz fails now', { delayMs: config.shutdownDelayMs });
      await new Promise((r) => setTimeout(r, config.shutdownDelayMs));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Watches end cleanly (the stream's last chunk is written) once storage closes them;
      // storage.close() first waits for in-flight writes.
      await storage.close();
      await Promise.allSettled([...watches]);
      server.closeIdleConnections();
      const forced = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      forced.unref();
      await closed;
      clearTimeout(forced);
      logger.info('stopped');
    })());

  return { url, port, certFile: serving.certFile, storage, shutdown };
}
