import { v1beta1, validFoo } from './fixtures';

const {
  validate: validateFoo,
  validateUpdate: validateFooUpdate,
  unknownFields: findUnknownFields,
} = v1beta1;
const pruneUnknownFields = v1beta1.pruneUnknownFields;

/** The errors as the apiserver will print them: `field: message`. */
const problems = (obj: unknown): string[] => validateFoo(obj).errors.map((e) => `${e.field}: ${e.message}`);
const types = (obj: unknown): string[] => validateFoo(obj).errors.map((e) => `${e.type} ${e.field}`);

describe('validateFoo on a valid object', () => {
  it('reports nothing', () => {
    expect(validateFoo(validFoo())).toEqual({ errors: [], unknownFields: [] });
  });

  it('accepts the server-set metadata fields', () => {
    const foo = validFoo({
      metadata: {
        uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
        resourceVersion: '42',
        generation: 3,
        creationTimestamp: '2026-11-24T10:00:00Z',
        deletionTimestamp: '2026-11-24T11:00:00Z',
        deletionGracePeriodSeconds: 0,
        finalizers: ['example.com/cleanup'],
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Apply',
            apiVersion: 'bar.pwk.educative.io/v1beta1',
            time: '2026-11-24T10:00:00Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:spec': { 'f:replicas': {} } },
          },
        ],
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'u1', controller: true }],
      },
    });
    expect(validateFoo(foo).errors).toEqual([]);
  });
});

describe('spec rules', () => {
  it('rejects negative replicas with the Kubernetes message', () => {
    expect(problems(validFoo({ spec: { replicas: -1 } }))).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    ]);
    expect(types(validFoo({ spec: { replicas: -1 } }))).toEqual(['FieldValueInvalid spec.replicas']);
  });

  it('accepts the int32 bounds 0 and 2147483647 and rejects 2147483648', () => {
    expect(problems(validFoo({ spec: { replicas: 0 } }))).toEqual([]);
    expect(problems(validFoo({ spec: { replicas: 2147483647 } }))).toEqual([]);
    expect(problems(validFoo({ spec: { replicas: 2147483648 } }))).toEqual([
      'spec.replicas: Invalid value: 2147483648: must be less than or equal to 2147483647',
    ]);
  });

  // As the body's JSON gives them: 9007199254740993 arrives as the double 9007199254740992.
  it.each(['1e20', '9007199254740993', '1099511627776'])(
    'states the int32 maximum for replicas of any size (%s)',
    (text) => {
      const replicas = JSON.parse(text) as number;
      expect(problems(validFoo({ spec: { replicas } }))).toEqual([
        `spec.replicas: Invalid value: ${replicas}: must be less than or equal to 2147483647`,
      ]);
    },
  );

  it.each(['-1e20', '-9007199254740993', '-2147483649'])(
    'states only the minimum 0 for replicas of any size (%s)',
    (text) => {
      const replicas = JSON.parse(text) as number;
      expect(problems(validFoo({ spec: { replicas } }))).toEqual([
        `spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`,
      ]);
    },
  );

  it('rejects a fractional replicas value', () => {
    expect(problems(validFoo({ spec: { replicas: 1.5 } }))).toEqual([
      'spec.replicas: Invalid value: 1.5: must be an integer',
    ]);
  });

  it('rejects a replicas of the wrong JSON type as FieldValueTypeInvalid', () => {
    const [err] = validateFoo(validFoo({ spec: { replicas: 'three' } })).errors;
    expect(err).toMatchObject({ type: 'FieldValueTypeInvalid', field: 'spec.replicas', badValue: 'three' });
    // Kubernetes names the schema type: integer, not JavaScript's number.
    expect(err?.message).toBe('Invalid value: "three": must be of type integer');
  });

  it('names the schema type of other mistyped fields', () => {
    expect(problems(validFoo({ spec: { location: 7 } }))).toEqual([
      'spec.location: Invalid value: 7: must be of type string',
    ]);
    expect(problems({ ...validFoo(), status: { observedGeneration: 'x' } })).toEqual([
      'status.observedGeneration: Invalid value: "x": must be of type integer',
    ]);
  });

  it('accepts a 256-character location and rejects a 300-character one as FieldValueTooLong', () => {
    expect(problems(validFoo({ spec: { location: 'x'.repeat(256) } }))).toEqual([]);
    expect(validateFoo(validFoo({ spec: { location: 'x'.repeat(300) } })).errors).toEqual([
      {
        type: 'FieldValueTooLong',
        field: 'spec.location',
        detail: 'may not be longer than 256',
        message: 'Too long: may not be longer than 256',
      },
    ]);
  });

  it('rejects a non-string location and a non-object spec', () => {
    expect(types(validFoo({ spec: { location: 42 } }))).toEqual(['FieldValueTypeInvalid spec.location']);
    expect(types({ ...validFoo(), spec: 'big' })).toEqual(['FieldValueTypeInvalid spec']);
  });
});

describe('apiVersion, kind and the object itself', () => {
  it('names the supported apiVersion and kind', () => {
    expect(problems({ ...validFoo(), apiVersion: 'v1', kind: 'Bar' })).toEqual([
      'apiVersion: Unsupported value: "v1": supported values: "bar.pwk.educative.io/v1beta1"',
      'kind: Unsupported value: "Bar": supported values: "Foo"',
    ]);
  });

  it('requires metadata', () => {
    const { metadata: _m, ...noMeta } = validFoo();
    expect(problems(noMeta)).toEqual(['metadata: Required value']);
  });

  it.each([null, 'a string', 42, [], undefined])(
    'reports %p as a field error instead of throwing',
    (input) => {
      expect(validateFoo(input).errors.length).toBeGreaterThan(0);
    },
  );
});

describe('metadata.name', () => {
  it.each([
    ['../etc', 'Invalid value: "../etc": a lowercase RFC 1123 subdomain'],
    ['Bad_Name', 'Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain'],
    ['a/b', 'Invalid value: "a/b": a lowercase RFC 1123 subdomain'],
    ['a\u0000b', 'Invalid value: "a\\u0000b": a lowercase RFC 1123 subdomain'],
    ['-leading', 'Invalid value: "-leading": a lowercase RFC 1123 subdomain'],
  ])('rejects %j', (name, start) => {
    const errs = validateFoo(validFoo({ metadata: { name } })).errors;
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ type: 'FieldValueInvalid', field: 'metadata.name', badValue: name });
    expect(errs[0]?.message.startsWith(start)).toBe(true);
  });

  it('accepts 253 characters and rejects 254 with the length message', () => {
    const label = 'a'.repeat(63);
    const name253 = [label, label, label, 'a'.repeat(61)].join('.');
    expect(name253).toHaveLength(253);
    expect(problems(validFoo({ metadata: { name: name253 } }))).toEqual([]);
    const name254 = `${name253}a`;
    expect(problems(validFoo({ metadata: { name: name254 } }))).toEqual([
      `metadata.name: Invalid value: "${name254}": must be no more than 253 characters`,
    ]);
  });

  it('requires a name or generateName', () => {
    expect(problems(validFoo({ metadata: { name: '' } }))).toEqual([
      'metadata.name: Required value: name or generateName is required',
    ]);
    expect(types(validFoo({ metadata: { name: undefined } }))).toEqual(['FieldValueRequired metadata.name']);
  });

  it('accepts a generateName prefix ending in a dash and rejects an invalid prefix', () => {
    expect(problems(validFoo({ metadata: { name: undefined, generateName: 'demo-' } }))).toEqual([]);
    const errs = validateFoo(validFoo({ metadata: { name: undefined, generateName: 'Demo-' } })).errors;
    expect(errs.map((e) => e.field)).toEqual(['metadata.generateName']);
  });
});

describe('metadata.namespace', () => {
  it('is required on this namespaced kind', () => {
    expect(problems(validFoo({ metadata: { namespace: undefined } }))).toEqual([
      'metadata.namespace: Required value',
    ]);
  });

  it.each(['Default', 'a.b', 'x'.repeat(64)])('rejects %j as a DNS-1123 label', (namespace) => {
    expect(types(validFoo({ metadata: { namespace } }))).toEqual(['FieldValueInvalid metadata.namespace']);
  });
});

describe('labels', () => {
  it('accepts prefixed keys and empty values', () => {
    expect(problems(validFoo({ metadata: { labels: { 'example.com/app': 'web', tier: '' } } }))).toEqual([]);
  });

  it.each([
    ['a/b/c', 'x'],
    ['-x', 'x'],
    ['/x', 'x'],
    ['example.com/', 'x'],
    ['k'.repeat(64), 'x'],
  ])('rejects the key %j', (key, value) => {
    expect(types(validFoo({ metadata: { labels: { [key]: value } } }))).toEqual([
      'FieldValueInvalid metadata.labels',
    ]);
  });

  it.each(['bad value', 'v'.repeat(64), '-x'])('rejects the value %j', (value) => {
    const errs = validateFoo(validFoo({ metadata: { labels: { app: value } } })).errors;
    expect(errs).toEqual([expect.objectContaining({ field: 'metadata.labels', badValue: value })]);
  });

  it('rejects a non-string value at its key', () => {
    expect(types(validFoo({ metadata: { labels: { app: 3 } } }))).toEqual([
      'FieldValueTypeInvalid metadata.labels[app]',
    ]);
  });
});

describe('annotations', () => {
  it('accepts upper-case keys (checked lower-cased) and rejects malformed ones', () => {
    expect(problems(validFoo({ metadata: { annotations: { 'Example.com/Key': 'v' } } }))).toEqual([]);
    expect(types(validFoo({ metadata: { annotations: { 'a b': 'v' } } }))).toEqual([
      'FieldValueInvalid metadata.annotations',
    ]);
  });

  it('allows 256 KiB in total and rejects one byte more', () => {
    const at = (size: number) => ({ k: 'v'.repeat(size - 1) });
    expect(problems(validFoo({ metadata: { annotations: at(262144) } }))).toEqual([]);
    expect(problems(validFoo({ metadata: { annotations: at(262145) } }))).toEqual([
      'metadata.annotations: Too long: must have at most 262144 bytes',
    ]);
  });
});

describe('other metadata', () => {
  it('rejects malformed finalizers at their index', () => {
    expect(types(validFoo({ metadata: { finalizers: ['example.com/ok', 'not ok'] } }))).toEqual([
      'FieldValueInvalid metadata.finalizers[1]',
    ]);
  });

  it('requires the fields of an owner reference and at most one controller', () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'u' };
    expect(types(validFoo({ metadata: { ownerReferences: [{ ...ref, uid: undefined }] } }))).toEqual([
      'FieldValueRequired metadata.ownerReferences[0].uid',
    ]);
    const two = [
      { ...ref, controller: true },
      { ...ref, uid: 'v', controller: true },
    ];
    expect(types(validFoo({ metadata: { ownerReferences: two } }))).toEqual([
      'FieldValueInvalid metadata.ownerReferences',
    ]);
  });

  it('rejects a negative generation and a malformed timestamp', () => {
    expect(problems(validFoo({ metadata: { generation: -1 } }))).toEqual([
      'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
    ]);
    expect(problems(validFoo({ metadata: { creationTimestamp: 'yesterday' } }))).toEqual([
      'metadata.creationTimestamp: Invalid value: "yesterday": must be an RFC 3339 date-time',
    ]);
  });
});

describe('status', () => {
  const ready = {
    type: 'Ready',
    status: 'True',
    observedGeneration: 1,
    lastTransitionTime: '2026-11-24T10:00:00Z',
    reason: 'Reconciled',
    message: '',
  };
  const withStatus = (status: unknown) => ({ ...validFoo(), status });

  it('accepts a Ready condition and an observedGeneration', () => {
    expect(problems(withStatus({ observedGeneration: 1, conditions: [ready] }))).toEqual([]);
  });

  it('names the supported condition statuses', () => {
    expect(problems(withStatus({ conditions: [{ ...ready, status: 'Maybe' }] }))).toEqual([
      'status.conditions[0].status: Unsupported value: "Maybe": supported values: "True", "False", "Unknown"',
    ]);
  });

  it('rejects a malformed reason and type, and a missing lastTransitionTime', () => {
    const { lastTransitionTime: _t, ...noTime } = ready;
    expect(types(withStatus({ conditions: [{ ...ready, reason: '1bad' }] }))).toEqual([
      'FieldValueInvalid status.conditions[0].reason',
    ]);
    expect(types(withStatus({ conditions: [{ ...ready, type: 'not a type' }] }))).toEqual([
      'FieldValueInvalid status.conditions[0].type',
    ]);
    expect(types(withStatus({ conditions: [noTime] }))).toEqual([
      'FieldValueRequired status.conditions[0].lastTransitionTime',
    ]);
  });

  it('rejects two conditions of one type', () => {
    expect(problems(withStatus({ conditions: [ready, { ...ready, status: 'False' }] }))).toEqual([
      'status.conditions[1].type: Duplicate value: "Ready"',
    ]);
  });

  it('rejects a message over 32768 characters and a negative observedGeneration', () => {
    expect(types(withStatus({ conditions: [{ ...ready, message: 'm'.repeat(32769) }] }))).toEqual([
      'FieldValueTooLong status.conditions[0].message',
    ]);
    expect(types(withStatus({ observedGeneration: -1 }))).toEqual([
      'FieldValueInvalid status.observedGeneration',
    ]);
  });
});

describe('unknown fields', () => {
  const withUnknown = () => ({
    ...validFoo({ spec: { colour: 'red' }, metadata: { nickname: 'x' } }),
    extra: true,
    status: { conditions: [], mood: 'ok' },
  });

  it('are reported apart from errors, as dotted paths', () => {
    const result = validateFoo(withUnknown());
    expect(result.errors).toEqual([]);
    expect(result.unknownFields.sort()).toEqual(['extra', 'metadata.nickname', 'spec.colour', 'status.mood']);
  });

  it.each<[string, unknown]>([
    ['none', { apiVersion: 'bar.pwk.educative.io/v1beta1', kind: 'Foo', metadata: { name: 'a' } }],
    ['everywhere', null],
    [
      'in list items and maps',
      {
        metadata: {
          name: 'a',
          labels: { 'x/y': 'z' },
          ownerReferences: [{ name: 'o', junk: 1 }, 'not an object', { uid: 'u', more: { deep: 1 } }],
          managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': { 'f:x': {} } }, extra: true }],
        },
        status: { conditions: [{ type: 'Ready', colour: 'red' }], mood: 'ok' },
      },
    ],
    ['under values of the wrong type', { metadata: 'text', spec: [1, { a: 1 }], status: { conditions: {} } }],
  ])('are found without validating (%s), exactly as validation names them', (_case, body) => {
    const input = body ?? withUnknown();
    expect(findUnknownFields(input).sort()).toEqual(validateFoo(input).unknownFields.sort());
  });

  it('are removed by pruneUnknownFields without touching the input', () => {
    const input = withUnknown();
    const pruned = pruneUnknownFields(input);
    expect(validateFoo(pruned)).toEqual({ errors: [], unknownFields: [] });
    expect(pruned.spec).toEqual({ replicas: 51 });
    expect(input.spec).toHaveProperty('colour', 'red');
  });

  it('are pruned inside list items and beside each other, in a copy that shares nothing with the input', () => {
    type Shaped = {
      metadata: { name: string; ownerReferences: Array<Record<string, unknown>> };
      spec: unknown;
    };
    const input = validFoo({
      metadata: {
        name: 'a',
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u', junk: 1 }],
      },
      spec: { replicas: 2, colour: 'red', size: 'xl' },
    }) as Shaped;
    const pruned = pruneUnknownFields(input);
    expect(validateFoo(pruned)).toEqual({ errors: [], unknownFields: [] });
    expect(pruned.spec).toEqual({ replicas: 2 });
    expect(pruned.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u' },
    ]);
    pruned.metadata.name = 'changed';
    pruned.metadata.ownerReferences[0]!.name = 'changed';
    expect(input.metadata.name).toBe('a');
    expect(input.metadata.ownerReferences[0]).toHaveProperty('junk', 1);
    expect(input.metadata.ownerReferences[0]!.name).toBe('o');
  });
});

describe('validateFooUpdate', () => {
  const stored = validFoo({ metadata: { uid: 'u-1', creationTimestamp: '2026-11-24T10:00:00Z' } });

  it('accepts a spec change', () => {
    expect(validateFooUpdate(validFoo({ ...stored, spec: { replicas: 2 } }), stored).errors).toEqual([]);
  });

  it.each([
    ['uid', 'u-2'],
    ['creationTimestamp', '2026-01-01T00:00:00Z'],
    ['name', 'other'],
  ])('rejects a change of metadata.%s as immutable', (field, value) => {
    const next = validFoo({ metadata: { ...stored.metadata, [field]: value } });
    expect(problems(next)).toEqual([]);
    expect(validateFooUpdate(next, stored).errors).toEqual([
      expect.objectContaining({
        field: `metadata.${field}`,
        message: `Invalid value: "${value}": field is immutable`,
      }),
    ]);
  });
});
