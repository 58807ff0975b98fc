/**
 * The resource's plain requests — GET, PUT, PATCH, DELETE of one object and POST to a namespace's
 * collection, the API's hot path — are routed here by a plain string check and never reach
 * Express: the router would match the path against every route of the health, discovery,
 * subresource and resource routers for a request only one route answers, and Express's request
 * and response prototypes (swapped in on every request) make each property access slower. The
 * handlers are the router's own (resource-routes.ts), after the same filters. A request not
 * recognised exactly (another method, escapes, a trailing slash, upper case, a subresource) is
 * left to the router.
 */
import type { ApiHandler, ApiRequest } from './exchange';
import type { DirectRoutes } from './resource-routes';

export interface DirectRoutesOptions {
  group: string;
  version: string;
  /** The resource's plural name, e.g. `foos`. */
  resource: string;
  /** The app's filters, run first, in this order. */
  filters: readonly ApiHandler[];
  /** The route handlers; they read `req.params.namespace` (and `.name` for an object). */
  routes: DirectRoutes;
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

function handlersFor(routes: DirectRoutes, path: PlainPath, method: string): ApiHandler[] | undefined {
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

/** Each route's handlers behind the filters, joined once. */
function withFilters(filters: readonly ApiHandler[], routes: DirectRoutes): DirectRoutes {
  const chain = (handlers: ApiHandler[]) => [...filters, ...handlers];
  return {
    object: {
      GET: chain(routes.object.GET),
      PUT: chain(routes.object.PUT),
      PATCH: chain(routes.object.PATCH),
      DELETE: chain(routes.object.DELETE),
    },
    collection: { POST: chain(routes.collection.POST) },
  };
}

/**
 * The handlers for a request — the filters, then its route's — with `req.params` set to the
 * namespace (and name) the route reads; undefined when the router has to decide.
 */
export function directRoutes(options: DirectRoutesOptions): (req: ApiRequest) => ApiHandler[] | undefined {
  const route = {
    prefix: `/apis/${options.group}/${options.version}/namespaces/`,
    resource: options.resource,
  };
  const chains = withFilters(options.filters, options.routes);
  return (req) => {
    const path = plainPath(req.url ?? '', route);
    const handlers = path && handlersFor(chains, path, req.method);
    if (!path || !handlers) return undefined;
    req.params =
      path.kind === 'object' ? { namespace: path.namespace, name: path.name } : { namespace: path.namespace };
    return handlers;
  };
}
