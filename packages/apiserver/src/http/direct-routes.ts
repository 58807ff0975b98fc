/**
 * The installed resources' plain requests — GET, PUT, PATCH, DELETE of one object and POST to a
 * collection, the API's hot path — are routed here by plain string checks and never reach
 * Express: the router would match the path against every route of the health, discovery,
 * subresource and resource routers for a request only one route answers, and Express's request
 * and response prototypes (swapped in on every request) make each property access slower. The
 * handlers are the router's own (resource-routes.ts), after the same filters. A request not
 * recognised exactly (another method, escapes, a trailing slash, upper case, a subresource, a
 * version other than the resource's storage version) is left to the router.
 */
import type { ApiHandler, ApiRequest } from './exchange';
import type { DirectRoutes } from './resource-routes';

/** One resource the fast path serves. */
export interface DirectResource {
  group: string;
  version: string;
  /** The resource's plural name. */
  resource: string;
  namespaced: boolean;
  /** The route handlers; they read `req.params.namespace` (namespaced only) and `.name`. */
  routes: DirectRoutes;
}

export interface DirectRoutesOptions {
  /**
   * The resources served in the version they are stored in: the fast path hands the handlers'
   * stored bytes straight out, right only while requested version = storage version.
   */
  resources: readonly DirectResource[];
  /** The app's filters, run first, in this order. */
  filters: readonly ApiHandler[];
}

/**
 * A namespace or name the router would hand over unchanged: lower-case alphanumerics, `-` and
 * `.`, alphanumeric at both ends — so no escapes to decode, no `.`/`..`, no slash.
 */
const PLAIN_SEGMENT = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;

/** What a plain path addresses; `namespace` is '' for a cluster-scoped resource. */
export type PlainPath =
  | { kind: 'object'; key: string; namespace: string; name: string }
  | { kind: 'collection'; key: string; namespace: string };

const keyOf = (group: string, version: string, resource: string) => `${group}/${version}/${resource}`;

/**
 * What `url` addresses when its path is exactly `/apis/<group>/<version>/namespaces/<namespace>/
 * <resource>[/<name>]` or, for a cluster-scoped resource, `/apis/<group>/<version>/<resource>
 * [/<name>]`; `namespaced` tells which resources are which (by key `group/version/resource`).
 */
export function plainPath(
  url: string,
  namespaced: (key: string) => boolean | undefined,
): PlainPath | undefined {
  const query = url.indexOf('?');
  const parts = url.slice(0, query < 0 ? undefined : query).split('/');
  // ['', 'apis', group, version, ...rest]
  if (parts.length < 5 || parts[0] !== '' || parts[1] !== 'apis') return undefined;
  const [, , group = '', version = ''] = parts;
  const rest = parts.slice(4);
  if (rest[0] === 'namespaces' && (rest.length === 3 || rest.length === 4)) {
    const [, namespace = '', resource = '', name] = rest;
    const key = keyOf(group, version, resource);
    if (namespaced(key) !== true || !PLAIN_SEGMENT.test(namespace)) return undefined;
    if (name === undefined) return { kind: 'collection', key, namespace };
    return PLAIN_SEGMENT.test(name) ? { kind: 'object', key, namespace, name } : undefined;
  }
  if (rest.length > 2) return undefined;
  const [resource = '', name] = rest;
  const key = keyOf(group, version, resource);
  if (namespaced(key) !== false) return undefined;
  if (name === undefined) return { kind: 'collection', key, namespace: '' };
  return PLAIN_SEGMENT.test(name) ? { kind: 'object', key, namespace: '', name } : undefined;
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
 * namespace (for a namespaced resource) and name the route reads; undefined when the router has
 * to decide.
 */
export function directRoutes(options: DirectRoutesOptions): (req: ApiRequest) => ApiHandler[] | undefined {
  const entries = new Map(
    options.resources.map((r) => [
      keyOf(r.group, r.version, r.resource),
      { namespaced: r.namespaced, chains: withFilters(options.filters, r.routes) },
    ]),
  );
  const namespaced = (key: string) => entries.get(key)?.namespaced;
  return (req) => {
    const path = plainPath(req.url ?? '', namespaced);
    const entry = path && entries.get(path.key);
    const handlers = entry && handlersFor(entry.chains, path, req.method);
    if (!path || !handlers) return undefined;
    const params: Record<string, string> = entry.namespaced ? { namespace: path.namespace } : {};
    if (path.kind === 'object') params.name = path.name;
    req.params = params;
    return handlers;
  };
}
