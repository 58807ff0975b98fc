/**
 * Certificate authentication configured by flags alone (no cluster): --client-ca-file for users,
 * --requestheader-* for a front proxy, each checked against its own CA although the TLS server
 * asks for certificates from both; CA files are re-read, so a rotated file applies without restart.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCA, issueCertificate } from '../support/certificates';
import { eventually } from '../support/server';
import { FOOS, startSecureServer } from './secure-server';
import type { SecureServer } from './secure-server';

describe('client certificates from flags', () => {
  const clientCA = createCA('client-ca');
  const proxyCA = createCA('front-proxy-ca');
  const carol = issueCertificate(clientCA, { cn: 'carol', organizations: ['devs'], client: true });
  const proxy = issueCertificate(proxyCA, { cn: 'aggregator', client: true });
  // Signed by the client CA with the proxy's name: a user must not become a front proxy.
  const userAsProxy = issueCertificate(clientCA, { cn: 'aggregator', client: true });
  let dir: string;
  let pwk: SecureServer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-client-certs-'));
    await writeFile(path.join(dir, 'client-ca.crt'), clientCA.cert);
    await writeFile(path.join(dir, 'proxy-ca.crt'), proxyCA.cert);
    // Authentication is under test: every authenticated user may read Foos.
    await writeFile(
      path.join(dir, 'policies.jsonl'),
      '{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"group":"system:authenticated","namespace":"*","apiGroup":"*","resource":"*","readonly":true}}\n',
    );
    pwk = await startSecureServer({
      flags: [
        `--authorization-policy-file=${dir}/policies.jsonl`,
        `--client-ca-file=${dir}/client-ca.crt`,
        `--requestheader-client-ca-file=${dir}/proxy-ca.crt`,
        '--requestheader-allowed-names=aggregator',
        '--requestheader-username-headers=X-User',
        '--requestheader-group-headers=X-Groups',
      ],
      start: { authRefreshIntervalMs: 100 },
    });
  });

  afterAll(async () => {
    await pwk?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('authenticates a front proxy with the configured header names, and a user by certificate', async () => {
    const viaProxy = await pwk.request('GET', FOOS, {
      certificate: proxy,
      headers: { 'X-User': 'alice', 'X-Groups': 'g' },
    });
    const direct = await pwk.request('GET', FOOS, { certificate: carol });

    expect([viaProxy.status, direct.status]).toEqual([200, 200]);
  });

  it('does not let a client-CA certificate act as the front proxy, whatever its name', async () => {
    const res = await pwk.request('GET', FOOS, {
      certificate: userAsProxy,
      headers: { 'X-User': 'system:admin' },
    });

    // It is the user "aggregator" from the client CA: authenticated as itself, never as system:admin.
    expect(res.status).toBe(200);
    // The access line is written once the response has gone out: wait for it, then look.
    const line = (l: Record<string, unknown>) =>
      l.message === 'request' && l.auditID === res.headers['audit-id'];
    await eventually(() => pwk.logs.some(line), 'the access line');
    expect(pwk.logs.filter(line).map((l) => l.user)).toEqual(['aggregator']);
  });

  it('picks up a rotated --client-ca-file without a restart', async () => {
    const rotated = createCA('client-ca-2');
    const dave = issueCertificate(rotated, { cn: 'dave', client: true });
    expect((await pwk.request('GET', FOOS, { certificate: dave })).status).toBe(401);

    await writeFile(path.join(dir, 'client-ca.crt'), rotated.cert);
    const deadline = Date.now() + 5000;
    while ((await pwk.request('GET', FOOS, { certificate: dave })).status !== 200) {
      if (Date.now() > deadline) throw new Error('the rotated CA was never used');
      await new Promise((r) => setTimeout(r, 50));
    }

    expect((await pwk.request('GET', FOOS, { certificate: carol })).status).toBe(401);
  });
});
