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
import { equivalentResourcesOf } from '../../../src/apis/equivalent-resources';
import type { EquivalentResources } from '../../../src/apis/equivalent-resources';
import { installKinds } from '../../../src/apis/installed-api';
import { REGISTERED_KINDS } from '../../../src/apis/registered-kinds';
import type { CachedObject } from '../../../src/cluster/informer';
import { StatusError } from '../../../src/errors/status-error';
import { createLogger } from '../../../src/logging/logger';

const GROUP = 'bar.pwk.educative.io';
/** Foo as the server serves it: v1 and v1beta1, one set of objects. */
const servedFoos = equivalentResourcesOf(installKinds(REGISTERED_KINDS));
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
  extra: {
    params?: CachedObject[];
    metrics?: PolicyMetrics;
    source?: Partial<PolicySource>;
    equivalents?: EquivalentResources;
  } = {},
) {
  const hooks = pairHooks(policies, bindings, (p) => compilePolicy(p));
  return validatingAdmissionPolicyPlugin({
    source: { hasSynced: () => true, waitForSync: async () => true, hooks: () => hooks, ...extra.source },
    namespaces: standaloneNamespaceLabels,
    equivalents: extra.equivalents ?? servedFoos,
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

  describe('under matchPolicy Equivalent, across the versions Foo is served in', () => {
    const v1Rules = [{ ...rules[0]!, apiVersions: ['v1'] }];
    const v1Policy = (spec: ValidatingAdmissionPolicy['spec'] = {}) =>
      policy({
        validations: [
          {
            expression: 'object.spec.paused == false',
            messageExpression: "request.kind.version + ' ' + request.requestKind.version + ' paused'",
          },
        ],
        ...spec,
        matchConstraints: { resourceRules: v1Rules as never, ...spec?.matchConstraints },
      });
    const pausedAtV1beta1 = () =>
      attributes({
        object: {
          apiVersion: `${GROUP}/v1beta1`,
          kind: 'Foo',
          metadata: { name: 'x', annotations: { [`${GROUP}/v1-spec-paused`]: 'true' } },
          spec: { replicas: 1 },
        },
      });

    it('judges a v1beta1 request by a policy naming only v1, the object converted to v1', async () => {
      const err = await refusal(plugin([v1Policy()], [binding()]), pausedAtV1beta1());
      // CEL saw spec.paused (v1's field, from the annotation), request.kind v1, requestKind v1beta1.
      expect(err.message).toContain('denied request: v1 v1beta1 paused');
      const running = pausedAtV1beta1();
      running.object!.metadata.annotations = { [`${GROUP}/v1-spec-paused`]: 'false' };
      await expect(plugin([v1Policy()], [binding()]).validate!(running)).resolves.toBeUndefined();
    });

    it('does not under Exact, nor where nothing else serves the objects', async () => {
      const exact = v1Policy({ matchConstraints: { matchPolicy: 'Exact' } });
      await expect(plugin([exact], [binding()]).validate!(pausedAtV1beta1())).resolves.toBeUndefined();
      const alone = plugin([v1Policy()], [binding()], {
        equivalents: equivalentResourcesOf(installKinds([])),
      });
      await expect(alone.validate!(pausedAtV1beta1())).resolves.toBeUndefined();
    });

    it('excludes a v1beta1 request by excludeResourceRules naming v1', async () => {
      const excluded = v1Policy({
        matchConstraints: { resourceRules: rules as never, excludeResourceRules: v1Rules as never },
      });
      await expect(plugin([excluded], [binding()]).validate!(pausedAtV1beta1())).resolves.toBeUndefined();
    });

    it('shows oldObject converted too, and each policy the version it named', async () => {
      const update = pausedAtV1beta1();
      update.operation = 'UPDATE';
      update.oldObject = structuredClone(update.object);
      const v1 = v1Policy({
        validations: [{ expression: 'oldObject.spec.paused == false', message: 'v1 saw old paused' }],
      });
      const v1beta1 = policy(
        { validations: [{ expression: 'has(oldObject.spec.paused)', message: 'v1beta1 has no paused' }] },
        'q',
      );
      const err = await refusal(
        plugin([v1, v1beta1], [binding(), binding({ policyName: 'q' }, 'c')]),
        update,
      );
      expect(err.toStatus().details?.causes?.map((c) => c.message)).toEqual([
        "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: v1 saw old paused",
      ]);
      // Both refused: the first answers, and the v1beta1 policy saw no spec.paused.
      expect(err.message).toContain('v1 saw old paused');
      const onlyV1beta1 = await refusal(plugin([v1beta1], [binding({ policyName: 'q' }, 'c')]), update);
      expect(onlyV1beta1.message).toContain('v1beta1 has no paused');
    });
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
