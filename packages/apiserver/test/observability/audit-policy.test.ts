/**
 * kube's audit policy rules: first match wins, each list narrows, resources match as kube's
 * checker matches them (`*`, `foos/*`, `*\/status`, resourceNames), non-resource URLs by prefix;
 * a malformed policy or an unsupported log format stops start-up with what is wrong.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { RequestAttributes } from '../../src/auth/request-attributes';
import { parseCommandLine } from '../../src/config/flags';
import { auditPolicyEvaluator, loadAuditPolicy } from '../../src/observability/audit/policy';
import type { AuditPolicy } from '../../src/observability/audit/policy';

const alice = { name: 'alice', groups: ['devs', 'system:authenticated'] };
const foos = (extra: Partial<RequestAttributes & { resourceRequest: true }> = {}): RequestAttributes => ({
  resourceRequest: true,
  verb: 'get',
  path: '/apis/bar.pwk.educative.io/v1beta1/namespaces/ns/foos/a',
  apiGroup: 'bar.pwk.educative.io',
  apiVersion: 'v1beta1',
  namespace: 'ns',
  resource: 'foos',
  subresource: '',
  name: 'a',
  ...extra,
});
const nonResource = (p: string): RequestAttributes => ({ resourceRequest: false, verb: 'get', path: p });

const policy = (rules: AuditPolicy['rules'], extra: Partial<AuditPolicy> = {}): AuditPolicy => ({
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  rules,
  ...extra,
});

describe('audit policy', () => {
  it('takes the first matching rule, and None when no rule matches', () => {
    const decide = auditPolicyEvaluator(
      policy([
        { level: 'None', users: ['bob'] },
        { level: 'Request', userGroups: ['devs'], verbs: ['create'] },
        { level: 'Metadata', namespaces: ['ns'] },
      ]),
    );
    expect(decide({ name: 'bob', groups: ['devs'] }, foos()).level).toBe('None');
    expect(decide(alice, foos({ verb: 'create', name: '' })).level).toBe('Request');
    expect(decide(alice, foos()).level).toBe('Metadata');
    expect(decide(alice, foos({ namespace: 'other' })).level).toBe('None');
  });

  it.each([
    ['foos', foos(), true],
    ['foos', foos({ subresource: 'status' }), false],
    ['foos/status', foos({ subresource: 'status' }), true],
    ['foos/*', foos({ subresource: 'status' }), true],
    ['foos/*', foos(), false],
    ['*/status', foos({ subresource: 'status' }), true],
    ['*', foos({ subresource: 'scale' }), true],
    ['bars', foos(), false],
  ])('resources: [%s] matching %j is %s', (resource, attributes, matches) => {
    const decide = auditPolicyEvaluator(
      policy([{ level: 'Metadata', resources: [{ group: 'bar.pwk.educative.io', resources: [resource] }] }]),
    );
    expect(decide(alice, attributes).level).toBe(matches ? 'Metadata' : 'None');
  });

  it('narrows by resourceNames and by group', () => {
    const decide = auditPolicyEvaluator(
      policy([
        {
          level: 'Request',
          resources: [{ group: 'bar.pwk.educative.io', resources: ['foos'], resourceNames: ['b'] }],
        },
        { level: 'Metadata', resources: [{ group: '' }] },
      ]),
    );
    expect(decide(alice, foos({ name: 'b' })).level).toBe('Request');
    expect(decide(alice, foos()).level).toBe('None');
    expect(decide(alice, foos({ apiGroup: '' })).level).toBe('Metadata');
  });

  it('matches non-resource URLs exactly or by prefix, and never with resource or namespace rules', () => {
    const decide = auditPolicyEvaluator(
      policy([
        { level: 'Metadata', namespaces: [''] },
        { level: 'Request', nonResourceURLs: ['/healthz*', '/metrics'] },
      ]),
    );
    expect(decide(alice, nonResource('/healthz/etcd')).level).toBe('Request');
    expect(decide(alice, nonResource('/metrics')).level).toBe('Request');
    expect(decide(alice, nonResource('/metricsx')).level).toBe('None');
    expect(decide(alice, foos({ namespace: '' })).level).toBe('Metadata');
  });

  it('joins the policy’s and the rule’s omitStages; the rule’s omitManagedFields wins', () => {
    const decide = auditPolicyEvaluator(
      policy(
        [
          { level: 'Metadata', users: ['alice'], omitStages: ['ResponseStarted'], omitManagedFields: false },
          { level: 'Metadata' },
        ],
        { omitStages: ['RequestReceived'], omitManagedFields: true },
      ),
    );
    const mine = decide(alice, foos());
    expect([...mine.omitStages].sort()).toEqual(['RequestReceived', 'ResponseStarted']);
    expect(mine.omitManagedFields).toBe(false);
    expect(decide({ name: 'carol', groups: [] }, foos()).omitManagedFields).toBe(true);
  });

  describe('loading', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-audit-policy-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it.each([
      [
        { apiVersion: 'audit.k8s.io/v1beta1', kind: 'Policy', rules: [{ level: 'None' }] },
        'apiVersion must be "audit.k8s.io/v1"',
      ],
      [{ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [] }, 'the policy has no rules'],
      [{ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Everything' }] }, 'rules.0.level'],
      [{ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'None', user: ['x'] }] }, 'rules.0'],
    ])('refuses %j', async (doc, message) => {
      const file = path.join(dir, 'policy.yaml');
      await writeFile(file, stringify(doc));
      await expect(loadAuditPolicy(file)).rejects.toThrow(message);
    });

    it('refuses a file that is not YAML, naming it', async () => {
      const file = path.join(dir, 'broken.yaml');
      await writeFile(file, 'rules: [');
      await expect(loadAuditPolicy(file)).rejects.toThrow(`--audit-policy-file ${file}`);
    });
  });

  it('refuses --audit-log-format=legacy, which pwk does not write', () => {
    expect(() => parseCommandLine(['--audit-log-format=legacy'])).toThrow('audit-log-format');
    expect(() => parseCommandLine(['--audit-log-maxsize=-1'])).toThrow('audit-log-maxsize');
  });
});
