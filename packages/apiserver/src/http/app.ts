/**
 * The request listener: the filters (audit id, access log, request deadline, authentication,
 * in-flight limit, authorization), then the plain object and collection requests straight to
 * their handlers (direct-routes.ts) and everything else to an Express router — health, discovery,
 * subresources, the other resource routes, 404 for unknown paths. One error handler turns
 * anything thrown into a Kubernetes Status.
 */
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { RequestListener } from 'node:http';
import type { RequestAuthenticator } from '../auth/authentication-chain';
import type { Authorizer } from '../auth/authorizer';
import type { RequestHeaderNames } from '../auth/request-header';
import { StatusError } from '../errors/status-error';
import type { Logger } from '../logging/logger';
import type { InstalledAPI } from '../apis/installed-api';
import { openAPIDocuments } from '../discovery/openapi-served-documents';
import type { ApiserverMetrics } from '../observability/metrics/apiserver-metrics';
import { accessLog } from './access-log';
import { auditRequests } from './audit-requests';
import { traceRequests } from './trace-requests';
import type { Tracing } from '../observability/tracing/tracer';
import type { AuditRequestsOptions } from './audit-requests';
import { auditId } from './audit-id';
import { authenticateRequests } from './authenticate-request';
import { authorizeRequests } from './authorize';
import { rejectMalformedPaths } from './malformed-path';
import { maxInFlight } from './max-in-flight';
import type { MaxInFlightOptions } from './max-in-flight';
import { requestTimeout } from './request-timeout';
import { discoveryRoutes, notFound } from './discovery-routes';
import { healthRoutes } from './health-routes';
import { instrumentRequests } from './instrument-requests';
import { metricsRoutes } from './metrics-routes';
import type { Health } from './health-routes';
import { directRoutes } from './direct-routes';
import { requestUrl } from './exchange';
import type { ApiHandler, ApiRequest, ApiResponse } from './exchange';
import { runHandlers } from './handler-chain';
import type { ShutdownGate } from './shutdown-gate';
import type { BodyDecoder } from './body';
import { resourceRoutes } from './resource-routes';
import { subresourceRoutes } from './subresource-routes';
import type { ServedResource } from './served-resource';
import { isServerFault, sendStatusError } from './status';

export interface AppOptions {
  /** What discovery and OpenAPI describe. */
  api: InstalledAPI;
  /** Every resource of `api`, with what answers its requests. */
  resources: readonly ServedResource[];
  logger: Logger;
  accessLogLevel: string;
  /** -v 2 and above: the access log adds the client address and the Accept and Content-Type headers. */
  accessLogDetailed?: boolean;
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
  decoder: BodyDecoder;
  /** Graceful shutdown: the first filter, and the signal that ends open watches. */
  shutdown?: ShutdownGate;
  /** The server's metrics: requests are recorded in them and /metrics serves them. */
  metrics: ApiserverMetrics;
  /** Absent: no spans. */
  tracing?: Tracing;
  /** Absent: nothing is audited. */
  audit?: { decide: AuditRequestsOptions['decide']; sink: AuditRequestsOptions['sink'] };
}

/**
 * Filters in k8s' order: metrics (kube's request-received clock), shutdown gate, audit id, log,
 * deadline, authentication, audit, in-flight limit, authorization.
 */
function requestFilters(options: AppOptions): ApiHandler[] {
  const { api } = options;
  const filters: ApiHandler[] = [
    instrumentRequests({
      metrics: options.metrics.requests,
      serves: (attributes) =>
        api.resource(attributes.apiGroup, attributes.apiVersion, attributes.resource) !== undefined,
    }),
    ...(options.tracing ? [traceRequests(options.tracing)] : []),
    ...(options.shutdown ? [options.shutdown.filter] : []),
    auditId(),
    accessLog(options.logger, {
      level: options.accessLogLevel,
      detailed: options.accessLogDetailed ?? false,
    }),
    rejectMalformedPaths(),
  ];
  if (options.requestTimeoutMs) filters.push(requestTimeout({ timeoutMs: options.requestTimeoutMs }));
  filters.push(
    authenticateRequests({
      authenticate: options.authenticate,
      identityHeaders: options.identityHeaders,
      metrics: options.metrics.auth,
      tracer: options.tracing?.tracer,
    }),
  );
  if (options.audit) filters.push(auditRequests({ ...options.audit, metrics: options.metrics.audit }));
  if (options.maxInFlight) filters.push(maxInFlight(options.maxInFlight));
  filters.push(
    authorizeRequests(options.authorize, { metrics: options.metrics.auth, tracer: options.tracing?.tracer }),
  );
  return filters;
}

/** Turns anything thrown into a Kubernetes Status; server faults are logged with the audit id. */
function errorHandler(logger: Logger) {
  return (err: unknown, req: ApiRequest, res: ApiResponse): void => {
    const bodyError = err as { type?: string; limit?: number; status?: number };
    let error: unknown = err;
    if (bodyError?.type === 'entity.too.large')
      error = StatusError.requestEntityTooLarge(bodyError.limit ?? 0);
    else if (bodyError?.type && bodyError.status === 400)
      error = StatusError.badRequest('the request body could not be read');
    if (isServerFault(error)) {
      logger.error('request failed', {
        auditID: res.locals.auditID as string | undefined,
        verb: req.method,
        path: requestUrl(req),
        error: String((err as Error)?.stack ?? err),
      });
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendStatusError(res, error);
  };
}

/**
 * The server's request listener: the filters, then the direct routes or Express's router (health,
 * discovery, subresources, the other resource routes, 404 for the rest).
 */
export function createApp(options: AppOptions): RequestListener {
  const handleError = errorHandler(options.logger);
  const perResource = options.resources.map((resource) => {
    const { kind, version } = resource.installed;
    const routes = resourceRoutes({
      resource,
      now: options.now,
      minRequestTimeoutMs: options.minRequestTimeoutMs,
      bookmarkIntervalMs: options.bookmarkIntervalMs,
      maxRequestBytes: options.maxRequestBytes,
      decoder: options.decoder,
      watchesEnd: options.shutdown?.watchesEnd,
      watchMetrics: options.metrics.requests.watchesOf({
        group: kind.group,
        version: version.name,
        kind: kind.kind,
      }),
    });
    const subresources = subresourceRoutes({
      resource,
      maxRequestBytes: options.maxRequestBytes,
      decoder: options.decoder,
    });
    return { resource, routes, subresources };
  });

  const router = express();
  router.disable('x-powered-by');
  router.disable('etag');
  router.set('query parser', 'simple');
  router.use(healthRoutes(options.health));
  router.use(metricsRoutes(options.metrics.registry));
  router.use(discoveryRoutes({ api: options.api, openAPI: openAPIDocuments(options.api) }));
  for (const { subresources } of perResource) router.use(subresources);
  for (const { routes } of perResource) router.use(routes.router);
  router.use((_req: Request, _res: Response, next: NextFunction) => next(notFound()));
  // Express recognises an error handler by its four parameters.
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => handleError(err, req, res));

  const filters = requestFilters(options);
  const direct = directRoutes({
    filters,
    // The gate: only a version served as it is stored takes the fast path.
    resources: perResource
      .filter(({ resource }) => resource.installed.isStorageVersion)
      .map(({ resource: { installed }, routes }) => ({
        group: installed.kind.group,
        version: installed.version.name,
        resource: installed.kind.plural,
        namespaced: installed.kind.namespaced,
        routes: routes.direct,
      })),
  });
  // Express keeps the `res.locals` the filters filled (it only creates one when absent).
  const viaRouter: ApiHandler[] = [...filters, (req, res) => router(req as Request, res as Response)];
  return (incoming, outgoing) => {
    const req = incoming as ApiRequest;
    const res = outgoing as ApiResponse;
    res.locals = {};
    runHandlers(req, res, direct(req) ?? viaRouter, (err) => handleError(err, req, res));
  };
}
