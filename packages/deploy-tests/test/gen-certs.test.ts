/** hack/gen-certs.sh: a CA and a serving certificate the aggregator would accept for the Service. */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { generateCerts } from '../src/deploy-fixture';
import { parseManifests } from '../src/kube-objects';
import type { KubeObject } from '../src/kube-objects';
import { httpGet } from '../src/processes';
import { validateObject } from '../src/schema-validation';

const SERVICE_HOST = 'pwk-apiserver.pwk-system.svc';

let out: string;
let secret: KubeObject;
let patch: KubeObject;
let data: Record<string, string>;
const decoded = (key: string) => Buffer.from(data[key]!, 'base64').toString('utf8');

beforeAll(() => {
  out = path.join(mkdtempSync(path.join(os.tmpdir(), 'pwk-certs-')), 'generated');
  generateCerts(out);
  [secret] = parseManifests(readFileSync(path.join(out, 'serving-cert-secret.yaml'), 'utf8')) as [KubeObject];
  [patch] = parseManifests(readFileSync(path.join(out, 'apiservice-ca-bundle.yaml'), 'utf8')) as [KubeObject];
  data = secret.data as Record<string, string>;
});

afterAll(() => rmSync(path.dirname(out), { recursive: true, force: true }));

it('writes a valid kubernetes.io/tls Secret for the apiserver, readable by its owner only', () => {
  expect(secret).toMatchObject({
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name: 'pwk-apiserver-serving-cert', namespace: 'pwk-system' },
  });
  expect(Object.keys(data).sort()).toEqual(['ca.crt', 'tls.crt', 'tls.key']);
  expect(validateObject(secret)).toEqual([]);
  expect(statSync(path.join(out, 'serving-cert-secret.yaml')).mode & 0o077).toBe(0);
});

it('issues the serving certificate for the Service name, signed by the CA it writes as caBundle', () => {
  const ca = new X509Certificate(decoded('ca.crt'));
  const cert = new X509Certificate(decoded('tls.crt'));
  expect(ca.ca).toBe(true);
  expect(cert.ca).toBe(false);
  expect(cert.verify(ca.publicKey)).toBe(true);
  expect(cert.checkHost(SERVICE_HOST)).toBe(SERVICE_HOST);
  expect(cert.checkHost('pwk-apiserver.other.svc')).toBeUndefined();
  expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  expect(cert.checkPrivateKey(createPrivateKey(decoded('tls.key')))).toBe(true);
  expect(Buffer.from(String((patch.spec as { caBundle: string }).caBundle), 'base64').toString()).toBe(
    decoded('ca.crt'),
  );
  expect(readFileSync(path.join(out, 'ca.crt'), 'utf8')).toBe(decoded('ca.crt'));
  expect(
    validateObject({
      ...patch,
      spec: {
        ...(patch.spec as object),
        group: 'g',
        version: 'v',
        versionPriority: 1,
        groupPriorityMinimum: 1,
      },
    }),
  ).toEqual([]);
});

it('serves TLS that a client trusting only the caBundle accepts under the Service name', async () => {
  const server = https.createServer({ cert: decoded('tls.crt'), key: decoded('tls.key') }, (_req, res) =>
    res.end('ok'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await expect(httpGet({ url, ca: decoded('ca.crt'), servername: SERVICE_HOST })).resolves.toEqual({
      status: 200,
      body: 'ok',
    });
    await expect(
      httpGet({ url, ca: decoded('ca.crt'), servername: 'kubernetes.default.svc' }),
    ).rejects.toThrow(/altnames/);
  } finally {
    server.close();
  }
});

it('makes a new CA on every run, so a rerun rotates everything', () => {
  const again = path.join(path.dirname(out), 'again');
  generateCerts(again);
  expect(readFileSync(path.join(again, 'ca.crt'), 'utf8')).not.toBe(decoded('ca.crt'));
});

it('names another namespace and service when told to', () => {
  const other = path.join(path.dirname(out), 'other');
  generateCerts(other, { PWK_NAMESPACE: 'team-a', PWK_SERVICE: 'foo-api' });
  const [s] = parseManifests(readFileSync(path.join(other, 'serving-cert-secret.yaml'), 'utf8')) as [
    KubeObject,
  ];
  const cert = new X509Certificate(Buffer.from((s.data as Record<string, string>)['tls.crt']!, 'base64'));
  expect(s.metadata.namespace).toBe('team-a');
  expect(cert.checkHost('foo-api.team-a.svc')).toBe('foo-api.team-a.svc');
});
