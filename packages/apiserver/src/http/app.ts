/**
 * The Express application: audit id, access log, request deadline, authentication, in-flight
 * limit, authorization, health, discovery, resource routes,
 * then the fallbacks — 404 for unknown paths and one error handler that turns anything thrown
 * into a Kubernetes Status.
 */
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { RequestAuthenticator } from '../auth/authentication-chain';
import type { Authorizer } from '../auth/authorizer';
import type { RequestHeaderNames } from '../auth/request-header';
import { StatusError } from '../errors/status-error';
import type { Logger } from '../logging/logger';
import type { RegistryStore } from '../registry/store';
import { accessLog } from './access-log';
import { auditId } from './audit-id';
import { authenticateRequests } from './authenticate-request';
import { authorizeRequests } from './authorize';
import { rejectMalformedPaths } from './malformed-path';
import { maxInFlight } from './max-in-flight';
import type { MaxInFlightOptions } from './max-in-flight';
import { requestTimeout } from './request-timeout';
import { discoveryRoutes, notFound } from './discovery-routes';
import { healthRoutes } from './health-routes';
import type { Health } from './health-routes';
import { resourceRoutes } from './resource-routes';
import { subresourceRoutes } from './subresource-routes';
import { isServerFault, sendStatusError } from './status';

export interface AppOptions {
  store: RegistryStore;
  /** The same objects under the status strategy (foos/{name}/status). */
  statusStore: RegistryStore;
  logger: Logger;
  accessLogLevel: string;
  authenticate: RequestAuthenticator;
  /** The front proxy's header names in force, removed from every request once authenticated. */
  identityHeaders: () => RequestHeaderNames;
  authorize: Authorizer;
  /** Absent: no in-flight limit. */
  maxInFlight?: MaxInFlightOptions;
  /** Deadline of non-watch requests; 0 or absent: none. */
  requestTimeoutMs?: number;
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
  // Filters in k8s' order: audit id, log, deadline, authentication, in-flight limit, authorization.
  app.use(auditId());
  app.use(accessLog(options.logger, options.accessLogLevel));
  app.use(rejectMalformedPaths());
  if (options.requestTimeoutMs) app.use(requestTimeout({ timeoutMs: options.requestTimeoutMs }));
  app.use(
    authenticateRequests({ authenticate: options.authenticate, identityHeaders: options.identityHeaders }),
  );
  if (options.maxInFlight) app.use(maxInFlight(options.maxInFlight));
  app.use(authorizeRequests(options.authorize));
  app.use(healthRoutes(options.health));
  app.use(discoveryRoutes());
  app.use(
    subresourceRoutes({
      store: options.store,
      statusStore: options.statusStore,
      maxRequestBytes: options.maxRequestBytes,
    }),
  );
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
        auditID: res.locals.auditID as string | undefined,
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
