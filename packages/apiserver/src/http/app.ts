/**
 * The Express application: authentication, access log, health, discovery, resource routes,
 * then the fallbacks — 404 for unknown paths and one error handler that turns anything thrown
 * into a Kubernetes Status.
 */
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { AuthRequest } from '../auth/authenticate';
import type { UserInfo } from '../auth/user';
import { StatusError } from '../errors/status-error';
import type { Logger } from '../logging/logger';
import type { RegistryStore } from '../registry/store';
import { accessLog } from './access-log';
import { discoveryRoutes, notFound } from './discovery-routes';
import { healthRoutes } from './health-routes';
import type { Health } from './health-routes';
import { resourceRoutes } from './resource-routes';
import { isServerFault, sendStatusError } from './status';

export interface AppOptions {
  store: RegistryStore;
  logger: Logger;
  accessLogLevel: string;
  authenticate: (req: AuthRequest) => UserInfo;
  health: Health;
  now: () => Date;
  minRequestTimeoutMs: number;
  bookmarkIntervalMs: number;
  maxRequestBytes: number;
  trackWatch?: (done: Promise<void>) => void;
}

export function createApp(options: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  app.use(accessLog(options.logger, options.accessLogLevel));
  app.use((req: Request, res: Response, next: NextFunction) => {
    try {
      // On HTTPS this is a TLSSocket (authorized, getPeerCertificate); the authenticator checks both.
      const socket = req.socket as unknown as AuthRequest['socket'];
      res.locals.user = options.authenticate({ headers: req.headers, socket, path: req.path });
      next();
    } catch (err) {
      next(err);
    }
  });
  app.use(healthRoutes(options.health));
  app.use(discoveryRoutes());
  app.use(
    resourceRoutes({
      store: options.store,
      now: options.now,
      minRequestTimeoutMs: options.minRequestTimeoutMs,
      bookmarkIntervalMs: options.bookmarkIntervalMs,
      maxRequestBytes: options.maxRequestBytes,
      trackWatch: options.trackWatch,
    }),
  );
  app.use((_req: Request, _res: Response, next: NextFunction) => next(notFound()));
  // Express recognises an error handler by its four parameters.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const bodyError = err as { type?: string; limit?: number; status?: number };
    let error: unknown = err;
    if (bodyError?.type === 'entity.too.large')
      error = StatusError.requestEntityTooLarge(bodyError.limit ?? 0);
    else if (bodyError?.type && bodyError.status === 400)
      error = StatusError.badRequest('the request body could not be read');
    if (isServerFault(error)) {
      options.logger.error('request failed', {
        verb: req.method,
        path: req.originalUrl,
        error: String((err as Error)?.stack ?? err),
      });
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendStatusError(res, error);
  });
  return app;
}
