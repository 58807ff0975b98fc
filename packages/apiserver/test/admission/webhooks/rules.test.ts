/**
 * The pieces of webhook matching on their own, with kube's predicates as the reference: rules
 * (wildcards, subresources, scope), label selectors in object form, matchConditions outcomes,
 * and matchPolicy Equivalent with a resource served in two versions.
 */
import type { AdmissionAttributes } from '../../../src/admission/attributes';
import { accessorsOf } from '../../../src/admission/webhook/accessor';
import { labelSelectorMatcher } from '../../../src/admission/webhook/label-selector-spec';
import { celMatchConditions } from '../../../src/admission/cel/match-conditions';
import { matchOutcome } from '../../../src/admission/webhook/match-conditions';
import type { MatchConditionEvaluator } from '../../../src/admission/webhook/match-conditions';
import { shouldCallHook } from '../../../src/admission/webhook/matching';
import { equivalentResourcesOf } from '../../../src/apis/equivalent-resources';
import { installKinds } from '../../../src/apis/installed-api';
import { REGISTERED_KINDS } from '../../../src/apis/registered-kinds';
import { standaloneNamespaceLabels } from '../../../src/admission/webhook/namespace-labels';
import { ruleMatches } from '../../../src/admission/webhook/rules';
import type { RuleWithOperations } from '../../../src/admission/webhook/types';
import { createAgentPool, dnsServiceResolver } from '../../../src/admission/webhook/webhook-client';
import { StatusError } from '../../../src/errors/status-error';

const GROUP = 'bar.pwk.educative.io';
/** Foo as the server serves it: v1 and v1beta1, one set of objects. */
const servedFoos = equivalentResourcesOf(installKinds(REGISTERED_KINDS));
/** A server that serves nothing else: every resource is only itself. */
const nothingElse = equivalentResourcesOf(installKinds([]));
const foos = { group: GROUP, version: 'v1beta1', resource: 'foos' };
const target = (extra: Partial<Parameters<typeof ruleMatches>[1]> = {}) => ({
  resource: foos,
  subresource: '',
  operation: 'CREATE' as const,
  namespace: 'ns',
  ...extra,
});
const rule = (extra: Partial<RuleWithOperations> = {}): RuleWithOperations => ({
  operations: ['CREATE'],
  apiGroups: [GROUP],
  apiVersions: ['v1beta1'],
  resources: ['foos'],
  scope: '*',
  ...extra,
});

describe('webhook rules', () => {
  it.each([
    [['foos'], '', true],
    [['foos'], 'status', false],
    [['foos/status'], 'status', true],
    [['foos/status'], '', false],
    [['foos/scale'], 'scale', true],
    [['foos/*'], 'scale', true],
    // `/*` takes in the resource itself too, as kube's matcher reads it.
    [['foos/*'], '', true],
    [['*'], '', true],
    [['*'], 'status', false],
    [['*/*'], 'status', true],
    [['*/*'], '', true],
    [['*/scale'], 'scale', true],
    [['bars'], '', false],
  ])('resources %j match subresource "%s": %s', (resources, subresource, expected) => {
    expect(ruleMatches(rule({ resources }), target({ subresource }))).toBe(expected);
  });

  it('matches operations exactly or by *', () => {
    expect(ruleMatches(rule({ operations: ['UPDATE'] }), target())).toBe(false);
    expect(ruleMatches(rule({ operations: ['UPDATE', 'CREATE'] }), target())).toBe(true);
    expect(ruleMatches(rule({ operations: ['*'] }), target({ operation: 'DELETE' }))).toBe(true);
  });

  it('matches groups and versions exactly or by *', () => {
    expect(ruleMatches(rule({ apiGroups: ['apps'] }), target())).toBe(false);
    expect(ruleMatches(rule({ apiGroups: ['*'] }), target())).toBe(true);
    expect(ruleMatches(rule({ apiVersions: ['v1'] }), target())).toBe(false);
    expect(ruleMatches(rule({ apiVersions: ['*'] }), target())).toBe(true);
  });

  it('honours scope: Namespaced, Cluster, *', () => {
    expect(ruleMatches(rule({ scope: 'Namespaced' }), target())).toBe(true);
    expect(ruleMatches(rule({ scope: 'Cluster' }), target())).toBe(false);
    expect(ruleMatches(rule({ scope: 'Cluster' }), target({ namespace: '' }))).toBe(true);
    // A namespace is cluster-scoped, though a request for one names it as its namespace.
    const namespaces = { group: '', version: 'v1', resource: 'namespaces' };
    const nsRule = rule({ apiGroups: [''], apiVersions: ['v1'], resources: ['namespaces'] });
    expect(
      ruleMatches({ ...nsRule, scope: 'Cluster' }, target({ resource: namespaces, namespace: 'x' })),
    ).toBe(true);
    expect(
      ruleMatches({ ...nsRule, scope: 'Namespaced' }, target({ resource: namespaces, namespace: 'x' })),
    ).toBe(false);
  });
});

describe('label selectors in object form', () => {
  it('selects everything when empty and requires every requirement otherwise', () => {
    expect(labelSelectorMatcher({}).empty).toBe(true);
    const selector = labelSelectorMatcher({
      matchLabels: { team: 'a' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['web', 'db'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'owner', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    expect(selector.matches({ team: 'a', tier: 'web', owner: 'x' })).toBe(true);
    expect(selector.matches({ team: 'a', tier: 'web', owner: 'x', env: 'prod' })).toBe(false);
    expect(selector.matches({ team: 'a', tier: 'cache', owner: 'x' })).toBe(false);
    expect(selector.matches({ team: 'a', tier: 'web' })).toBe(false);
    expect(selector.matches({ team: 'a', tier: 'web', owner: 'x', legacy: '' })).toBe(false);
    expect(selector.matches(undefined)).toBe(false);
  });

  it.each([
    [
      { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] },
      '"Equals" is not a valid label selector operator',
    ],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, "values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values set must be empty'],
    [{ matchLabels: { 'bad key!': 'x' } }, 'key: Invalid value: "bad key!"'],
    [{ matchLabels: { a: 'bad value!' } }, 'Invalid value: "bad value!"'],
  ])('refuses %j as kube does', (spec, message) => {
    expect(() => labelSelectorMatcher(spec)).toThrow(message);
  });
});

describe('matchConditions outcomes', () => {
  it('skips the webhook when any condition is false, even if another failed to evaluate', () => {
    const results = [
      { name: 'a', error: 'boom' },
      { name: 'b', matched: false },
    ];
    expect(matchOutcome(results, 'Fail')).toEqual({ call: false, excludedBy: 'b' });
  });

  it('follows the failurePolicy when conditions failed and none was false', () => {
    const results = [
      { name: 'a', matched: true },
      { name: 'b', error: 'first' },
      { name: 'c', error: 'second' },
    ];
    expect(matchOutcome(results, 'Fail')).toEqual({ error: '[first, second]' });
    expect(matchOutcome(results, 'Ignore')).toEqual({ call: false });
    expect(matchOutcome([{ name: 'a', matched: true }], 'Fail')).toEqual({ call: true });
  });
});

describe('shouldCallHook', () => {
  const attributes = (extra: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({
    operation: 'CREATE',
    kind: { group: GROUP, version: 'v1beta1', kind: 'Foo' },
    resource: foos,
    subresource: '',
    namespace: 'ns',
    name: 'x',
    object: { apiVersion: `${GROUP}/v1beta1`, kind: 'Foo', metadata: { name: 'x', labels: { app: 'a' } } },
    dryRun: false,
    ...extra,
  });
  const context = {
    matchConditions: celMatchConditions(),
    resolver: dnsServiceResolver,
    agents: createAgentPool(),
  };
  afterAll(() => context.agents.close());
  const accessor = (webhook: Record<string, unknown>, evaluator?: MatchConditionEvaluator) =>
    accessorsOf(
      {
        metadata: { name: 'cfg' },
        webhooks: [
          {
            name: 'w.example.com',
            clientConfig: { url: 'https://127.0.0.1/' },
            sideEffects: 'None',
            admissionReviewVersions: ['v1'],
            ...webhook,
          },
        ],
      } as never,
      { type: 'validating', context: evaluator ? { ...context, matchConditions: evaluator } : context },
    )[0]!;

  it('calls under matchPolicy Equivalent for a rule naming another version of the resource, showing that version', async () => {
    const hook = accessor({ rules: [rule({ apiVersions: ['v1'] })], matchPolicy: 'Equivalent' });
    const match = { namespaces: standaloneNamespaceLabels, equivalents: servedFoos };
    const paused = attributes({
      object: {
        apiVersion: `${GROUP}/v1beta1`,
        kind: 'Foo',
        metadata: { name: 'x', annotations: { [`${GROUP}/v1-spec-paused`]: 'true' } },
        spec: { replicas: 2 },
      },
    });
    expect(await shouldCallHook(hook, paused, match)).toEqual({
      resource: { ...foos, version: 'v1' },
      subresource: '',
      kind: { group: GROUP, version: 'v1', kind: 'Foo' },
      // The object as v1 has it: the annotation folded back into spec.paused.
      object: {
        apiVersion: `${GROUP}/v1`,
        kind: 'Foo',
        metadata: { name: 'x' },
        spec: { replicas: 2, paused: true },
      },
      oldObject: undefined,
    });
    // The request's own object is not touched.
    expect(paused.object?.apiVersion).toBe(`${GROUP}/v1beta1`);
    const exact = accessor({ rules: [rule({ apiVersions: ['v1'] })], matchPolicy: 'Exact' });
    expect(await shouldCallHook(exact, paused, match)).toBeUndefined();
    // Where nothing else serves the objects, Equivalent matches as Exact does.
    expect(await shouldCallHook(hook, paused, { ...match, equivalents: nothingElse })).toBeUndefined();
  });

  it('shows the request’s own objects, not copies, when the rule names the request’s version', async () => {
    const match = { namespaces: standaloneNamespaceLabels, equivalents: servedFoos };
    const request = attributes({ operation: 'UPDATE', oldObject: attributes().object });
    const invocation = await shouldCallHook(
      accessor({ rules: [rule({ operations: ['UPDATE'] })] }),
      request,
      match,
    );
    expect(invocation?.kind.version).toBe('v1beta1');
    expect(invocation?.object).toBe(request.object);
    expect(invocation?.oldObject).toBe(request.oldObject);
  });

  it('gives matchConditions the object in the version the rule named', async () => {
    const hook = accessor({
      rules: [rule({ apiVersions: ['v1'] })],
      matchConditions: [{ name: 'paused', expression: 'object.spec.paused == true' }],
    });
    const match = { namespaces: standaloneNamespaceLabels, equivalents: servedFoos };
    const withAnnotation = (value: string) =>
      attributes({
        object: {
          apiVersion: `${GROUP}/v1beta1`,
          kind: 'Foo',
          metadata: { name: 'x', annotations: { [`${GROUP}/v1-spec-paused`]: value } },
          spec: {},
        },
      });
    expect(await shouldCallHook(hook, withAnnotation('true'), match)).toBeDefined();
    expect(await shouldCallHook(hook, withAnnotation('false'), match)).toBeUndefined();
  });

  it('reports a selector it cannot use as a 500 only when the rules match', async () => {
    const hook = accessor({
      rules: [rule()],
      objectSelector: { matchExpressions: [{ key: 'a', operator: 'Bogus' }] },
    });
    const match = { namespaces: standaloneNamespaceLabels, equivalents: servedFoos };
    await expect(shouldCallHook(hook, attributes(), match)).rejects.toMatchObject({
      code: 500,
      message: 'Internal error occurred: "Bogus" is not a valid label selector operator',
    });
    const other = accessor({
      rules: [rule({ resources: ['bars'] })],
      objectSelector: { matchExpressions: [{ key: 'a', operator: 'Bogus' }] },
    });
    expect(await shouldCallHook(other, attributes(), match)).toBeUndefined();
  });

  it('gives matchConditions the object, the old object and the request, and compiles them once', async () => {
    const seen: unknown[] = [];
    let compiled = 0;
    const evaluator: MatchConditionEvaluator = {
      compile(conditions) {
        compiled += 1;
        return {
          evaluate: async (input) => {
            seen.push(input);
            return conditions.map((c) => ({ name: c.name, matched: c.expression === 'true' }));
          },
        };
      },
    };
    const match = { namespaces: standaloneNamespaceLabels, equivalents: servedFoos };
    const yes = accessor(
      { rules: [rule()], matchConditions: [{ name: 'yes', expression: 'true' }] },
      evaluator,
    );
    const no = accessor(
      { rules: [rule()], matchConditions: [{ name: 'no', expression: 'false' }] },
      evaluator,
    );
    expect(await shouldCallHook(yes, attributes(), match)).toBeDefined();
    expect(await shouldCallHook(yes, attributes(), match)).toBeDefined();
    expect(await shouldCallHook(no, attributes(), match)).toBeUndefined();
    expect(compiled).toBe(2);
    expect(seen[0]).toMatchObject({
      object: { metadata: { name: 'x' } },
      oldObject: null,
      request: { operation: 'CREATE', namespace: 'ns', name: 'x', kind: { kind: 'Foo' }, dryRun: false },
    });
  });

  it('looks up the namespace’s labels only when the namespaceSelector restricts anything', async () => {
    let lookups = 0;
    const namespaces = {
      ...standaloneNamespaceLabels,
      labelsOf: async (name: string) => {
        lookups += 1;
        if (name === 'gone') throw StatusError.notFound({ group: '', resource: 'namespaces' }, name);
        return { team: 'a' };
      },
    };
    const match = { namespaces, equivalents: servedFoos };
    expect(await shouldCallHook(accessor({ rules: [rule()] }), attributes(), match)).toBeDefined();
    expect(lookups).toBe(0);
    const selective = accessor({ rules: [rule()], namespaceSelector: { matchLabels: { team: 'a' } } });
    expect(await shouldCallHook(selective, attributes(), match)).toBeDefined();
    await expect(shouldCallHook(selective, attributes({ namespace: 'gone' }), match)).rejects.toMatchObject({
      code: 404,
      message: 'namespaces "gone" not found',
    });
  });
});
