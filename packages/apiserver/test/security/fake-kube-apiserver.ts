/**
 * A local HTTPS server playing the kube-apiserver, on the real paths with the real JSON bodies:
 * TokenReview, SubjectAccessReview and the extension-apiserver-authentication ConfigMap for
 * delegated auth, and the namespaces and ResourceQuotas admission reads (support/fake-core-api.ts).
 * It insists on pwk's own service-account token, records every review it answers, and can be told
 * to fail.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCA, issueCertificate } from '../support/certificates';
import { FakeCoreApi, status } from '../support/fake-core-api';

export const SERVICE_ACCOUNT_TOKEN = 'pwk-service-account-token';

export interface ReviewedUser {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export type AccessDecision = { allowed: boolean; denied?: boolean; reason?: string } | 'error';

export interface FakeKubeApiserver {
  url: string;
  /** A kubeconfig for pwk: this server, its CA, the service-account token. */
  kubeconfig: string;
  /** Valid tokens; `'error'` makes the TokenReview call itself fail with 500. */
  tokens: Map<string, ReviewedUser | 'error'>;
  /** Decides each SubjectAccessReview from its spec. */
  decide: (spec: Record<string, unknown>) => AccessDecision;
  /** The ConfigMap's data; undefined answers 404. */
  configMapData: Record<string, string> | undefined;
  tokenReviews: Array<Record<string, unknown>>;
  accessReviews: Array<Record<string, unknown>>;
  configMapReads: number;
  /** Namespaces and ResourceQuotas, with lists, watches and status updates. */
  core: FakeCoreApi;
  close(): Promise<void>;
}

const json = (res: ServerResponse, code: number, body: unknown) => {
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

export async function startFakeKubeApiserver(): Promise<FakeKubeApiserver> {
  const ca = createCA('fake-kube-apiserver-ca');
  const serving = issueCertificate(ca, { cn: 'kube-apiserver' });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-fake-kube-'));

  const readText = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const readBody = (req: IncomingMessage) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        } catch (err) {
          reject(err as Error);
        }
      });
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization !== `Bearer ${SERVICE_ACCOUNT_TOKEN}`) {
      return json(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    }
    if (fake.core.handle(req, res, req.method === 'PUT' ? await readText(req) : '')) return;
    if (req.method === 'POST' && req.url === '/apis/authentication.k8s.io/v1/tokenreviews') {
      const review = await readBody(req);
      fake.tokenReviews.push(review);
      const token = String((review.spec as { token?: string }).token);
      const user = fake.tokens.get(token);
      if (user === 'error') return json(res, 500, status(500, 'InternalError', 'etcdserver: leader changed'));
      return json(res, 201, {
        kind: 'TokenReview',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: review.spec,
        status: user
          ? { authenticated: true, user, audiences: ['https://kubernetes.default.svc'] }
          : { user: {}, error: 'invalid bearer token' },
      });
    }
    if (req.method === 'POST' && req.url === '/apis/authorization.k8s.io/v1/subjectaccessreviews') {
      const review = await readBody(req);
      fake.accessReviews.push(review);
      const decision = fake.decide(review.spec as Record<string, unknown>);
      if (decision === 'error') {
        return json(
          res,
          403,
          status(
            403,
            'Forbidden',
            'subjectaccessreviews.authorization.k8s.io is forbidden: User "system:serviceaccount:pwk-system:pwk" cannot create resource "subjectaccessreviews"',
          ),
        );
      }
      return json(res, 201, {
        kind: 'SubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: review.spec,
        status: decision,
      });
    }
    if (
      req.method === 'GET' &&
      req.url === '/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication'
    ) {
      fake.configMapReads += 1;
      if (!fake.configMapData) {
        return json(
          res,
          404,
          status(404, 'NotFound', 'configmaps "extension-apiserver-authentication" not found'),
        );
      }
      return json(res, 200, {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: {
          name: 'extension-apiserver-authentication',
          namespace: 'kube-system',
          resourceVersion: '42',
        },
        data: fake.configMapData,
      });
    }
    json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  };

  const server = https.createServer({ key: serving.key, cert: serving.cert }, (req, res) => {
    handle(req, res).catch(() => json(res, 500, status(500, 'InternalError', 'fake failed')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = path.join(dir, 'kubeconfig');
  await writeFile(path.join(dir, 'ca.crt'), ca.cert);
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: kind`,
      `  cluster: {server: "${url}", certificate-authority: ca.crt}`,
      'users:',
      `- name: pwk`,
      `  user: {token: ${SERVICE_ACCOUNT_TOKEN}}`,
      'contexts:',
      '- {name: pwk, context: {cluster: kind, user: pwk}}',
      'current-context: pwk',
      '',
    ].join('\n'),
  );

  const fake: FakeKubeApiserver = {
    url,
    kubeconfig,
    tokens: new Map(),
    decide: () => ({ allowed: false }),
    configMapData: undefined,
    tokenReviews: [],
    accessReviews: [],
    configMapReads: 0,
    core: new FakeCoreApi(),
    async close() {
      fake.core.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
  return fake;
}
