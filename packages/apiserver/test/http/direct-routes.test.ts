/**
 * The fast path's path matching (direct-routes.ts): exactly the plain object and collection
 * paths of the resources it was given — namespaced and cluster-scoped — and nothing the router
 * has to decide (other versions, subresources, escapes, trailing slashes).
 */
import { directRoutes, plainPath } from '../../src/http/direct-routes';
import type { ApiHandler, ApiRequest } from '../../src/http/exchange';
import type { DirectRoutes } from '../../src/http/resource-routes';

const SCOPES: Record<string, boolean> = {
  'example.com/v1/widgets': false,
  'example.com/v1/gadgets': true,
};
const namespaced = (key: string) => SCOPES[key];

describe('plainPath', () => {
  it.each([
    ['/apis/example.com/v1/namespaces/ns/gadgets', { kind: 'collection', namespace: 'ns' }],
    ['/apis/example.com/v1/namespaces/ns/gadgets/a.b-c', { kind: 'object', namespace: 'ns', name: 'a.b-c' }],
    [
      '/apis/example.com/v1/namespaces/ns/gadgets/g?dryRun=All',
      { kind: 'object', namespace: 'ns', name: 'g' },
    ],
    ['/apis/example.com/v1/widgets', { kind: 'collection', namespace: '' }],
    ['/apis/example.com/v1/widgets/w1', { kind: 'object', namespace: '', name: 'w1' }],
    ['/apis/example.com/v1/widgets/w1?fieldManager=x', { kind: 'object', namespace: '', name: 'w1' }],
  ])('recognises %s', (url, expected) => {
    expect(plainPath(url, namespaced)).toMatchObject(expected);
  });

  it.each([
    // a cluster-scoped resource under a namespace, a namespaced one without
    '/apis/example.com/v1/namespaces/ns/widgets',
    '/apis/example.com/v1/gadgets/g',
    '/apis/example.com/v1/gadgets',
    // another version or group, an unknown resource
    '/apis/example.com/v2/widgets/w1',
    '/apis/other.com/v1/widgets/w1',
    '/apis/example.com/v1/sprockets/s',
    // subresources, trailing slashes, escapes, upper case, dot segments
    '/apis/example.com/v1/widgets/w1/status',
    '/apis/example.com/v1/namespaces/ns/gadgets/g/scale',
    '/apis/example.com/v1/widgets/',
    '/apis/example.com/v1/widgets/w%31',
    '/apis/example.com/v1/widgets/W1',
    '/apis/example.com/v1/widgets/..',
    '/apis/example.com/v1/namespaces/NS/gadgets',
    '/apis/example.com/v1',
    '/api/v1/widgets/w1',
  ])('leaves %s to the router', (url) => {
    expect(plainPath(url, namespaced)).toBeUndefined();
  });
});

describe('directRoutes', () => {
  const handler = (name: string): ApiHandler => Object.assign(() => undefined, { label: name });
  const routesOf = (prefix: string): DirectRoutes => ({
    object: {
      GET: [handler(`${prefix} get`)],
      PUT: [handler(`${prefix} put`)],
      PATCH: [handler(`${prefix} patch`)],
      DELETE: [handler(`${prefix} delete`)],
    },
    collection: { POST: [handler(`${prefix} create`)] },
  });
  const filter = handler('filter');
  const direct = directRoutes({
    filters: [filter],
    resources: [
      { group: 'example.com', version: 'v1', resource: 'widgets', namespaced: false, routes: routesOf('w') },
      { group: 'example.com', version: 'v1', resource: 'gadgets', namespaced: true, routes: routesOf('g') },
    ],
  });
  const labels = (handlers: ApiHandler[] | undefined) =>
    handlers?.map((h) => (h as ApiHandler & { label: string }).label);
  const request = (method: string, url: string) => ({ method, url }) as ApiRequest;

  it('runs the filters, then the route, with only the params the route reads', () => {
    const cluster = request('PUT', '/apis/example.com/v1/widgets/w1');
    expect(labels(direct(cluster))).toEqual(['filter', 'w put']);
    expect(cluster.params).toEqual({ name: 'w1' });
    const namespacedReq = request('POST', '/apis/example.com/v1/namespaces/ns/gadgets');
    expect(labels(direct(namespacedReq))).toEqual(['filter', 'g create']);
    expect(namespacedReq.params).toEqual({ namespace: 'ns' });
  });

  it('leaves a method it has no route for to the router (lists, watches, collection deletes)', () => {
    expect(direct(request('GET', '/apis/example.com/v1/widgets'))).toBeUndefined();
    expect(direct(request('DELETE', '/apis/example.com/v1/namespaces/ns/gadgets'))).toBeUndefined();
    expect(direct(request('POST', '/apis/example.com/v1/widgets/w1'))).toBeUndefined();
  });
});
