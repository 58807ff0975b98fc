/**
 * Authorization without a cluster to ask: only system:masters and what --authorization-policy-file
 * grants, as a kube-apiserver without webhook or RBAC grants; --authorization-always-allow
 * (k8s' AlwaysAllow) lets everyone in, with a warning. Denials are 403 with Kubernetes' message.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FOOS, foo, startSecureServer } from './secure-server';
import type { SecureServer } from './secure-server';

const ADMIN = 'admin-token';
const NOBODY = 'groupless-token';
const READER = 'reader-token';
const DEV = 'dev-token';
const DEV_FOOS = '/apis/bar.pwk.educative.io/v1beta1/namespaces/dev/foos';

const policy = (spec: object) =>
  JSON.stringify({ apiVersion: 'abac.authorization.kubernetes.io/v1beta1', kind: 'Policy', spec });

describe('standalone authorization', () => {
  let dir: string;
  const servers: SecureServer[] = [];
  const start = async (flags: string[]) => {
    const server = await startSecureServer({ flags: [`--token-auth-file=${dir}/tokens.csv`, ...flags] });
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-authz-'));
    await writeFile(
      path.join(dir, 'tokens.csv'),
      [
        `${ADMIN},admin,1,"system:masters"`,
        `${NOBODY},x,2`,
        `${READER},rita,3,"readers"`,
        `${DEV},dana,4,"devs"`,
      ].join('\n'),
    );
    await writeFile(
      path.join(dir, 'policies.jsonl'),
      [
        '# readers see every Foo; dana works in namespace dev',
        policy({ group: 'readers', namespace: '*', apiGroup: '*', resource: '*', readonly: true }),
        policy({ user: 'dana', namespace: 'dev', apiGroup: 'bar.pwk.educative.io', resource: 'foos' }),
      ].join('\n'),
    );
  });

  afterAll(async () => {
    for (const server of servers) await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe('by default', () => {
    let pwk: SecureServer;
    beforeAll(async () => {
      pwk = await start([]);
      expect((await pwk.request('POST', FOOS, { token: ADMIN, body: foo('kept') })).status).toBe(201);
    });

    it("refuses a user outside system:masters to delete, with 403 and Kubernetes' message", async () => {
      const res = await pwk.request('DELETE', `${FOOS}/kept`, { token: NOBODY });

      expect(res.status).toBe(403);
      expect(res.json()).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'foos.bar.pwk.educative.io "kept" is forbidden: User "x" cannot delete resource "foos" in API group "bar.pwk.educative.io" in the namespace "default"',
        reason: 'Forbidden',
        details: { name: 'kept', group: 'bar.pwk.educative.io', kind: 'foos' },
        code: 403,
      });
    });

    it('refuses deletecollection, create and get the same way, and deletes nothing', async () => {
      const collection = await pwk.request('DELETE', FOOS, { token: NOBODY });
      const create = await pwk.request('POST', FOOS, { token: NOBODY, body: foo('sneaky') });
      const get = await pwk.request('GET', `${FOOS}/kept`, { token: NOBODY });

      expect(collection.json()).toMatchObject({
        code: 403,
        message:
          'foos.bar.pwk.educative.io is forbidden: User "x" cannot deletecollection resource "foos" in API group "bar.pwk.educative.io" in the namespace "default"',
      });
      expect([create.status, get.status]).toEqual([403, 403]);
      expect((await pwk.request('GET', `${FOOS}/kept`, { token: ADMIN })).status).toBe(200);
      expect((await pwk.request('GET', `${FOOS}/sneaky`, { token: ADMIN })).status).toBe(404);
    });

    it('still serves the health paths to everyone', async () => {
      expect((await pwk.request('GET', '/readyz', { token: NOBODY })).status).toBe(200);
    });

    it('says so at start-up', () => {
      expect(pwk.logs).toContainEqual(
        expect.objectContaining({
          level: 'info',
          message:
            "authorization is standalone (no kubeconfig, not in a cluster): only system:masters and --authorization-policy-file's grants are allowed",
        }),
      );
    });
  });

  describe('with --authorization-policy-file', () => {
    let pwk: SecureServer;
    beforeAll(async () => {
      pwk = await start([`--authorization-policy-file=${dir}/policies.jsonl`]);
    });

    it('allows a readonly grant to read and refuses it to write', async () => {
      expect((await pwk.request('GET', FOOS, { token: READER })).status).toBe(200);
      expect((await pwk.request('GET', `${FOOS}?watch=1&timeoutSeconds=1`, { token: READER })).status).toBe(
        200,
      );
      expect((await pwk.request('POST', FOOS, { token: READER, body: foo('r') })).json()).toMatchObject({
        code: 403,
        message:
          'foos.bar.pwk.educative.io is forbidden: User "rita" cannot create resource "foos" in API group "bar.pwk.educative.io" in the namespace "default"',
      });
    });

    it('limits a namespaced grant to its namespace', async () => {
      const inDev = await pwk.request('POST', DEV_FOOS, { token: DEV, body: foo('d') });
      const inDefault = await pwk.request('POST', FOOS, { token: DEV, body: foo('d') });

      expect([inDev.status, inDefault.status]).toEqual([201, 403]);
    });

    it('grants nothing to users it does not name', async () => {
      expect((await pwk.request('GET', FOOS, { token: NOBODY })).status).toBe(403);
    });
  });

  describe('with --authorization-always-allow', () => {
    let pwk: SecureServer;
    beforeAll(async () => {
      pwk = await start(['--authorization-always-allow']);
    });

    it('allows every authenticated user everything, and warns at start-up', async () => {
      expect((await pwk.request('POST', FOOS, { token: NOBODY, body: foo('demo') })).status).toBe(201);
      expect((await pwk.request('DELETE', FOOS, { token: NOBODY })).status).toBe(200);
      expect(pwk.logs).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          message:
            'authorization is AlwaysAllow (--authorization-always-allow): every authenticated user is allowed everything',
        }),
      );
    });

    it('still refuses requests without credentials', async () => {
      expect((await pwk.request('GET', FOOS)).status).toBe(401);
    });
  });

  it('does not start with a malformed policy file, naming the line', async () => {
    await writeFile(
      path.join(dir, 'bad.jsonl'),
      `${policy({ user: 'a', resource: '*' })}\n{"kind": "Policy"`,
    );

    await expect(start([`--authorization-policy-file=${dir}/bad.jsonl`])).rejects.toThrow(
      /^policy file ".*bad\.jsonl" line 2: not JSON/,
    );
  });
});
