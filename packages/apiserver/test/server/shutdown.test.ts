/**
 * Graceful shutdown as a client on a kept-alive connection sees it: during the shutdown delay
 * requests are still served (and /readyz fails); after it, a request on the same open connection —
 * a watch included — gets 503 with Retry-After and the connection is closed, open watches end
 * cleanly, and shutdown completes long before --shutdown-timeout, releasing the data dir for the
 * next server at once.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { ADMIN_TOKEN, openWatchStream, readResponse, startTestServer } from '../support/server';
import type { TestResponse, TestServer } from '../support/server';

const FOOS = '/apis/bar.pwk.educative.io/v1beta1/namespaces/default/foos';

describe('graceful shutdown', () => {
  let server: TestServer;
  let agent: https.Agent;
  beforeEach(async () => {
    server = await startTestServer({
      // A shutdown-timeout far beyond the test's own timeout: waiting for it fails the test.
      flags: ['--shutdown-delay-duration=400ms', '--shutdown-timeout=120s'],
    });
    agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: readFileSync(server.server.certFile) });
  });
  afterEach(async () => {
    agent.destroy();
    await server.stop();
  });

  /** One request on the agent's single kept-alive connection. */
  const onKeptAlive = (path: string) =>
    new Promise<TestResponse & { reused: boolean }>((resolve, reject) => {
      const req = https.request(
        `${server.url}${path}`,
        { agent, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
        (res) => readResponse(res).then((r) => resolve({ ...r, reused: req.reusedSocket }), reject),
      );
      req.on('error', reject);
      req.end();
    });

  /** A create whose body is still coming: a request in flight until `finish()`. */
  function slowCreate(name: string): { finish(): void; answer: Promise<TestResponse> } {
    const body = JSON.stringify({
      apiVersion: 'bar.pwk.educative.io/v1beta1',
      kind: 'Foo',
      metadata: { name },
      spec: { replicas: 1 },
    });
    let req!: ReturnType<typeof https.request>;
    const answer = new Promise<TestResponse>((resolve, reject) => {
      req = https.request(
        `${server.url}${FOOS}`,
        {
          method: 'POST',
          ca: readFileSync(server.server.certFile),
          headers: {
            authorization: `Bearer ${ADMIN_TOKEN}`,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
          },
        },
        (res) => readResponse(res).then(resolve, reject),
      );
      req.on('error', reject);
    });
    req.write(body.slice(0, 10));
    return { finish: () => req.end(body.slice(10)), answer };
  }

  /** A watch on the agent's kept-alive connection; resolves when its stream has ended cleanly. */
  const keptAliveWatch = () =>
    new Promise<{ ended: Promise<void> }>((resolve, reject) => {
      const req = https.request(
        `${server.url}${FOOS}?watch=true`,
        { agent, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
        (res) => {
          expect(res.statusCode).toBe(200);
          res.resume();
          resolve({ ended: new Promise<void>((done) => res.on('end', done)) });
        },
      );
      req.on('error', reject);
      req.end();
    });

  it('refuses new requests on open connections after the delay, watches included, and stops at once', async () => {
    const keptAlive = await keptAliveWatch();
    const other = await openWatchStream(server, `${FOOS}?watch=true`);
    const inFlight = slowCreate('in-flight');
    // Let the create's headers reach the server before shutdown starts.
    await new Promise((r) => setTimeout(r, 100));

    const stopped = server.server.shutdown();
    // During the delay: /readyz fails, requests are still served.
    expect((await server.request('GET', '/readyz')).status).toBe(500);
    expect((await server.request('GET', FOOS)).status).toBe(200);

    // After it, open watches end with a clean end of stream...
    await keptAlive.ended;
    await other.ended;
    // ...and a new request on the same kept-alive connection, a watch, is refused and the
    // connection closed.
    const refused = await onKeptAlive(`${FOOS}?watch=true&resourceVersion=0`);
    expect(refused.reused).toBe(true);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers.connection).toBe('close');
    expect(refused.json()).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'ServiceUnavailable',
      message: 'apiserver is shutting down',
      code: 503,
    });

    // What was in flight finishes and is kept; then the server stops, long before --shutdown-timeout.
    inFlight.finish();
    expect((await inFlight.answer).status).toBe(201);
    await stopped;

    // The data dir is free for the replacement at once.
    const next = await startTestServer({ dataDir: server.dataDir });
    try {
      expect((await next.request('GET', `${FOOS}/in-flight`)).status).toBe(200);
    } finally {
      await next.stop();
    }
  }, 20_000);

  it('waits for a request in flight when the gate closes', async () => {
    const stopped = server.server.shutdown();
    // A create that starts during the delay finishes and is kept.
    const created = await server.request('POST', FOOS, {
      body: {
        apiVersion: 'bar.pwk.educative.io/v1beta1',
        kind: 'Foo',
        metadata: { name: 'late-but-in-time' },
        spec: { replicas: 1 },
      },
    });
    expect(created.status).toBe(201);
    await stopped;
    const next = await startTestServer({ dataDir: server.dataDir });
    try {
      expect((await next.request('GET', `${FOOS}/late-but-in-time`)).status).toBe(200);
    } finally {
      await next.stop();
    }
  }, 20_000);
});
