/**
 * ValidatingAdmissionPolicy's decisions, one request at a time, against policies and bindings
 * given as the API holds them: matching (exclusions, resourceNames, selectors), validation
 * actions (Deny's Status and code per reason, Warn's warning, Audit's annotation),
 * auditAnnotations, failurePolicy on compile and run-time errors, lazy variables, message
 * fallbacks, params chosen by selector, readiness, and what the metrics hook is told.
 */
import { PassThrough } from 'node:stream';
import type { AdmissionAttributes } from '../../../src/admission/attributes';
import { compilePolicy } from '../../../src/admission/policy/compile-policy';
import type { PolicyMetrics } from '../../../src/admission/policy/metrics';
import type { ParamInformers } from '../../../src/admission/policy/params';
import {
  VALIDATION_FAILURE_ANNOTATION,
  validatingAdmissionPolicyPlugin,
} from '../../../src/admission/policy/plugin';
import { pairHooks } from '../../../src/admission/policy/sources';
import type { PolicySource } from '../../../src/admission/policy/sources';
import type {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from '../../../src/admission/policy/types';
import { standaloneNamespaceLabels } from '../../../src/admission/webhook/namespace-labels';
import type { CachedObject } from '../../../src/cluster/informer';
import { StatusError } from '../../../src/errors/status-error';
import { createLogger } from '../../../src/logging/logger';

const GROUP = 'bar.pwk.educative.io';
const logger = createLogger({ level: 'error', format: 'json', stream: new PassThrough() });
const rules = [
  { apiGroups: [GROUP], apiVersions: ['v1beta1'], operations: ['CREATE', 'UPDATE'], resources: ['foos'] },
];

const policy = (spec: ValidatingAdmissionPolicy['spec'], name = 'p'): ValidatingAdmissionPolicy => ({
  metadata: { name },
  spec: { matchConstraints: { resourceRules: rules as never }, ...spec },
});
const binding = (
  spec: Partial<NonNullable<ValidatingAdmissionPolicyBinding['spec']>> = {},
  name = 'b',
): ValidatingAdmissionPolicyBinding => ({
  metadata: { name },
  spec: { policyName: 'p', validationActions: ['Deny'], ...spec },
});

const attributes = (extra: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({
  operation: 'CREATE',
  kind: { group: GROUP, version: 'v1beta1', kind: 'Foo' },
  resource: { group: GROUP, version: 'v1beta1', resource: 'foos' },
  subresource: '',
  namespace: 'ns',
  name: 'x',
  object: {
    apiVersion: `${GROUP}/v1beta1`,
    kind: 'Foo',
    metadata: { name: 'x', labels: { app: 'a' } },
    spec: { replicas: 7 },
  },
  dryRun: false,
  ...extra,
});

function configMaps(objects: CachedObject[]): ParamInformers {
  return (kind) =>
    kind.kind === 'ConfigMap' && kind.apiVersion === 'v1'
      ? {
          namespaced: true,
          informer: {
            hasSynced: () => true,
            waitForSync: async () => true,
            get: (ns, name) => objects.find((o) => o.metadata.namespace === ns && o.metadata.name === name),
            list: (ns) => objects.filter((o) => ns === undefined || o.metadata.namespace === ns),
          },
        }
      : undefined;
}

function plugin(
  policies: ValidatingAdmissionPolicy[],
  bindings: ValidatingAdmissionPolicyBinding[],
  extra: { params?: CachedObject[]; metrics?: PolicyMetrics; source?: Partial<PolicySource> } = {},
) {
  const hooks = pairHooks(policies, bindings, (p) => compilePolicy(p));
  return validatingAdmissionPolicyPlugin({
    source: { hasSynced: () => true, waitForSync: async () => true, hooks: () => hooks, ...extra.source },
    namespaces: standaloneNamespaceLabels,
    namespaceObjects: async (name) => ({ metadata: { name, labels: { env: 'prod' } } }),
    params: configMaps(extra.params ?? []),
    logger,
    metrics: extra.metrics,
    syncTimeoutMs: 50,
  });
}

async function refusal(p: ReturnType<typeof plugin>, a = attributes()): Promise<StatusError> {
  const err = await p.validate!(a).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof StatusError)) throw new Error(`expected a StatusError, got ${String(err)}`);
  return err;
}

describe('ValidatingAdmissionPolicy', () => {
  it('denies with kube’s Status: 422 Invalid by default, the message in the causes', async () => {
    const err = await refusal(
      plugin([policy({ validations: [{ expression: 'object.spec.replicas <= 5' }] })], [binding()]),
    );
    expect(err.code).toBe(422);
    expect(err.toStatus()).toMatchObject({
      reason: 'Invalid',
      message: `foos.${GROUP} "x" is forbidden: ValidatingAdmissionPolicy 'p' with binding 'b' denied request: failed expression: object.spec.replicas <= 5`,
      details: {
        name: 'x',
        group: GROUP,
        kind: 'foos',
        causes: [
          {
            message:
              "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: failed expression: object.spec.replicas <= 5",
          },
        ],
      },
    });
  });

  it.each([
    ['Forbidden', 403],
    ['Unauthorized', 401],
    ['RequestEntityTooLarge', 413],
    ['Invalid', 422],
  ])('answers reason %s with %d', async (reason, code) => {
    const err = await refusal(
      plugin([policy({ validations: [{ expression: 'false', reason }] })], [binding()]),
    );
    expect([err.reason, err.code]).toEqual([reason, code]);
  });

  it('admits what passes, and what no binding, rule or selector covers', async () => {
    const validations = [{ expression: 'object.spec.replicas <= 5' }];
    await expect(
      plugin([policy({ validations: [{ expression: 'true' }] })], [binding()]).validate!(attributes()),
    ).resolves.toBeUndefined();
    await expect(plugin([policy({ validations })], []).validate!(attributes())).resolves.toBeUndefined();
    await expect(
      plugin([policy({ validations })], [binding({ policyName: 'other' })]).validate!(attributes()),
    ).resolves.toBeUndefined();
    const excluded = policy({
      validations,
      matchConstraints: {
        resourceRules: rules as never,
        excludeResourceRules: [{ ...rules[0]!, resourceNames: ['x'] }] as never,
      },
    });
    await expect(plugin([excluded], [binding()]).validate!(attributes())).resolves.toBeUndefined();
    const named = policy({
      validations,
      matchConstraints: { resourceRules: [{ ...rules[0]!, resourceNames: ['y'] }] as never },
    });
    await expect(plugin([named], [binding()]).validate!(attributes())).resolves.toBeUndefined();
    const deletes = policy({
      validations,
      matchConstraints: { resourceRules: [{ ...rules[0]!, operations: ['DELETE'] }] as never },
    });
    await expect(plugin([deletes], [binding()]).validate!(attributes())).resolves.toBeUndefined();
    const bySelector = binding({ matchResources: { objectSelector: { matchLabels: { app: 'other' } } } });
    await expect(
      plugin([policy({ validations })], [bySelector]).validate!(attributes()),
    ).resolves.toBeUndefined();
    const byNamespace = binding({
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'elsewhere' } } },
    });
    await expect(
      plugin([policy({ validations })], [byNamespace]).validate!(attributes()),
    ).resolves.toBeUndefined();
    const matching = binding({ matchResources: { objectSelector: { matchLabels: { app: 'a' } } } });
    await expect(refusal(plugin([policy({ validations })], [matching]))).resolves.toBeInstanceOf(StatusError);
  });

  it('warns under Warn and annotates under Audit, without refusing', async () => {
    const a = attributes();
    await plugin(
      [
        policy({
          validations: [
            { expression: 'true' },
            { expression: 'object.spec.replicas <= 5', message: 'too many' },
          ],
        }),
      ],
      [binding({ validationActions: ['Warn', 'Audit'] })],
    ).validate!(a);
    expect(a.warnings).toEqual([
      "Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': too many",
    ]);
    expect(a.auditAnnotations?.[VALIDATION_FAILURE_ANNOTATION]).toEqual({
      level: 'Metadata',
      value: JSON.stringify([
        {
          message: 'too many',
          policy: 'p',
          binding: 'b',
          expressionIndex: 1,
          validationActions: ['Warn', 'Audit'],
        },
      ]),
    });
  });

  it('publishes auditAnnotations under the policy’s name, and skips empty or null values', async () => {
    const a = attributes();
    await plugin(
      [
        policy({
          validations: [{ expression: 'true' }],
          auditAnnotations: [
            { key: 'replicas', valueExpression: "'replicas: ' + string(object.spec.replicas)" },
            { key: 'none', valueExpression: 'null' },
            { key: 'blank', valueExpression: "'  '" },
          ],
        }),
      ],
      [binding()],
    ).validate!(a);
    expect(a.auditAnnotations).toEqual({ 'p/replicas': { level: 'Metadata', value: 'replicas: 7' } });
  });

  it('refuses under Fail and admits under Ignore where an expression does not compile or fails', async () => {
    const broken = [{ expression: 'object.spec.replicas.frobnicate()' }];
    const err = await refusal(plugin([policy({ validations: broken })], [binding()]));
    expect(err.message).toBe(
      `foos.${GROUP} "x" is forbidden: ValidatingAdmissionPolicy 'p' with binding 'b' denied request: compilation error: compilation failed: ERROR: <input>:1:21: undeclared reference to 'frobnicate' (in container ''): not a function pwk's CEL has`,
    );
    await expect(
      plugin([policy({ validations: broken, failurePolicy: 'Ignore' })], [binding()]).validate!(attributes()),
    ).resolves.toBeUndefined();
    const failing = [{ expression: 'object.spec.nothing > 1' }];
    expect((await refusal(plugin([policy({ validations: failing })], [binding()]))).message).toContain(
      "denied request: expression 'object.spec.nothing > 1' resulted in error: field not found: nothing",
    );
    await expect(
      plugin([policy({ validations: failing, failurePolicy: 'Ignore' })], [binding()]).validate!(
        attributes(),
      ),
    ).resolves.toBeUndefined();
    const authorizer = [{ expression: "authorizer.group('').resource('pods').check('get').allowed()" }];
    expect((await refusal(plugin([policy({ validations: authorizer })], [binding()]))).message).toContain(
      'the authorizer library is not supported by pwk',
    );
  });

  it('refuses under Fail where a selector cannot be used: failed to configure policy / binding', async () => {
    const bad = { matchExpressions: [{ key: 'a', operator: 'Near' }] };
    const ofPolicy = policy({
      validations: [{ expression: 'true' }],
      matchConstraints: { resourceRules: rules as never, objectSelector: bad },
    });
    expect((await refusal(plugin([ofPolicy], [binding()]))).message).toBe(
      `foos.${GROUP} "x" is forbidden: ValidatingAdmissionPolicy 'p' denied request: failed to configure policy: "Near" is not a valid label selector operator`,
    );
    const ofBinding = binding({ matchResources: { objectSelector: bad } });
    expect(
      (await refusal(plugin([policy({ validations: [{ expression: 'true' }] })], [ofBinding]))).message,
    ).toBe(
      `foos.${GROUP} "x" is forbidden: ValidatingAdmissionPolicy 'p' with binding 'b' denied request: failed to configure binding: "Near" is not a valid label selector operator`,
    );
    await expect(
      plugin([{ ...ofPolicy, spec: { ...ofPolicy.spec, failurePolicy: 'Ignore' } }], [binding()]).validate!(
        attributes(),
      ),
    ).resolves.toBeUndefined();
  });

  it('evaluates variables lazily: one that fails matters only where it is read', async () => {
    const variables = [
      { name: 'replicas', expression: 'object.spec.replicas' },
      { name: 'broken', expression: 'object.spec.nothing' },
      { name: 'double', expression: 'variables.replicas * 2' },
    ];
    await expect(
      plugin([policy({ variables, validations: [{ expression: 'variables.double == 14' }] })], [binding()])
        .validate!(attributes()),
    ).resolves.toBeUndefined();
    const err = await refusal(
      plugin([policy({ variables, validations: [{ expression: 'variables.broken == 1' }] })], [binding()]),
    );
    expect(err.message).toContain('composited variable "broken" fails to evaluate');
  });

  it('falls back from a messageExpression that fails or is not one line, to message, then to the expression', async () => {
    const messages = async (validation: Record<string, unknown>) =>
      (
        await refusal(
          plugin([policy({ validations: [{ expression: 'false', ...validation }] })], [binding()]),
        )
      ).message.replace(/^.*denied request: /, '');
    expect(await messages({ messageExpression: "'replicas ' + string(object.spec.replicas)" })).toBe(
      'replicas 7',
    );
    expect(await messages({ messageExpression: 'object.nothing', message: 'static' })).toBe('static');
    expect(await messages({ messageExpression: "'two\\nlines'", message: 'static' })).toBe('static');
    expect(await messages({ messageExpression: '1' })).toBe('failed expression: false');
  });

  it('runs once per param a selector picks, each with its own limit; namespaceObject and request are there', async () => {
    const params = [
      { metadata: { name: 'a', namespace: 'ns', labels: { limit: 'yes' } }, data: { max: '10' } },
      { metadata: { name: 'b', namespace: 'ns', labels: { limit: 'yes' } }, data: { max: '5' } },
      { metadata: { name: 'c', namespace: 'ns' }, data: { max: '1' } },
    ];
    const withParams = policy({
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      validations: [
        {
          expression: 'object.spec.replicas <= int(params.data.max)',
          messageExpression: "params.metadata.name + ' allows ' + params.data.max",
        },
        { expression: "namespaceObject.metadata.labels.env == 'prod' && request.operation == 'CREATE'" },
      ],
    });
    const err = await refusal(
      plugin([withParams], [binding({ paramRef: { selector: { matchLabels: { limit: 'yes' } } } })], {
        params,
      }),
    );
    expect(err.message).toMatch(/denied request: b allows 5$/);
    await expect(
      plugin([withParams], [binding({ paramRef: { name: 'a' } })], { params }).validate!(attributes()),
    ).resolves.toBeUndefined();
    // A missing param under Allow (the default): nothing to validate.
    await expect(
      plugin([withParams], [binding({ paramRef: { name: 'zzz', parameterNotFoundAction: 'Allow' } })], {
        params,
      }).validate!(attributes()),
    ).resolves.toBeUndefined();
    const unknown = policy({
      paramKind: { apiVersion: 'v1', kind: 'Secret' },
      validations: [{ expression: 'true' }],
    });
    expect((await refusal(plugin([unknown], [binding({ paramRef: { name: 'a' } })]))).message).toContain(
      'failed to configure binding: paramKind kind `&ParamKind{APIVersion:v1,Kind:Secret,}` not known',
    );
  });

  it('ends a pathological expression at the cost limit and refuses under Fail', async () => {
    const object = { ...attributes().object!, spec: { l: Array.from({ length: 500 }, (_, i) => i) } };
    const expression = 'object.spec.l.all(a, object.spec.l.all(b, object.spec.l.all(c, a + b + c >= 0)))';
    // 1.25e8 steps would take minutes (past the test's timeout); the budget stops it after 1e5.
    const err = await refusal(
      plugin([policy({ validations: [{ expression }] })], [binding()]),
      attributes({ object }),
    );
    expect(err.message).toMatch(/resulted in error: operation cancelled: actual cost limit exceeded$/);
  });

  it('refuses with 403 "not yet ready" until the policies are known', async () => {
    const p = plugin([], [], { source: { hasSynced: () => false, waitForSync: async () => false } });
    const err = await refusal(p);
    expect([err.code, err.message]).toEqual([
      403,
      `foos.${GROUP} "x" is forbidden: not yet ready to handle request`,
    ]);
  });

  it('tells the metrics hook of each check that denied, warned or failed open', async () => {
    const seen: unknown[] = [];
    const metrics: PolicyMetrics = {
      observePolicyCheck: (o) => seen.push({ ...o, durationMs: typeof o.durationMs }),
    };
    await plugin(
      [
        policy({
          validations: [{ expression: 'false' }, { expression: 'object.nothing' }],
          failurePolicy: 'Ignore',
        }),
      ],
      [binding({ validationActions: ['Warn'] })],
      { metrics },
    ).validate!(attributes());
    expect(seen).toEqual([
      {
        policy: 'p',
        binding: 'b',
        errorType: 'invalid_error',
        enforcementAction: 'warn',
        durationMs: 'number',
      },
      {
        policy: 'p',
        binding: 'b',
        errorType: 'invalid_error',
        enforcementAction: 'allow',
        durationMs: 'number',
      },
    ]);
  });
});
