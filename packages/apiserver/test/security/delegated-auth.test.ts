/**
 * pwk as an aggregated server in a cluster: a fake kube-apiserver (real paths, real JSON) publishes
 * the extension-apiserver-authentication ConfigMap and answers TokenReview and SubjectAccessReview;
 * clients come as the front proxy, as client-CA users, with tokens, or as impostors.
 */
import { createCA, issueCertificate } from '../support/certificates';
import type { PemCertificate } from '../support/certificates';
import { startFakeKubeApiserver } from './fake-kube-apiserver';
import type { FakeKubeApiserver } from './fake-kube-apiserver';
import { FOOS, foo, startSecureServer } from './secure-server';
import type { SecureRequestOptions, SecureServer } from './secure-server';

const GROUP = 'bar.pwk.educative.io';
const UNAUTHORIZED = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'Unauthorized',
  reason: 'Unauthorized',
  code: 401,
};

const frontProxyCA = createCA('front-proxy-ca');
const proxy = issueCertificate(frontProxyCA, { cn: 'front-proxy-client', client: true });
const wrongName = issueCertificate(frontProxyCA, { cn: 'not-the-aggregator', client: true });
const clientCA = createCA('client-ca');
const bob = issueCertificate(clientCA, { cn: 'bob', organizations: ['devs'], client: true });
const otherCA = createCA('someone-elses-ca');
const impostor = issueCertificate(otherCA, { cn: 'front-proxy-client', client: true });

const CONFIGMAP = {
  'client-ca-file': clientCA.cert,
  'requestheader-client-ca-file': frontProxyCA.cert,
  'requestheader-allowed-names': '["front-proxy-client"]',
  'requestheader-username-headers': '["X-Remote-User"]',
  'requestheader-group-headers': '["X-Remote-Group"]',
  'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
};

/** Who the fake's RBAC lets in: ok-* and a few named users; erin's review fails outright. */
function decide(spec: Record<string, unknown>) {
  const user = String(spec.user);
  if (user === 'erin') return 'error' as const;
  if (user === 'denise') return { allowed: false, denied: true, reason: 'denied by policy' };
  if (user.startsWith('ok-') || ['alice', 'bob', 'tina'].includes(user)) {
    return { allowed: true, reason: 'RBAC: allowed by RoleBinding "edit/default"' };
  }
  return { allowed: false };
}

const asProxy = (user: string, headers: Record<string, string | string[]> = {}): SecureRequestOptions => ({
  certificate: proxy,
  headers: { 'X-Remote-User': user, ...headers },
});

describe('delegated authentication and authorization', () => {
  let kube: FakeKubeApiserver;
  let pwk: SecureServer;

  const reviewsOf = (user: string) =>
    kube.accessReviews.filter((r) => (r.spec as { user?: string }).user === user);

  beforeAll(async () => {
    kube = await startFakeKubeApiserver();
    kube.configMapData = { ...CONFIGMAP };
    kube.decide = decide;
    pwk = await startSecureServer({
      flags: [`--kubeconfig=${kube.kubeconfig}`],
      start: { authRefreshIntervalMs: 100 },
    });
  });

  afterAll(async () => {
    await pwk?.stop();
    await kube?.close();
  });

  describe('front proxy', () => {
    it('takes the user, groups and extra from the headers and asks SubjectAccessReview about them', async () => {
      const res = await pwk.request(
        'GET',
        FOOS,
        asProxy('alice', {
          'X-Remote-Group': ['devs', 'ops'],
          'X-Remote-Extra-Scopes': ['read', 'write'],
          'X-Remote-Extra-Acme.com%2Fproject': 'p1',
        }),
      );

      expect(res.status).toBe(200);
      expect(reviewsOf('alice')).toEqual([
        {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          metadata: { creationTimestamp: null },
          spec: {
            resourceAttributes: {
              namespace: 'default',
              verb: 'list',
              group: GROUP,
              version: 'v1beta1',
              resource: 'foos',
            },
            user: 'alice',
            groups: ['devs', 'ops', 'system:authenticated'],
            extra: { scopes: ['read', 'write'], 'acme.com/project': ['p1'] },
          },
          status: { allowed: false },
        },
      ]);
    });

    it.each([
      ['POST', FOOS, { verb: 'create' }],
      ['GET', `${FOOS}/verbs`, { verb: 'get', name: 'verbs' }],
      ['PUT', `${FOOS}/verbs/status`, { verb: 'update', name: 'verbs', subresource: 'status' }],
      ['PATCH', `${FOOS}/verbs/scale`, { verb: 'patch', name: 'verbs', subresource: 'scale' }],
      ['DELETE', `${FOOS}/verbs`, { verb: 'delete', name: 'verbs' }],
      ['DELETE', FOOS, { verb: 'deletecollection' }],
    ])('reviews %s %s as %j', async (method, path, expected) => {
      const user = `ok-${method}-${path.length}`;
      await pwk.request(method, path, asProxy(user));

      expect(
        reviewsOf(user).map((r) => (r.spec as { resourceAttributes: unknown }).resourceAttributes),
      ).toEqual([{ namespace: 'default', group: GROUP, version: 'v1beta1', resource: 'foos', ...expected }]);
    });

    it('does not trust the headers from a front-proxy certificate whose CN is not allowed', async () => {
      const res = await pwk.request('GET', FOOS, {
        certificate: wrongName,
        headers: { 'X-Remote-User': 'mallory' },
      });

      expect(res.status).toBe(401);
      expect(res.json()).toEqual(UNAUTHORIZED);
      expect(reviewsOf('mallory')).toEqual([]);
    });

    it("refuses a certificate from an unrelated CA, even with the aggregator's CN", async () => {
      const res = await pwk.request('GET', FOOS, {
        certificate: impostor,
        headers: { 'X-Remote-User': 'mallory', 'X-Remote-Group': 'system:masters' },
      });

      expect(res.status).toBe(401);
      expect(reviewsOf('mallory')).toEqual([]);
    });

    it("lets system:masters (the aggregator's availability probe) through without a review", async () => {
      const res = await pwk.request(
        'GET',
        `/apis/${GROUP}/v1beta1`,
        asProxy('system:kube-aggregator', { 'X-Remote-Group': 'system:masters' }),
      );

      expect(res.status).toBe(200);
      expect(reviewsOf('system:kube-aggregator')).toEqual([]);
    });

    it('refuses a proxy that names no user, even on /healthz: the client CA does not vouch for it (k8s)', async () => {
      expect((await pwk.request('GET', FOOS, { certificate: proxy })).status).toBe(401);
      expect((await pwk.request('GET', '/healthz', { certificate: proxy })).status).toBe(401);
    });
  });

  describe('header spoofing', () => {
    it("ignores X-Remote-* from a client-CA user: the request is that user's own", async () => {
      const res = await pwk.request('GET', FOOS, {
        certificate: bob,
        headers: { 'X-Remote-User': 'admin', 'X-Remote-Group': 'system:masters' },
      });

      expect(res.status).toBe(200);
      expect(reviewsOf('admin')).toEqual([]);
      expect(reviewsOf('bob').map((r) => (r.spec as { groups: string[] }).groups)).toEqual([
        ['devs', 'system:authenticated'],
      ]);
    });

    it('ignores X-Remote-* without any certificate: 401', async () => {
      const res = await pwk.request('GET', FOOS, {
        headers: { 'X-Remote-User': 'admin', 'X-Remote-Group': 'system:masters' },
      });

      expect(res.status).toBe(401);
      expect(res.json()).toEqual(UNAUTHORIZED);
    });
  });

  describe('bearer tokens (TokenReview)', () => {
    it('sends the token in a TokenReview, authenticates as the reviewed user and caches the answer', async () => {
      kube.tokens.set('tok-tina', { username: 'tina', uid: 'u-1', groups: ['qa', 'system:authenticated'] });

      const first = await pwk.request('GET', FOOS, { token: 'tok-tina' });
      const second = await pwk.request('GET', FOOS, { token: 'tok-tina' });

      expect([first.status, second.status]).toEqual([200, 200]);
      const reviews = kube.tokenReviews.filter((r) => (r.spec as { token: string }).token === 'tok-tina');
      expect(reviews).toEqual([
        {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenReview',
          metadata: { creationTimestamp: null },
          spec: { token: 'tok-tina' },
          status: {},
        },
      ]);
      expect(reviewsOf('tina').map((r) => r.spec)).toEqual([
        {
          resourceAttributes: {
            namespace: 'default',
            verb: 'list',
            group: GROUP,
            version: 'v1beta1',
            resource: 'foos',
          },
          user: 'tina',
          groups: ['qa', 'system:authenticated'],
          uid: 'u-1',
        },
      ]);
    });

    it('refuses a token the kube-apiserver does not know with 401', async () => {
      const res = await pwk.request('GET', FOOS, { token: 'tok-unknown' });

      expect(res.status).toBe(401);
      expect(res.json()).toEqual(UNAUTHORIZED);
    });

    it('answers 401 without the cause when TokenReview fails, and logs the cause with the audit id', async () => {
      kube.tokens.set('tok-broken', 'error');

      const res = await pwk.request('GET', FOOS, { token: 'tok-broken' });

      expect(res.status).toBe(401);
      expect(res.json()).toEqual(UNAUTHORIZED);
      expect(res.text).not.toContain('etcdserver');
      const logged = pwk.logs.find((l) => l.auditID === res.headers['audit-id'] && l.level === 'warn');
      expect(logged).toMatchObject({ message: 'TokenReview failed; the request is not authenticated' });
      expect(String(logged?.error)).toContain('etcdserver: leader changed');
    });
  });

  describe('authorization (SubjectAccessReview)', () => {
    it("refuses with 403 and Kubernetes' message, and writes nothing", async () => {
      const res = await pwk.request('POST', FOOS, { ...asProxy('denise'), body: foo('denied') });

      expect(res.status).toBe(403);
      expect(res.json()).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `foos.${GROUP} is forbidden: User "denise" cannot create resource "foos" in API group "${GROUP}" in the namespace "default": denied by policy`,
        reason: 'Forbidden',
        details: { group: GROUP, kind: 'foos' },
        code: 403,
      });
      expect((await pwk.request('GET', `${FOOS}/denied`, asProxy('alice'))).status).toBe(404);
    });

    it.each([
      [
        'GET',
        `${FOOS}/x`,
        `foos.${GROUP} "x" is forbidden: User "dave" cannot get resource "foos" in API group "${GROUP}" in the namespace "default"`,
      ],
      [
        'GET',
        `/apis/${GROUP}/v1beta1/foos`,
        `foos.${GROUP} is forbidden: User "dave" cannot list resource "foos" in API group "${GROUP}" at the cluster scope`,
      ],
      [
        'PUT',
        `${FOOS}/x/status`,
        `foos.${GROUP} "x" is forbidden: User "dave" cannot update resource "foos/status" in API group "${GROUP}" in the namespace "default"`,
      ],
      ['GET', '/apis', 'forbidden: User "dave" cannot get path "/apis"'],
    ])('names user, verb and target: %s %s', async (method, path, message) => {
      const res = await pwk.request(method, path, {
        ...asProxy('dave'),
        body: method === 'PUT' ? foo('x') : undefined,
      });

      expect(res.status).toBe(403);
      expect(res.json()).toMatchObject({ reason: 'Forbidden', code: 403, message });
    });

    it('answers 500 without the cause when the review fails, and logs the cause with the audit id', async () => {
      const res = await pwk.request('GET', FOOS, asProxy('erin'));

      expect(res.status).toBe(500);
      expect(res.json()).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Internal error occurred: an internal error occurred',
        reason: 'InternalError',
        code: 500,
      });
      const logged = pwk.logs.find((l) => l.auditID === res.headers['audit-id'] && l.level === 'error');
      expect(logged).toMatchObject({ message: 'request failed', verb: 'GET', path: FOOS });
      expect(String(logged?.error)).toContain('cannot create resource "subjectaccessreviews"');
    });

    it('caches allowed and denied answers, but not failures', async () => {
      for (const user of ['ok-cached', 'no-cached', 'erin']) {
        await pwk.request('GET', `${FOOS}/cached`, asProxy(user));
        await pwk.request('GET', `${FOOS}/cached`, asProxy(user));
      }

      expect(reviewsOf('ok-cached')).toHaveLength(1);
      expect(reviewsOf('no-cached')).toHaveLength(1);
      expect(reviewsOf('erin').filter((r) => JSON.stringify(r).includes('cached'))).toHaveLength(2);
    });

    it.each(['/healthz', '/readyz', '/livez'])('lets anyone reach %s without a review', async (path) => {
      const before = kube.accessReviews.length;

      expect((await pwk.request('GET', path)).status).toBe(200);
      expect(kube.accessReviews.length).toBe(before);
    });

    it('asks about anonymous requests to /version like any other', async () => {
      const res = await pwk.request('GET', '/version');

      expect(res.status).toBe(403);
      expect(reviewsOf('system:anonymous').map((r) => r.spec)).toEqual([
        {
          nonResourceAttributes: { path: '/version', verb: 'get' },
          user: 'system:anonymous',
          groups: ['system:unauthenticated'],
        },
      ]);
    });
  });

  describe('configuration from the extension-apiserver-authentication ConfigMap', () => {
    const eventually = async (check: () => Promise<boolean>, what: string) => {
      const deadline = Date.now() + 5000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const statusAs = async (certificate: PemCertificate, headers: Record<string, string> = {}) =>
      (await pwk.request('GET', FOOS, { certificate, headers })).status;

    afterEach(async () => {
      kube.configMapData = { ...CONFIGMAP };
      await eventually(
        async () =>
          (await statusAs(bob)) === 200 && (await statusAs(proxy, { 'X-Remote-User': 'alice' })) === 200,
        'the original configuration',
      );
    });

    it('applies a rotated client CA without a restart', async () => {
      const rotatedCA = createCA('client-ca-2');
      const newBob = issueCertificate(rotatedCA, { cn: 'bob', client: true });
      expect(await statusAs(newBob)).toBe(401);

      kube.configMapData = { ...CONFIGMAP, 'client-ca-file': rotatedCA.cert };
      await eventually(async () => (await statusAs(newBob)) === 200, 'the rotated CA');

      expect(await statusAs(bob)).toBe(401);
    });

    it('applies changed front-proxy allowed names without a restart', async () => {
      kube.configMapData = { ...CONFIGMAP, 'requestheader-allowed-names': '["not-the-aggregator"]' };
      await eventually(
        async () => (await statusAs(wrongName, { 'X-Remote-User': 'alice' })) === 200,
        'the new name',
      );

      expect(await statusAs(proxy, { 'X-Remote-User': 'alice' })).toBe(401);
    });

    it('keeps the last good configuration when the ConfigMap turns bad, and says so', async () => {
      kube.configMapData = { ...CONFIGMAP, 'requestheader-allowed-names': 'not json' };
      await eventually(
        async () =>
          pwk.logs.some((l) => String(l.error).includes('requestheader-allowed-names is not a JSON array')),
        'the warning',
      );

      expect(await statusAs(proxy, { 'X-Remote-User': 'alice' })).toBe(200);
    });
  });
});
