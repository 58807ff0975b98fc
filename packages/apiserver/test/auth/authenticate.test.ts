/**
 * The authentication chain over real TLS: a server built like pwk's (requestCert, no rejection at
 * the handshake, client CA), clients presenting certificates and bearer tokens.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createAuthenticator, isAlwaysAllowed } from '../../src/auth/authenticate';
import type { AuthRequest } from '../../src/auth/authenticate';
import { TokenAuthenticator } from '../../src/auth/token-file';
import { StatusError } from '../../src/errors/status-error';
import { createCA, issueCertificate } from '../support/certificates';
import type { PemCertificate } from '../support/certificates';

const UNAUTHORIZED = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'Unauthorized',
  reason: 'Unauthorized',
  code: 401,
};

const ANONYMOUS = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

const tokens = TokenAuthenticator.fromCsv('s3cret-token,carol,uid-3,"viewers,ops"\n', 'tokens.csv');

describe('authentication over TLS', () => {
  const serverCA = createCA('pwk-serving-ca');
  const clientCA = createCA('pwk-client-ca');
  const otherCA = createCA('someone-elses-ca');
  const serving = issueCertificate(serverCA, { cn: 'pwk-apiserver' });
  const alice = issueCertificate(clientCA, { cn: 'alice', organizations: ['devs', 'ops'], client: true });
  const impostor = issueCertificate(otherCA, {
    cn: 'alice',
    organizations: ['system:masters'],
    client: true,
  });
  const expired = issueCertificate(clientCA, {
    cn: 'alice',
    client: true,
    notBefore: new Date(Date.now() - 48 * 3600_000),
    notAfter: new Date(Date.now() - 24 * 3600_000),
  });
  const serverOnly = issueCertificate(clientCA, { cn: 'alice' });

  let server: https.Server;
  let port: number;

  beforeAll(async () => {
    const authenticate = createAuthenticator({ tokens, clientCertificates: true });
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const path = new URL(req.url ?? '/', 'https://localhost').pathname;
      try {
        const user = authenticate({ headers: req.headers, socket: req.socket as TLSSocket, path });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(user));
      } catch (err) {
        const status = err instanceof StatusError ? err : StatusError.internal();
        res
          .writeHead(status.code, { 'content-type': 'application/json' })
          .end(JSON.stringify(status.toStatus()));
      }
    };
    server = https.createServer(
      {
        key: serving.key,
        cert: serving.cert,
        ca: clientCA.cert,
        requestCert: true,
        rejectUnauthorized: false,
      },
      handler,
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** GET `path` with a fresh connection (agent: false), so no TLS session carries over. */
  const get = (path: string, as: { certificate?: PemCertificate; token?: string } = {}) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          path,
          ca: serverCA.cert,
          agent: false,
          ...(as.certificate ? { key: as.certificate.key, cert: as.certificate.cert } : {}),
          headers: as.token === undefined ? {} : { authorization: `Bearer ${as.token}` },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  const API = '/apis/bar.pwk.educative.io/v1beta1/namespaces/default/foos';

  describe('client certificates', () => {
    it('authenticates a certificate signed by the client CA as CN with O as groups', async () => {
      expect(await get(API, { certificate: alice })).toEqual({
        status: 200,
        body: { name: 'alice', groups: ['devs', 'ops', 'system:authenticated'] },
      });
    });

    it('refuses a certificate signed by another CA with 401, whatever it claims', async () => {
      expect(await get(API, { certificate: impostor })).toEqual({ status: 401, body: UNAUTHORIZED });
    });

    it('refuses an expired certificate from the client CA', async () => {
      expect(await get(API, { certificate: expired })).toEqual({ status: 401, body: UNAUTHORIZED });
    });

    it('refuses a certificate from the client CA that is only valid for server auth', async () => {
      expect(await get(API, { certificate: serverOnly })).toEqual({ status: 401, body: UNAUTHORIZED });
    });

    it('prefers a verified certificate over a bearer token, even a wrong one', async () => {
      expect(await get(API, { certificate: alice, token: 'wrong' })).toMatchObject({
        status: 200,
        body: { name: 'alice' },
      });
    });

    it('still accepts a valid token next to a certificate it refuses', async () => {
      expect(await get(API, { certificate: impostor, token: 's3cret-token' })).toMatchObject({
        status: 200,
        body: { name: 'carol' },
      });
    });
  });

  describe('bearer tokens', () => {
    it('authenticates a token from the token file with its uid and groups', async () => {
      expect(await get(API, { token: 's3cret-token' })).toEqual({
        status: 200,
        body: { name: 'carol', uid: 'uid-3', groups: ['viewers', 'ops', 'system:authenticated'] },
      });
    });

    it('refuses an unknown token with 401', async () => {
      expect(await get(API, { token: 's3cret-tokeN' })).toEqual({ status: 401, body: UNAUTHORIZED });
    });
  });

  describe('requests without credentials', () => {
    it('are 401 Unauthorized on API paths', async () => {
      expect(await get(API)).toEqual({ status: 401, body: UNAUTHORIZED });
      expect(await get('/apis')).toEqual({ status: 401, body: UNAUTHORIZED });
      expect(await get('/healthzz')).toEqual({ status: 401, body: UNAUTHORIZED });
    });

    it.each(['/healthz', '/livez', '/readyz', '/readyz/ping', '/version'])(
      'are the anonymous user on the always-allowed path %s',
      async (path) => {
        expect(await get(path)).toEqual({ status: 200, body: ANONYMOUS });
      },
    );

    it('do not turn refused credentials into anonymous on always-allowed paths', async () => {
      expect(await get('/healthz', { token: 'wrong' })).toEqual({ status: 401, body: UNAUTHORIZED });
      expect(await get('/healthz', { certificate: impostor })).toEqual({ status: 401, body: UNAUTHORIZED });
    });

    it('still authenticate real credentials on always-allowed paths', async () => {
      expect(await get('/version', { token: 's3cret-token' })).toMatchObject({ body: { name: 'carol' } });
    });
  });
});

describe('createAuthenticator', () => {
  const request = (authorization: string | string[] | undefined, path = '/apis'): AuthRequest => ({
    headers: { authorization },
    socket: {},
    path,
  });
  const authenticate = createAuthenticator({ tokens });
  const attempt = (req: AuthRequest): unknown => {
    try {
      return authenticate(req);
    } catch (err) {
      return err instanceof StatusError ? err.toStatus() : err;
    }
  };

  it('reads the Bearer scheme case-insensitively, as k8s does', () => {
    expect(attempt(request('bearer s3cret-token'))).toMatchObject({ name: 'carol' });
    expect(attempt(request('  BEARER s3cret-token  '))).toMatchObject({ name: 'carol' });
  });

  it('uses the first Authorization header when there are several', () => {
    expect(attempt(request(['Bearer s3cret-token', 'Bearer wrong']))).toMatchObject({ name: 'carol' });
  });

  it('takes the token up to the next space, as k8s does', () => {
    expect(attempt(request('Bearer s3cret-token trailing'))).toMatchObject({ name: 'carol' });
  });

  it.each([
    ['another scheme', 'Basic YWxpY2U6cGFzcw=='],
    ['an empty bearer token', 'Bearer '],
    ['a token after two spaces', 'Bearer  s3cret-token'],
    ['an empty header', ''],
  ])('treats %s as no credentials: 401, or anonymous on an always-allowed path', (_what, header) => {
    expect(attempt(request(header))).toEqual(UNAUTHORIZED);
    expect(attempt(request(header, '/healthz'))).toEqual(ANONYMOUS);
  });

  it('ignores client certificates unless they are enabled', () => {
    const verified: AuthRequest = {
      headers: {},
      socket: { authorized: true, getPeerCertificate: () => ({ subject: { CN: 'alice' } }) },
      path: '/apis',
    };

    expect(() => createAuthenticator({ tokens })(verified)).toThrow(StatusError.unauthorized());
    expect(createAuthenticator({ clientCertificates: true })(verified)).toEqual({
      name: 'alice',
      groups: ['system:authenticated'],
    });
  });

  it('treats a verified certificate without CN as no credentials', () => {
    const noName: AuthRequest = {
      headers: {},
      socket: { authorized: true, getPeerCertificate: () => ({ subject: { O: 'devs' } }) },
      path: '/livez',
    };

    expect(createAuthenticator({ clientCertificates: true })(noName)).toEqual(ANONYMOUS);
  });

  it('refuses to be built without any authentication method', () => {
    expect(() => createAuthenticator({})).toThrow(
      'no authentication method configured: give a token file, a client CA, or both',
    );
  });
});

describe('isAlwaysAllowed', () => {
  it.each([
    ['/healthz', true],
    ['/healthz/etcd', true],
    ['/livez', true],
    ['/readyz/ping', true],
    ['/version', true],
    ['/version/', true],
    ['/healthzz', false],
    ['/versions', false],
    ['/', false],
    ['/apis/healthz', false],
  ])('%s → %s', (path, allowed) => {
    expect(isAlwaysAllowed(path)).toBe(allowed);
  });
});
