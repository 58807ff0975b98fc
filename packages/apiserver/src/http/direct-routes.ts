/**
 * The resource's plain requests — GET, PUT, PATCH, DELETE of one object and POST to a namespace's
 * collection, the API's hot path — dispatched without walking Express's router. The router would
 * run each filter as a layer, then match the path against every route of the health, discovery,
 * subresource and resource routers, for a request only one route answers. Here the same filters
 * run in the same order, then the same route handlers, and errors reach the same error handler:
 * only the routing is done differently, by a plain string check. A request it does not recognise
 * exactly (another method, escapes, a trailing slash, upper case, a subresource) goes on through
 * Express as before.
 */
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { DirectRoutes } from './resource-routes';

export interface DirectRoutesOptions {
  group: string;
  version: string;
  /** The resource's plural name, e.g. `foos`. */
  resource: string;
  /** The app's filters, in the order the app runs them. */
  filters: readonly RequestHandler[];
  /** The route handlers; they read `req.params.namespace` (and `.name` for an object). */
  routes: DirectRoutes;
  onError: ErrorRequestHandler;
}

/**
 * A namespace or name the router would hand over unchanged: lower-case alphanumerics, `-` and
 * `.`, alphanumeric at both ends — so no escapes to decode, no `.`/`..`, no slash.
 */
const PLAIN_SEGMENT = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;

export type PlainPath =
  { kind: 'object'; namespace: string; name: string } | { kind: 'collection'; namespace: string };

/** What `url` addresses when its path is exactly `<prefix><namespace>/<resource>[/<name>]`. */
export function plainPath(url: string, route: { prefix: string; resource: string }): PlainPath | undefined {
  if (!url.startsWith(route.prefix)) return undefined;
  const query = url.indexOf('?');
  const rest = url.slice(route.prefix.length, query < 0 ? undefined : query);
  const parts = rest.split('/');
  if (parts.length < 2 || parts.length > 3 || parts[1] !== route.resource) return undefined;
  const [namespace = '', , name] = parts;
  if (!PLAIN_SEGMENT.test(namespace)) return undefined;
  if (name === undefined) return { kind: 'collection', namespace };
  return PLAIN_SEGMENT.test(name) ? { kind: 'object', namespace, name } : undefined;
}

function handlersFor(routes: DirectRoutes, path: PlainPath, method: string): RequestHandler[] | undefined {
  if (path.kind === 'collection') return method === 'POST' ? routes.collection.POST : undefined;
  switch (method) {
    case 'GET':
    case 'PUT':
    case 'PATCH':
    case 'DELETE':
      return routes.object[method];
    default:
      return undefined;
  }
}

/** The first middleware of the app: serves the plain requests itself, passes everything else on. */
export function directRoutes(options: DirectRoutesOptions): RequestHandler {
  const route = {
    prefix: `/apis/${options.group}/${options.version}/namespaces/`,
    resource: options.resource,
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    const path = plainPath(req.url, route);
    const handlers = path && handlersFor(options.routes, path, req.method);
    if (!path || !handlers) return next();
    const { kind: _kind, ...params } = path;
    req.params = params;
    const chain = [...options.filters, ...handlers];
    let i = 0;
    const fail = (err: unknown): void => {
      void options.onError(err, req, res, () => {});
    };
    // Express's `next` for a flat chain: an error skips to the error handler.
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return fail(err);
      const handler = chain[i++];
      if (!handler) return;
      try {
        void handler(req, res, step as NextFunction);
      } catch (thrown) {
        fail(thrown);
      }
    };
    step();
  };
}
