import { createAuthorizer, forbiddenError } from '../../src/auth/authorizer';
import type { Decision } from '../../src/auth/authorizer';
import type { RequestAttributes } from '../../src/auth/request-attributes';

const alice = { name: 'alice', groups: ['system:authenticated'] };
const master = { name: 'root', groups: ['system:masters'] };
const nonResource = (path: string): RequestAttributes => ({ resourceRequest: false, verb: 'get', path });
const foos: RequestAttributes = {
  resourceRequest: true,
  verb: 'list',
  path: '/apis/bar.pwk.educative.io/v1beta1/namespaces/healthz/foos',
  apiGroup: 'bar.pwk.educative.io',
  apiVersion: 'v1beta1',
  namespace: 'healthz',
  resource: 'foos',
  subresource: '',
  name: '',
};

describe('createAuthorizer', () => {
  const asked: string[] = [];
  const authorize = createAuthorizer({
    alwaysAllowPaths: ['/healthz', '/debug/*'],
    review: async (user, attributes): Promise<Decision> => {
      asked.push(`${user.name} ${attributes.verb} ${attributes.path}`);
      return { allowed: false, reason: 'no' };
    },
  });
  beforeEach(() => asked.splice(0));

  it('allows the always-allowed paths (exact, or by prefix with *) without asking', async () => {
    expect(await authorize(alice, nonResource('/healthz'))).toMatchObject({ allowed: true });
    expect(await authorize(alice, nonResource('/debug/pprof'))).toMatchObject({ allowed: true });
    expect(asked).toEqual([]);
  });

  it('asks about everything else, resource requests included even when their path looks allowed', async () => {
    expect(await authorize(alice, nonResource('/healthz/etcd'))).toMatchObject({
      allowed: false,
      reason: 'no',
    });
    expect(await authorize(alice, { ...foos, path: '/debug/x' })).toMatchObject({
      allowed: false,
      reason: 'no',
    });
    expect(asked).toEqual(['alice get /healthz/etcd', 'alice list /debug/x']);
  });

  it('allows system:masters without asking', async () => {
    expect(await authorize(master, foos)).toMatchObject({ allowed: true });
    expect(asked).toEqual([]);
  });
});

describe('createAuthorizer standalone (no review)', () => {
  const nobody = { name: 'nobody', groups: [] };
  const remove: RequestAttributes = { ...foos, verb: 'delete', name: 'x', namespace: 'default' };

  it('denies everyone but system:masters, with no reason, as k8s does without RBAC grants', () => {
    const authorize = createAuthorizer({ alwaysAllowPaths: ['/healthz'] });

    expect(authorize(alice, foos)).toMatchObject({ allowed: false, reason: '' });
    expect(authorize(nobody, remove)).toMatchObject({ allowed: false, reason: '' });
    expect(authorize(nobody, { ...remove, verb: 'deletecollection', name: '' })).toMatchObject({
      allowed: false,
      reason: '',
    });
    expect(authorize(master, remove)).toMatchObject({ allowed: true });
    expect(authorize(nobody, nonResource('/healthz'))).toMatchObject({ allowed: true });
  });

  it('lets anyone get the health and version paths (system:public-info-viewer), and nothing else', () => {
    const authorize = createAuthorizer({ alwaysAllowPaths: [] });
    const anonymous = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

    expect(authorize(anonymous, nonResource('/version'))).toMatchObject({ allowed: true });
    expect(authorize(nobody, nonResource('/livez'))).toMatchObject({ allowed: true });
    expect(authorize(anonymous, nonResource('/readyz/storage'))).toMatchObject({ allowed: true });
    expect(authorize(nobody, { ...nonResource('/version'), verb: 'post' })).toMatchObject({
      allowed: false,
      reason: '',
    });
    expect(authorize(nobody, nonResource('/versions'))).toMatchObject({ allowed: false, reason: '' });
    expect(authorize(nobody, nonResource('/openapi/v2'))).toMatchObject({ allowed: false, reason: '' });
  });

  it('allows what the policy file grants, and nothing more', () => {
    const authorize = createAuthorizer({
      alwaysAllowPaths: [],
      policies: (user, attributes) => user.name === 'alice' && attributes.verb === 'list',
    });

    expect(authorize(alice, foos)).toMatchObject({ allowed: true });
    expect(authorize(alice, remove)).toMatchObject({ allowed: false, reason: '' });
  });

  it('allows every request with alwaysAllow (AlwaysAllow mode)', () => {
    const authorize = createAuthorizer({ alwaysAllowPaths: [], alwaysAllow: true });

    expect(authorize(nobody, remove)).toMatchObject({ allowed: true });
  });
});

describe('createAuthorizer with a policy file and a review', () => {
  it('allows what the policy grants without asking, and asks about the rest', async () => {
    const asked: string[] = [];
    const authorize = createAuthorizer({
      alwaysAllowPaths: [],
      policies: (_user, attributes) => attributes.verb === 'get',
      review: (user, attributes): Decision => {
        asked.push(`${user.name} ${attributes.verb}`);
        return { allowed: false, reason: 'no' };
      },
    });

    expect(await authorize(alice, { ...foos, verb: 'get' })).toMatchObject({ allowed: true });
    expect(await authorize(alice, foos)).toMatchObject({ allowed: false, reason: 'no' });
    expect(asked).toEqual(['alice list']);
  });
});

describe('forbiddenError', () => {
  it("writes the message as Kubernetes does, with the reviewer's reason last", () => {
    expect(
      forbiddenError(alice, { ...foos, verb: 'get', name: 'x', namespace: 'default' }, 'RBAC: no').toStatus(),
    ).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'foos.bar.pwk.educative.io "x" is forbidden: User "alice" cannot get resource "foos" in API group "bar.pwk.educative.io" in the namespace "default": RBAC: no',
      reason: 'Forbidden',
      details: { name: 'x', group: 'bar.pwk.educative.io', kind: 'foos' },
      code: 403,
    });
  });

  it('says "at the cluster scope" without a namespace and names non-resource paths', () => {
    expect(forbiddenError(alice, { ...foos, namespace: '', subresource: 'status' }, '').message).toBe(
      'foos.bar.pwk.educative.io is forbidden: User "alice" cannot list resource "foos/status" in API group "bar.pwk.educative.io" at the cluster scope',
    );
    expect(forbiddenError(alice, nonResource('/openapi/v3'), '').toStatus()).toMatchObject({
      message: 'forbidden: User "alice" cannot get path "/openapi/v3"',
      details: {},
    });
  });
});
