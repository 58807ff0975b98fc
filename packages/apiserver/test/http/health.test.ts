import { eventually, startTestServer } from '../support/server';
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
    // Written when the response has gone out, so it may land just after the client has it.
    const isLine = (l: Record<string, unknown>) =>
      l.message === 'request' && l.path === '/apis/bar.pwk.educative.io/v1beta1';
    await eventually(() => server.logs.some(isLine), 'the access line');
    const line = server.logs.find(isLine);
    expect(line).toMatchObject({ verb: 'GET', status: 200, user: 'admin' });
    expect(typeof line?.latencyMs).toBe('number');
  });

  it('lists every check with ?verbose, as Kubernetes does, and skips the excluded ones', async () => {
    const verbose = await server.request('GET', '/readyz?verbose', { token: null });
    expect(verbose).toMatchObject({
      status: 200,
      text: '[+]ping ok\n[+]storage ok\n[+]shutdown ok\nreadyz check passed\n',
    });
    expect(verbose.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(verbose.headers['x-content-type-options']).toBe('nosniff');
    expect((await server.request('GET', '/livez?verbose', { token: null })).text).toBe(
      '[+]ping ok\nlivez check passed\n',
    );
    expect(
      (await server.request('GET', '/readyz?verbose&exclude=storage&exclude=nope', { token: null })).text,
    ).toBe(
      '[+]ping ok\n[+]storage excluded: ok\n[+]shutdown ok\n' +
        'warn: some health checks cannot be excluded: no matches for "nope"\nreadyz check passed\n',
    );
  });

  it.each(['/readyz/ping', '/readyz/storage', '/readyz/shutdown', '/livez/ping', '/healthz/storage'])(
    'answers the single check %s with ok',
    async (p) => {
      expect(await server.request('GET', p, { token: null })).toMatchObject({ status: 200, text: 'ok' });
    },
  );

  it('fails /readyz at once when shutdown begins, withholding the reason but for /readyz/shutdown', async () => {
    const other = await startTestServer({ flags: ['--shutdown-delay-duration=2s'] });
    const stopping = other.stop();
    const readyz = () => other.request('GET', '/readyz', { token: null });
    const deadline = Date.now() + 5000;
    let ready = await readyz();
    while (ready.status === 200 && Date.now() < deadline) ready = await readyz();
    expect(ready).toMatchObject({
      status: 500,
      text: '[+]ping ok\n[+]storage ok\n[-]shutdown failed: reason withheld\nreadyz check failed\n',
    });
    expect((await other.request('GET', '/readyz/shutdown', { token: null })).text).toBe(
      'internal server error: process is shutting down\n',
    );
    // Requests are still served during the delay.
    expect((await other.request('GET', '/apis')).status).toBe(200);
    await stopping;
  }, 15_000);
});
