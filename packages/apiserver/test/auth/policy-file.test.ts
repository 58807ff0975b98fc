import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadPolicyFile, parsePolicies, policyMatcher } from '../../src/auth/policy-file';
import type { RequestAttributes } from '../../src/auth/request-attributes';

const line = (spec: object) =>
  JSON.stringify({ apiVersion: 'abac.authorization.kubernetes.io/v1beta1', kind: 'Policy', spec });
const matcher = (...specs: object[]) => policyMatcher(parsePolicies(specs.map(line).join('\n'), 'test'));

const foos = (verb: string, namespace = 'default'): RequestAttributes => ({
  resourceRequest: true,
  verb,
  path: `/apis/bar.pwk.educative.io/v1beta1/namespaces/${namespace}/foos`,
  apiGroup: 'bar.pwk.educative.io',
  apiVersion: 'v1beta1',
  namespace,
  resource: 'foos',
  subresource: '',
  name: '',
});
const path_ = (p: string): RequestAttributes => ({ resourceRequest: false, verb: 'get', path: p });
const alice = { name: 'alice', groups: ['devs', 'system:authenticated'] };
const bob = { name: 'bob', groups: ['system:authenticated'] };

describe('policy file (Kubernetes ABAC format)', () => {
  it('grants a user everything with wildcards, and nobody else', () => {
    const allows = matcher({ user: 'alice', namespace: '*', apiGroup: '*', resource: '*' });

    expect(allows(alice, foos('delete'))).toBe(true);
    expect(allows(alice, foos('create', 'other'))).toBe(true);
    expect(allows(bob, foos('get'))).toBe(false);
  });

  it('limits a readonly policy to get, list and watch', () => {
    const allows = matcher({ group: 'devs', namespace: '*', apiGroup: '*', resource: '*', readonly: true });

    expect(['get', 'list', 'watch'].map((verb) => allows(alice, foos(verb)))).toEqual([true, true, true]);
    expect(
      ['create', 'update', 'patch', 'delete', 'deletecollection'].some((v) => allows(alice, foos(v))),
    ).toBe(false);
  });

  it('matches namespace, resource and API group exactly, an absent one only the empty value', () => {
    const allows = matcher(
      { user: 'alice', namespace: 'dev', apiGroup: 'bar.pwk.educative.io', resource: 'foos' },
      { user: 'bob', namespace: '*', resource: '*' },
    );

    expect(allows(alice, foos('create', 'dev'))).toBe(true);
    expect(allows(alice, foos('create', 'default'))).toBe(false);
    // bob's policy has no apiGroup: the core group only, never bar.pwk.educative.io.
    expect(allows(bob, foos('get'))).toBe(false);
  });

  it('requires both user and group when a policy names both', () => {
    const allows = matcher({ user: 'alice', group: 'ops', namespace: '*', apiGroup: '*', resource: '*' });

    expect(allows(alice, foos('get'))).toBe(false);
    expect(allows({ ...alice, groups: ['ops'] }, foos('get'))).toBe(true);
  });

  it('matches non-resource paths exactly, by prefix with a trailing *, or all with *', () => {
    const allows = matcher(
      { user: 'alice', nonResourcePath: '/openapi/*' },
      { user: 'alice', nonResourcePath: '/version' },
      { user: 'bob', nonResourcePath: '*' },
    );

    expect(allows(alice, path_('/openapi/v3'))).toBe(true);
    expect(allows(alice, path_('/version'))).toBe(true);
    expect(allows(alice, path_('/apis'))).toBe(false);
    expect(allows(bob, path_('/anything'))).toBe(true);
    // A non-resource policy never matches a resource request.
    expect(allows(bob, foos('get'))).toBe(false);
  });

  it('skips blank lines and # comments', () => {
    const policies = parsePolicies(`# readers\n\n${line({ group: 'devs', resource: '*' })}\n`, 'p');
    expect(policies).toEqual([{ group: 'devs', resource: '*' }]);
  });

  it.each([
    ['{not json', /^policy file "p" line 2: not JSON/],
    [line({ user: 'a', namespaces: '*' }), /^policy file "p" line 2: spec: Unrecognized key: "namespaces"/],
    [line({ namespace: '*' }), /^policy file "p" line 2: spec: names neither user nor group$/],
    [line({ user: 'a', readonly: 'yes' }), /^policy file "p" line 2: spec\.readonly: /],
    [
      JSON.stringify({ apiVersion: 'v1', kind: 'Policy', spec: { user: 'a' } }),
      /^policy file "p" line 2: apiVersion: apiVersion must be "abac.authorization.kubernetes.io\/v1beta1"$/,
    ],
  ])('refuses %s with the line number', (bad, message) => {
    expect(() => parsePolicies(`# first\n${bad}\n`, 'p')).toThrow(message);
  });

  it('names the file it cannot read', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-policy-'));
    try {
      await expect(loadPolicyFile(path.join(dir, 'missing.jsonl'))).rejects.toThrow(
        /^cannot read policy file ".*missing\.jsonl": ENOENT/,
      );
      await writeFile(path.join(dir, 'p.jsonl'), line({ user: 'alice', resource: '*' }));
      expect(await loadPolicyFile(path.join(dir, 'p.jsonl'))).toEqual([{ user: 'alice', resource: '*' }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
