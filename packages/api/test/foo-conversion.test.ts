import fc from 'fast-check';
import { fooKind, PAUSED_ANNOTATION } from '../src';
import type { KindObject } from '../src';
import { decodePaused, encodePaused } from '../src/foo/conversion';

const V1 = 'bar.pwk.educative.io/v1';
const V1BETA1 = 'bar.pwk.educative.io/v1beta1';

// Generators of valid Foos: metadata with labels and annotations (among them, sometimes, the
// paused annotation with any value), spec, and status with conditions.
const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?$/);
const qualifiedName = fc
  .tuple(
    fc.option(fc.constantFrom('example.com', 'bar.pwk.educative.io', 'a.b-c.io'), { nil: undefined }),
    fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,8}[A-Za-z0-9])?$/),
  )
  .map(([prefix, name]) => (prefix ? `${prefix}/${name}` : name));
const labelValue = fc.oneof(
  fc.constant(''),
  fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,8}[A-Za-z0-9])?$/),
);
const time = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z'));

/** Values the paused annotation may hold: canonical, hand-written, and escape-like ones. */
const pausedAnnotationValue = fc.oneof(
  fc.constantFrom(
    'true',
    'false',
    'True',
    ' true',
    '',
    '{}',
    '{"paused":true}',
    '{"paused": true}',
    'valueOf',
    'toString',
    '__proto__',
  ),
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc
    .record(
      {
        paused: fc.boolean(),
        annotation: fc.oneof(fc.constantFrom('true', 'false', '{"annotation":"true"}'), fc.string()),
      },
      { requiredKeys: [] },
    )
    .map((r) => JSON.stringify(r)),
  fc.string().map((s) => JSON.stringify({ annotation: JSON.stringify({ annotation: s }) })),
);

const annotations = fc
  .tuple(
    fc.dictionary(
      qualifiedName.map((k) => k.toLowerCase()),
      fc.string(),
      { maxKeys: 3 },
    ),
    fc.option(pausedAnnotationValue, { nil: undefined }),
  )
  .map(([rest, paused]) => (paused === undefined ? rest : { ...rest, [PAUSED_ANNOTATION]: paused }))
  // An empty map stands for no map (see conversion.ts): generate either none or some.
  .filter((a) => Object.keys(a).length > 0);

const metadata = fc.record(
  {
    name: label,
    namespace: label,
    uid: fc.uuid(),
    resourceVersion: fc.nat().map(String),
    generation: fc.nat(),
    creationTimestamp: time,
    labels: fc.dictionary(qualifiedName, labelValue, { minKeys: 1, maxKeys: 3 }),
    annotations,
    finalizers: fc.array(qualifiedName, { minLength: 1, maxLength: 2 }),
  },
  { requiredKeys: ['name', 'namespace'] },
);

const condition = fc.record(
  {
    type: fc.constantFrom('Ready', 'Paused', 'example.com/Degraded'),
    status: fc.constantFrom('True', 'False', 'Unknown'),
    observedGeneration: fc.nat(),
    lastTransitionTime: time,
    reason: fc.stringMatching(/^[A-Za-z]([A-Za-z0-9_,:]{0,6}[A-Za-z0-9_])?$/),
    message: fc.string(),
  },
  { requiredKeys: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
);

const status = fc.record(
  {
    observedGeneration: fc.nat(),
    conditions: fc.uniqueArray(condition, { selector: (c) => c.type, maxLength: 3 }),
  },
  { requiredKeys: [] },
);

const specV1beta1 = {
  replicas: fc.integer({ min: 0, max: 2147483647 }),
  location: fc.string({ maxLength: 256 }),
};

const fooV1beta1 = fc.record(
  {
    apiVersion: fc.constant(V1BETA1),
    kind: fc.constant('Foo'),
    metadata,
    spec: fc.record(specV1beta1, { requiredKeys: [] }),
    status,
  },
  { requiredKeys: ['apiVersion', 'kind', 'metadata', 'spec'] },
);

const fooV1 = fc.record(
  {
    apiVersion: fc.constant(V1),
    kind: fc.constant('Foo'),
    metadata,
    spec: fc.record({ ...specV1beta1, paused: fc.boolean() }, { requiredKeys: [] }),
    status,
  },
  { requiredKeys: ['apiVersion', 'kind', 'metadata', 'spec'] },
);

const v1 = fooKind.version('v1')!;
const v1beta1 = fooKind.version('v1beta1')!;
const NUM_RUNS = 500;

const valid = (version: typeof v1, obj: unknown) => {
  const { errors, unknownFields } = version.validate(obj);
  return [...errors.map((e) => `${e.field}: ${e.message}`), ...unknownFields];
};

describe('Foo v1 ⇄ v1beta1 conversion (property tests over generated Foos)', () => {
  it('generates valid Foos of each version', () => {
    fc.assert(
      fc.property(fooV1, (foo) => expect(valid(v1, foo)).toEqual([])),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fooV1beta1, (foo) => expect(valid(v1beta1, foo)).toEqual([])),
      { numRuns: 100 },
    );
  });

  it('v1 → v1beta1 → v1 is the identity, and the v1beta1 view is a valid v1beta1 Foo', () => {
    fc.assert(
      fc.property(fooV1, (foo) => {
        const input = structuredClone(foo);
        const down = fooKind.convert(foo as KindObject, 'v1beta1');
        expect(foo).toEqual(input);
        expect(down.apiVersion).toBe(V1BETA1);
        expect(valid(v1beta1, down)).toEqual([]);
        expect(fooKind.convert(down, 'v1')).toEqual(input);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('v1beta1 → v1 → v1beta1 is the identity, and the v1 view is a valid v1 Foo', () => {
    fc.assert(
      fc.property(fooV1beta1, (foo) => {
        const input = structuredClone(foo);
        const up = fooKind.convert(foo as KindObject, 'v1');
        expect(foo).toEqual(input);
        expect(up.apiVersion).toBe(V1);
        expect(valid(v1, up)).toEqual([]);
        expect(fooKind.convert(up, 'v1beta1')).toEqual(input);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('maps annotation values and v1 states one to one', () => {
    const state = fc.record(
      { paused: fc.boolean(), annotation: fc.oneof(pausedAnnotationValue, fc.string()) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(state, (s) => expect(decodePaused(encodePaused(s))).toEqual(s)),
      { numRuns: NUM_RUNS },
    );
    fc.assert(
      fc.property(fc.option(pausedAnnotationValue, { nil: undefined }), (value) =>
        expect(encodePaused(decodePaused(value))).toEqual(value),
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('Foo v1 ⇄ v1beta1 conversion, by example', () => {
  const base = { kind: 'Foo', metadata: { name: 'a', namespace: 'default' } };

  it('carries spec.paused in the annotation of the v1beta1 view and folds it back', () => {
    const down = fooKind.convert({ ...base, apiVersion: V1, spec: { replicas: 2, paused: true } }, 'v1beta1');
    expect(down).toEqual({
      apiVersion: V1BETA1,
      kind: 'Foo',
      metadata: { name: 'a', namespace: 'default', annotations: { [PAUSED_ANNOTATION]: 'true' } },
      spec: { replicas: 2 },
    });
    expect(fooKind.convert(down, 'v1')).toEqual({
      ...base,
      apiVersion: V1,
      spec: { replicas: 2, paused: true },
    });
  });

  it('leaves a v1beta1 Foo without the annotation without paused in v1 (defaulting makes it false)', () => {
    const up = fooKind.convert({ ...base, apiVersion: V1BETA1, spec: { replicas: 1 } }, 'v1');
    expect(up).toEqual({ ...base, apiVersion: V1, spec: { replicas: 1 } });
    expect(v1.applyDefaults(up).spec).toEqual({ replicas: 1, paused: false });
  });

  it('keeps a hand-written annotation value that is not true or false as it is, in both views', () => {
    const meta = { ...base.metadata, annotations: { [PAUSED_ANNOTATION]: 'yes please', other: 'x' } };
    const up = fooKind.convert({ ...base, apiVersion: V1BETA1, metadata: meta, spec: {} }, 'v1');
    expect(up).toEqual({ ...base, apiVersion: V1, metadata: meta, spec: {} });
  });

  it('escapes a v1 annotation of that name beside spec.paused, and restores both', () => {
    const meta = { ...base.metadata, annotations: { [PAUSED_ANNOTATION]: 'true' } };
    const obj = { ...base, apiVersion: V1, metadata: meta, spec: { paused: false } };
    const down = fooKind.convert(obj, 'v1beta1');
    expect((down.metadata.annotations as Record<string, string>)[PAUSED_ANNOTATION]).toBe(
      '{"paused":false,"annotation":"true"}',
    );
    expect(fooKind.convert(down, 'v1')).toEqual(obj);
  });
});

describe('Foo v1 ⇄ v1beta1 conversion of what is not a valid Foo', () => {
  it.each<[string, KindObject]>([
    ['no metadata', { apiVersion: V1, kind: 'Foo', spec: { paused: true } } as unknown as KindObject],
    ['metadata a string', { apiVersion: V1, kind: 'Foo', metadata: 'x', spec: 'y' } as unknown as KindObject],
    ['annotations a list', { apiVersion: V1, kind: 'Foo', metadata: { annotations: [] } }],
  ])('does not throw (%s)', (_case, obj) => {
    const down = fooKind.convert(obj, 'v1beta1');
    expect(down.apiVersion).toBe(V1BETA1);
    expect(fooKind.convert(down, 'v1').apiVersion).toBe(V1);
  });

  it('keeps a paused value of an object without metadata', () => {
    const obj = { apiVersion: V1, kind: 'Foo', spec: { paused: true } } as unknown as KindObject;
    expect(fooKind.convert(fooKind.convert(obj, 'v1beta1'), 'v1')).toEqual({ ...obj, metadata: {} });
  });

  it('leaves a non-string annotation value for validation to reject', () => {
    const obj = { apiVersion: V1BETA1, kind: 'Foo', metadata: { annotations: { [PAUSED_ANNOTATION]: 1 } } };
    expect(fooKind.convert(obj as unknown as KindObject, 'v1').metadata).toEqual(obj.metadata);
  });
});

describe('Foo v1', () => {
  it('defaults spec.paused to false in v1 only, and publishes it', () => {
    expect(v1.applyDefaults({ spec: {} }).spec).toEqual({ replicas: 1, paused: false });
    expect(v1beta1.applyDefaults({ spec: {} }).spec).toEqual({ replicas: 1 });
    const spec = v1.openAPISchemas({ refPrefix: '#/', dialect: 'openapi-3.0' })[
      'io.educative.pwk.bar.v1.FooSpec'
    ] as {
      properties: Record<string, unknown>;
    };
    expect(spec.properties.paused).toMatchObject({ type: 'boolean', default: false });
    expect(v1beta1.unknownFields({ ...base(), spec: { paused: true } })).toEqual(['spec.paused']);
  });
});

function base() {
  return { apiVersion: V1BETA1, kind: 'Foo', metadata: { name: 'a', namespace: 'default' } };
}
