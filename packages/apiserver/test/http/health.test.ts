import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';

describe('health, version and authentication at the door', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it.each(['/healthz', '/livez', '/readyz'])('answers %s with ok, without credentials', async (p) => {
    const res = await server.request('GET', p, { token: null });
    expect(res.status).toBe(200);
    expect(res.text).toBe('ok');
  });

  it('serves /version without credentials, with the minor kubectl dispatches on', async () => {
    const res = await server.request('GET', '/version?timeout=5s', { token: null });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ major: '1', minor: '32' });
  });

  it('refuses an API request without credentials with a 401 Status', async () => {
    const res = await server.request('GET', '/apis/bar.pwk.educative.io/v1beta1/namespaces/default/foos', {
      token: null,
    });
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({
      kind: 'Status',
      code: 401,
      reason: 'Unauthorized',
      status: 'Failure',
    });
  });

  it('refuses a wrong token, even on a health path', async () => {
    expect((await server.request('GET', '/apis', { token: 'wrong' })).status).toBe(401);
  });

  it('answers an unknown path with a 404 Status', async () => {
    const res = await server.request('GET', '/apis/other.example.com/v1');
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
    });
  });

  it('logs one access line per request with verb, path, status, latency and user', async () => {
    await server.request('GET', '/apis/bar.pwk.educative.io/v1beta1');
    const line = server.logs.find(
      (l) => l.message === 'request' && l.path === '/apis/bar.pwk.educative.io/v1beta1',
    );
    expect(line).toMatchObject({ verb: 'GET', status: 200, user: 'admin' });
    expect(typeof line?.latencyMs).toBe('number');
  });

  it('fails /readyz at once when shutdown begins', async () => {
    const other = await startTestServer({ flags: ['--shutdown-delay-duration=1s'] });
    const stopping = other.stop();
    await new Promise((r) => setTimeout(r, 100));
    const ready = await other.request('GET', '/readyz', { token: null });
    expect(ready.status).toBe(500);
    expect(ready.text).toContain('shutting down');
    // Requests are still served during the delay.
    expect((await other.request('GET', '/apis')).status).toBe(200);
    await stopping;
  });
});
