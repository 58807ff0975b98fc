/**
 * Bad and heavy input against a standalone pwk: oversized, malformed and hostile bodies and paths
 * are refused without writing anything or crashing; slow clients do not block others and are cut
 * off; the in-flight limits answer 429; non-watch requests time out with 504; every answer carries
 * an Audit-ID.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MAX_NESTING_DEPTH } from '../../src/http/body';
import { connectRaw, postHead } from './raw-client';
import type { RawClient } from './raw-client';
import { FOOS, foo, startSecureServer } from './secure-server';
import type { SecureServer } from './secure-server';

const ADMIN = 'admin-token';
const CAROL = 'carol-token';
const ALL_FOOS = '/apis/bar.pwk.educative.io/v1beta1/foos';

describe('limits and hostile input', () => {
  let pwk: SecureServer;
  let ca: Buffer;
  const open: RawClient[] = [];

  beforeAll(async () => {
    const tokensDir = await mkdtemp(path.join(os.tmpdir(), 'pwk-tokens-'));
    const tokens = path.join(tokensDir, 'tokens.csv');
    await writeFile(tokens, `${ADMIN},admin,1,"system:masters"\n${CAROL},carol,2,"devs"\n`);
    // carol is an ordinary user: what she may do comes from a policy, not from system:masters.
    const policies = path.join(tokensDir, 'policies.jsonl');
    await writeFile(
      policies,
      '{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"group":"devs","namespace":"*","apiGroup":"*","resource":"*"}}\n',
    );
    pwk = await startSecureServer({
      flags: [
        `--token-auth-file=${tokens}`,
        `--authorization-policy-file=${policies}`,
        '--max-mutating-requests-inflight=2',
        '--max-requests-inflight=3',
        '--request-timeout=1s',
      ],
      // Long enough that trickling clients are still held while a loaded machine answers others.
      start: { headersTimeoutMs: 8000, connectionsCheckingIntervalMs: 250 },
    });
    await rm(tokensDir, { recursive: true });
    ca = await readFile(pwk.server.certFile);
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.destroy();
  });

  afterAll(async () => {
    await pwk?.stop();
  });

  const count = async () =>
    (await pwk.request('GET', ALL_FOOS, { token: ADMIN })).json<{ items: unknown[] }>().items.length;

  describe('Audit-ID', () => {
    it.each([
      ['an answer', FOOS, ADMIN, 200],
      ['a 401', FOOS, 'wrong', 401],
      ['a 404', '/nowhere', ADMIN, 404],
    ])('is a fresh UUID on %s', async (_what, urlPath, token, status) => {
      const res = await pwk.request('GET', urlPath, { token });

      expect(res.status).toBe(status);
      expect(res.headers['audit-id']).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    });

    it("echoes the caller's id (the aggregator forwards its own) and replaces an unusable one", async () => {
      const echoed = await pwk.request('GET', FOOS, { token: ADMIN, headers: { 'Audit-ID': 'kube-1234' } });
      const replaced = await pwk.request('GET', FOOS, {
        token: ADMIN,
        headers: { 'Audit-ID': 'x'.repeat(500) },
      });

      expect(echoed.headers['audit-id']).toBe('kube-1234');
      expect(replaced.headers['audit-id']).toHaveLength(36);
    });
  });

  describe('bodies', () => {
    afterAll(async () => {
      expect(await count()).toBe(0);
    });

    it('refuses a 10 MiB body with 413 RequestEntityTooLarge', async () => {
      const body = JSON.stringify(foo('big', { location: 'x'.repeat(10 * 1024 * 1024) }));
      const res = await pwk.request('POST', FOOS, { token: ADMIN, body });

      expect(res.status).toBe(413);
      expect(res.json()).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 });
    });

    it('refuses invalid UTF-8 in JSON syntax with 400, and in a name with 422', async () => {
      const broken = Buffer.concat([
        Buffer.from('{"apiVersion":'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('}'),
      ]);
      const badName = Buffer.concat([
        Buffer.from('{"apiVersion":"bar.pwk.educative.io/v1beta1","kind":"Foo","metadata":{"name":"a'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}}'),
      ]);

      expect((await pwk.request('POST', FOOS, { token: ADMIN, body: broken })).status).toBe(400);
      expect((await pwk.request('POST', FOOS, { token: ADMIN, body: badName })).json()).toMatchObject({
        reason: 'Invalid',
        code: 422,
      });
    });

    const deeplyNested = (depth: number) =>
      `{"apiVersion":"bar.pwk.educative.io/v1beta1","kind":"Foo","metadata":{"name":"deep"},"spec":{"location":${'['.repeat(depth)}${']'.repeat(depth)}}}`;

    it('survives deeply nested JSON: a Status without internals, nothing stored, still serving', async () => {
      const res = await pwk.request('POST', FOOS, { token: ADMIN, body: deeplyNested(200_000) });

      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.json()).toMatchObject({ kind: 'Status', status: 'Failure' });
      expect(res.text).not.toMatch(/RangeError|stack|\.ts/);
      expect((await pwk.request('GET', '/healthz')).status).toBe(200);
    });

    // Kubernetes' decoders stop at 10000 levels; pwk at MAX_NESTING_DEPTH (Node's stack is fixed).
    it('answers JSON nested past the limit with 400 BadRequest, as k8s does', async () => {
      const res = await pwk.request('POST', FOOS, { token: ADMIN, body: deeplyNested(200_000) });

      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({
        reason: 'BadRequest',
        message: "couldn't get version/kind; json parse error: invalid character '[' exceeded max depth",
      });
    });

    it('answers JSON nested just within the limit without a server error', async () => {
      const res = await pwk.request('POST', FOOS, {
        token: ADMIN,
        body: deeplyNested(MAX_NESTING_DEPTH - 3),
      });

      expect(res.json()).toMatchObject({ code: 422, reason: 'Invalid' });
    });

    it('answers a deeply nested patch with 400 BadRequest and writes nothing', async () => {
      await pwk.request('POST', FOOS, { token: ADMIN, body: foo('deep-patch') });
      const res = await pwk.request('PATCH', `${FOOS}/deep-patch`, {
        token: ADMIN,
        headers: { 'content-type': 'application/merge-patch+json' },
        body: `{"spec":{"location":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`,
      });
      const stored = await pwk.request('GET', `${FOOS}/deep-patch`, { token: ADMIN });
      await pwk.request('DELETE', `${FOOS}/deep-patch`, { token: ADMIN });

      expect(res.json()).toMatchObject({
        code: 400,
        message: "json parse error: invalid character '[' exceeded max depth",
      });
      expect(stored.json()).toMatchObject({ metadata: { generation: 1 } });
    });

    // Deeply nested and aliased YAML: test/http/yaml-bodies.test.ts (large YAML is decoded in a
    // worker thread, whose first start outlasts this suite's 1 s --request-timeout under ts-jest).

    it('refuses a huge number with 422', async () => {
      const body =
        '{"apiVersion":"bar.pwk.educative.io/v1beta1","kind":"Foo","metadata":{"name":"huge"},"spec":{"replicas":1e400}}';

      expect((await pwk.request('POST', FOOS, { token: ADMIN, body })).json()).toMatchObject({ code: 422 });
    });

    it('refuses a path-like name with 422 Invalid', async () => {
      const res = await pwk.request('POST', FOOS, { token: ADMIN, body: foo('../../x') });
      const bare = await pwk.request('POST', FOOS, { token: ADMIN, body: { metadata: { name: '../../x' } } });

      expect(res.json()).toMatchObject({ reason: 'Invalid', code: 422 });
      expect(bare.status).toBeGreaterThanOrEqual(400);
      expect(bare.status).toBeLessThan(500);
    });
  });

  describe('paths', () => {
    it.each([
      ['GET', `${FOOS}/a%2Fb`],
      ['PUT', `${FOOS}/a%2Fb`],
      ['DELETE', `${FOOS}/..%2F..%2Fx`],
      ['POST', '/apis/bar.pwk.educative.io/v1beta1/namespaces/..%2F..%2Fetc/foos'],
      ['GET', `${FOOS}/%E0%A4%A`],
    ])('refuses %s %s with 4xx and writes nothing', async (method, urlPath) => {
      const res = await pwk.request(method, urlPath, {
        token: ADMIN,
        body: method === 'GET' ? undefined : foo('a/b'),
      });

      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.text).not.toMatch(/\/tmp|node_modules|at .*\.ts/);
      expect(await count()).toBe(0);
      // Nothing appeared next to the data directory.
      expect((await readdir(pwk.dir)).sort()).toEqual(['certs', 'data']);
    });
  });

  describe('in-flight limits', () => {
    /** A POST that sends its headers and half its body, then stalls: it holds its slot. */
    const stalledPost = async (token: string) => {
      const client = await connectRaw(pwk.url, ca);
      open.push(client);
      client.send(postHead(FOOS, { token, contentLength: 100 }) + '{"apiVersion"');
      return client;
    };

    it('answers 429 with Retry-After beyond --max-mutating-requests-inflight, still serving reads', async () => {
      await stalledPost(CAROL);
      await stalledPost(CAROL);
      // They hold their slots once the server has read their headers: until then a dry run
      // (which stores nothing) still gets in.
      const dryRun = () => pwk.request('POST', `${FOOS}?dryRun=All`, { token: CAROL, body: foo('probe') });
      for (let deadline = Date.now() + 10_000; (await dryRun()).status !== 429;) {
        if (Date.now() > deadline) throw new Error('the stalled POSTs never held their slots');
      }

      const refused = await pwk.request('POST', FOOS, { token: CAROL, body: foo('third') });
      const read = await pwk.request('GET', FOOS, { token: CAROL });
      const privileged = await pwk.request('POST', FOOS, { token: ADMIN, body: foo('by-admin') });

      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json()).toMatchObject({
        reason: 'TooManyRequests',
        message: 'Too many requests, please try again later.',
        details: { retryAfterSeconds: 1 },
      });
      expect(read.status).toBe(200);
      expect(privileged.status).toBe(201);
      await pwk.request('DELETE', `${FOOS}/by-admin`, { token: ADMIN });
    });

    it('frees the slots when the clients go away', async () => {
      const res = await pwk.request('POST', FOOS, { token: CAROL, body: foo('after') });

      expect(res.status).toBe(201);
      await pwk.request('DELETE', `${FOOS}/after`, { token: ADMIN });
    });
  });

  describe('slow clients', () => {
    it('ends a request that takes longer than --request-timeout with 504, and writes nothing', async () => {
      const client = await stalledUpload();
      await client.closed;

      expect(client.received()).toMatch(/^HTTP\/1\.1 504 /);
      expect(client.received()).toContain(
        '"message":"Timeout: request did not complete within requested timeout - context deadline exceeded","reason":"Timeout"',
      );
      expect((await pwk.request('GET', `${FOOS}/late`, { token: ADMIN })).status).toBe(404);
    });

    async function stalledUpload(): Promise<RawClient> {
      const body = JSON.stringify(foo('late'));
      const client = await connectRaw(pwk.url, ca);
      open.push(client);
      client.send(postHead(FOOS, { token: ADMIN, contentLength: body.length }) + body.slice(0, 10));
      // The rest arrives after the deadline: it must not be stored.
      setTimeout(() => client.send(body.slice(10)), 1500).unref();
      return client;
    }

    it('keeps serving others while 1,000 clients trickle their headers, then cuts those off', async () => {
      const slow: RawClient[] = [];
      for (let batch = 0; batch < 10; batch += 1) {
        const clients = await Promise.all(Array.from({ length: 100 }, () => connectRaw(pwk.url, ca)));
        for (const client of clients) client.send('GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
        slow.push(...clients);
      }
      open.push(...slow);

      let cutOff = 0;
      for (const client of slow) void client.closed.then(() => cutOff++);
      const res = await pwk.request('GET', FOOS, { token: CAROL });

      // Answered while every trickling client was still held (no clock: they are cut off later).
      expect(res.status).toBe(200);
      expect(cutOff).toBe(0);
      await Promise.all(slow.map((client) => client.closed));
      expect(slow.every((client) => !client.received().includes('200 OK'))).toBe(true);
    }, 30_000);
  });
});
