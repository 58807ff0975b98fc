import { requestAttributes } from '../../src/auth/request-attributes';

const attributes = (method: string, url: string) => {
  const [path = '', query = ''] = url.split('?');
  return requestAttributes({ method, path, query: new URLSearchParams(query) });
};

const BASE = '/apis/bar.pwk.educative.io/v1beta1';
const resource = {
  resourceRequest: true,
  apiGroup: 'bar.pwk.educative.io',
  apiVersion: 'v1beta1',
  resource: 'foos',
};

describe('requestAttributes', () => {
  it.each([
    ['GET', `${BASE}/namespaces/ns/foos/x`, { verb: 'get', namespace: 'ns', name: 'x', subresource: '' }],
    ['HEAD', `${BASE}/namespaces/ns/foos/x`, { verb: 'get', name: 'x' }],
    ['GET', `${BASE}/namespaces/ns/foos`, { verb: 'list', namespace: 'ns', name: '' }],
    ['GET', `${BASE}/foos`, { verb: 'list', namespace: '' }],
    ['GET', `${BASE}/namespaces/ns/foos?watch=true`, { verb: 'watch' }],
    ['GET', `${BASE}/namespaces/ns/foos?watch=1`, { verb: 'watch' }],
    ['GET', `${BASE}/namespaces/ns/foos?watch=false`, { verb: 'list' }],
    ['GET', `${BASE}/watch/namespaces/ns/foos`, { verb: 'watch', namespace: 'ns' }],
    [
      'GET',
      `${BASE}/namespaces/ns/foos?fieldSelector=metadata.name%3Dx&watch=1`,
      { verb: 'watch', name: 'x' },
    ],
    ['GET', `${BASE}/namespaces/ns/foos?fieldSelector=metadata.name%3D..`, { verb: 'list', name: '' }],
    ['POST', `${BASE}/namespaces/ns/foos`, { verb: 'create', name: '' }],
    ['PUT', `${BASE}/namespaces/ns/foos/x`, { verb: 'update', name: 'x' }],
    ['PATCH', `${BASE}/namespaces/ns/foos/x/scale`, { verb: 'patch', name: 'x', subresource: 'scale' }],
    ['PUT', `${BASE}/namespaces/ns/foos/x/status`, { verb: 'update', subresource: 'status' }],
    ['DELETE', `${BASE}/namespaces/ns/foos/x`, { verb: 'delete', name: 'x' }],
    ['DELETE', `${BASE}/namespaces/ns/foos`, { verb: 'deletecollection' }],
    ['GET', `${BASE}/namespaces/ns/foos/a%2Fb`, { verb: 'get', name: 'a/b', subresource: '' }],
  ])('%s %s is a resource request %j', (method, url, expected) => {
    expect(attributes(method, url)).toMatchObject({ ...resource, ...expected });
  });

  it('reads /namespaces/{ns} alone as the namespace object (k8s: resource "namespaces")', () => {
    expect(attributes('GET', `${BASE}/namespaces/ns`)).toMatchObject({
      resource: 'namespaces',
      namespace: 'ns',
      name: 'ns',
    });
  });

  it.each([
    ['GET', '/apis'],
    ['GET', '/apis/bar.pwk.educative.io'],
    ['GET', BASE],
    ['GET', '/openapi/v3'],
    ['GET', '/healthz'],
    ['OPTIONS', `${BASE}/namespaces/ns/foos`],
  ])('%s %s is a non-resource request with the method as verb', (method, path) => {
    expect(attributes(method, path)).toEqual({ resourceRequest: false, verb: method.toLowerCase(), path });
  });
});
