import { z } from 'zod';
import { defineKind, KindConversionError, KindDefinitionError, objectMetaSchema } from '../src';
import type { KindSpec, KindVersionSpec } from '../src';

const GROUP = 'widgets.example.com';

/** A cluster-scoped test kind, Widget, with one version per name given. */
function widgetSchema(version: string, extra: z.ZodRawShape = {}) {
  return z
    .strictObject({
      apiVersion: z.literal(`${GROUP}/${version}`),
      kind: z.literal('Widget'),
      metadata: objectMetaSchema,
      spec: z
        .strictObject({
          size: z.int32().min(1).default(3).describe('How big.'),
          colour: z.string().optional().describe('Which colour.'),
          ...extra,
        })
        .prefault({})
        .describe('The desired widget.'),
    })
    .describe('A widget.');
}

const version = (name: string, over: Partial<KindVersionSpec> = {}): KindVersionSpec => ({
  name,
  served: true,
  storage: name === 'v1',
  schema: widgetSchema(name),
  ...over,
});

const widgetSpec = (over: Partial<KindSpec> = {}): KindSpec => ({
  group: GROUP,
  kind: 'Widget',
  plural: 'widgets',
  singular: 'widget',
  scope: 'Cluster',
  versions: [version('v1')],
  ...over,
});

const problems = (result: { errors: { field: string; message: string }[] }): string[] =>
  result.errors.map((e) => `${e.field}: ${e.message}`);

describe('defineKind', () => {
  const widgets = defineKind(widgetSpec());
  const v1 = widgets.storageVersion;

  it('derives names, scope and the version from the spec, as a CRD does', () => {
    expect(widgets).toMatchObject({
      group: GROUP,
      kind: 'Widget',
      listKind: 'WidgetList',
      plural: 'widgets',
      shortNames: [],
      categories: [],
      scope: 'Cluster',
      namespaced: false,
    });
    expect(v1).toMatchObject({ name: 'v1', apiVersion: `${GROUP}/v1`, deprecated: false });
    expect(v1.deprecationWarning).toBeUndefined();
    expect(v1.printerColumns).toEqual([]);
    expect(v1.subresources).toEqual({});
    expect(widgets.version('v1')).toBe(v1);
    expect(widgets.version('v2')).toBeUndefined();
  });

  it('defaults from the schema: the spec default {} and then the fields inside it, nulls dropped', () => {
    expect(v1.applyDefaults({ metadata: { name: 'w', labels: null } })).toEqual({
      metadata: { name: 'w' },
      spec: { size: 3 },
    });
    expect(v1.applyDefaults({ spec: { size: 0, colour: null } })).toEqual({ spec: { size: 0 } });
  });

  it('defaults inside list items and map values, and leaves values of the wrong type alone', () => {
    const port = z.strictObject({ port: z.int(), protocol: z.string().default('TCP') });
    const schema = widgetSchema('v1', {
      ports: z.array(port).optional(),
      byName: z.record(z.string(), port).optional(),
    });
    const kind = defineKind(widgetSpec({ versions: [version('v1', { schema })] }));
    const obj = {
      spec: { ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }, 'junk'], byName: { web: { port: 8080 } } },
    };
    expect(kind.storageVersion.applyDefaults(obj).spec).toEqual({
      size: 3,
      ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }, 'junk'],
      byName: { web: { port: 8080, protocol: 'TCP' } },
    });
    expect(kind.storageVersion.applyDefaults({ spec: { ports: 'none', byName: [] } }).spec).toEqual({
      size: 3,
      ports: 'none',
      byName: [],
    });
    expect(obj.spec.ports[0]).toEqual({ port: 80 });
  });

  it('forbids metadata.namespace on a cluster-scoped kind, with kube message', () => {
    const obj = { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name: 'w', namespace: 'default' } };
    expect(problems(v1.validate(obj))).toEqual(['metadata.namespace: Forbidden: not allowed on this type']);
    const { namespace: _ns, ...clusterMeta } = obj.metadata;
    expect(problems(v1.validate({ ...obj, metadata: clusterMeta }))).toEqual([]);
  });

  it('requires metadata.namespace on a namespaced kind', () => {
    const namespaced = defineKind(widgetSpec({ scope: 'Namespaced' })).storageVersion;
    const obj = { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name: 'w' } };
    expect(problems(namespaced.validate(obj))).toEqual(['metadata.namespace: Required value']);
    expect(problems(namespaced.validate({ ...obj, metadata: { name: 'w', namespace: 'ns' } }))).toEqual([]);
  });

  it('validates against the version schema, unknown fields apart', () => {
    const obj = {
      apiVersion: `${GROUP}/v1`,
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 0, x: 1 },
    };
    expect(v1.validate(obj)).toEqual({
      errors: [
        expect.objectContaining({
          field: 'spec.size',
          message: 'Invalid value: 0: must be greater than or equal to 1',
        }),
      ],
      unknownFields: ['spec.x'],
    });
    expect(v1.unknownFields(obj)).toEqual(['spec.x']);
    expect(v1.pruneUnknownFields(obj).spec).toEqual({ size: 0 });
    expect(problems(v1.validateUpdate({ ...obj, metadata: { name: 'v' } }, obj))).toContain(
      'metadata.name: Invalid value: "v": field is immutable',
    );
  });

  it('builds the list schema', () => {
    const list = {
      apiVersion: `${GROUP}/v1`,
      kind: 'WidgetList',
      metadata: { resourceVersion: '3' },
      items: [],
    };
    expect(v1.listSchema.safeParse(list).success).toBe(true);
    expect(v1.listSchema.safeParse({ ...list, kind: 'Widget' }).success).toBe(false);
  });

  it('publishes the kind, its list and its spec in reverse-DNS names with their group-version-kind', () => {
    const schemas = v1.openAPISchemas({ refPrefix: '#/components/schemas/', dialect: 'openapi-3.0' });
    expect(v1.openAPINames).toEqual({
      kind: 'com.example.widgets.v1.Widget',
      list: 'com.example.widgets.v1.WidgetList',
    });
    expect(Object.keys(schemas).sort()).toEqual([
      'com.example.widgets.v1.Widget',
      'com.example.widgets.v1.WidgetList',
      'com.example.widgets.v1.WidgetSpec',
    ]);
    expect(schemas['com.example.widgets.v1.WidgetList']?.['x-kubernetes-group-version-kind']).toEqual([
      { group: GROUP, version: 'v1', kind: 'WidgetList' },
    ]);
    // A default is stated, as in a CRD's schema, and a defaulted field is not required.
    const spec = schemas['com.example.widgets.v1.WidgetSpec'] as {
      default: unknown;
      properties: Record<string, unknown>;
      required?: string[];
    };
    expect(spec.default).toEqual({});
    expect(spec.properties.size).toMatchObject({ type: 'integer', default: 3 });
    expect(spec.required).toBeUndefined();
  });
});

describe('defineKind with several versions', () => {
  const v2Schema = widgetSchema('v2', { shape: z.string().optional().describe('Its shape.') });
  const spec = widgetSpec({
    versions: [version('v1'), version('v2', { schema: v2Schema, deprecated: true })],
    conversion: {
      hub: 'v1',
      spokes: {
        v2: {
          toHub: (obj) => {
            delete (obj.spec as { shape?: string }).shape;
            return obj;
          },
          fromHub: (obj) => ({ ...obj, spec: { ...(obj.spec as object), shape: 'round' } }),
        },
      },
    },
  });
  const widgets = defineKind(spec);

  it('converts through the hub, sets the target apiVersion and leaves its input alone', () => {
    const obj = { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name: 'w' }, spec: { size: 3 } };
    const v2 = widgets.convert(obj, 'v2');
    expect(v2).toEqual({ ...obj, apiVersion: `${GROUP}/v2`, spec: { size: 3, shape: 'round' } });
    expect(widgets.convert(v2, 'v1')).toEqual(obj);
    expect(v2.spec).toEqual({ size: 3, shape: 'round' });
    expect(widgets.convert(obj, 'v1')).toBe(obj);
  });

  it('refuses to convert what is not a version of the kind', () => {
    expect(() => widgets.convert({ apiVersion: 'other.example.com/v1', metadata: {} }, 'v1')).toThrow(
      KindConversionError,
    );
    expect(() => widgets.convert({ apiVersion: 'other.example.com/v1', metadata: {} }, 'v1')).toThrow(
      /not a version of widgets.example.com/,
    );
    expect(() => widgets.convert({ metadata: {} }, 'v1')).toThrow(KindConversionError);
    expect(() => widgets.convert({ apiVersion: `${GROUP}/v1`, metadata: {} }, 'v3')).toThrow(/not a version/);
  });

  it('changes only apiVersion between versions of one schema (conversion None)', () => {
    const same = defineKind(
      widgetSpec({ versions: [version('v1'), version('v1beta1', { schema: widgetSchema('v1beta1') })] }),
    );
    const obj = { apiVersion: `${GROUP}/v1beta1`, kind: 'Widget', metadata: { name: 'w' } };
    expect(same.convert(obj, 'v1')).toEqual({ ...obj, apiVersion: `${GROUP}/v1` });
  });

  it('accepts selectable string, integer and boolean fields and printer columns with a format', () => {
    const schema = widgetSchema('v1', { on: z.boolean().optional() });
    const selectable = defineKind(
      widgetSpec({
        versions: [
          version('v1', {
            schema,
            selectableFields: [
              { jsonPath: '.spec.size' },
              { jsonPath: '.spec.colour' },
              { jsonPath: '.spec.on' },
            ],
            printerColumns: [{ name: 'Size', type: 'integer', format: 'int32', jsonPath: '.spec.size' }],
          }),
        ],
      }),
    );
    expect(selectable.storageVersion.selectableFields).toHaveLength(3);
  });

  it('serves only served versions', () => {
    const unserved = defineKind(
      widgetSpec({
        versions: [version('v1'), version('v1beta1', { schema: widgetSchema('v1beta1'), served: false })],
      }),
    );
    expect(unserved.version('v1beta1')).toBeUndefined();
    expect(unserved.versions.map((v) => v.name)).toEqual(['v1', 'v1beta1']);
  });
});

describe('defineKind refuses a definition that is not valid', () => {
  const withConversion = (conversion: KindSpec['conversion']): KindSpec =>
    widgetSpec({
      versions: [
        version('v1'),
        version('v2', { schema: widgetSchema('v2', { shape: z.string().optional() }) }),
      ],
      conversion,
    });
  const spoke = { toHub: <T>(o: T) => o, fromHub: <T>(o: T) => o };

  it.each<[string, KindSpec, RegExp]>([
    ['no versions', widgetSpec({ versions: [] }), /at least one version/],
    [
      'two versions of one name',
      widgetSpec({ versions: [version('v1'), version('v1', { storage: false })] }),
      /v1 is defined twice/,
    ],
    [
      'no storage version',
      widgetSpec({ versions: [version('v1', { storage: false })] }),
      /exactly one version must be the storage version, not 0/,
    ],
    [
      'two storage versions',
      widgetSpec({ versions: [version('v1'), version('v2', { storage: true, schema: widgetSchema('v2') })] }),
      /not 2/,
    ],
    [
      'no served version',
      widgetSpec({ versions: [version('v1', { served: false })] }),
      /at least one version must be served/,
    ],
    [
      'an apiVersion literal of another version',
      widgetSpec({ versions: [version('v1', { schema: widgetSchema('v2') })] }),
      /apiVersion must be z.literal\('widgets.example.com\/v1'\)/,
    ],
    [
      'a kind literal of another kind',
      widgetSpec({ kind: 'Gadget', versions: [version('v1')] }),
      /kind must be z.literal\('Gadget'\)/,
    ],
    [
      'metadata that is not objectMetaSchema',
      widgetSpec({
        versions: [version('v1', { schema: widgetSchema('v1').extend({ metadata: z.object({}) }) })],
      }),
      /metadata must be objectMetaSchema/,
    ],
    [
      'different schemas without a conversion',
      withConversion(undefined),
      /different schemas, so a conversion is needed/,
    ],
    [
      'a conversion that misses a version',
      withConversion({ hub: 'v1', spokes: {} }),
      /version v2 has no conversion to and from the hub v1/,
    ],
    [
      'a hub that is not a version',
      withConversion({ hub: 'v3', spokes: { v2: spoke } }),
      /hub "v3" is not a version/,
    ],
    [
      'a spoke that is not a version',
      withConversion({ hub: 'v1', spokes: { v2: spoke, v9: spoke } }),
      /spoke "v9" is not a version/,
    ],
    [
      'the hub as a spoke',
      withConversion({ hub: 'v1', spokes: { v1: spoke, v2: spoke } }),
      /hub "v1" cannot also be a spoke/,
    ],
    [
      'a deprecation warning on a version not deprecated',
      widgetSpec({ versions: [version('v1', { deprecationWarning: 'no' })] }),
      /only allowed on a deprecated version/,
    ],
    ['a group without a dot', widgetSpec({ group: 'widgets' }), /group "widgets" must be a DNS subdomain/],
    ['an upper-case plural', widgetSpec({ plural: 'Widgets' }), /plural "Widgets"/],
    ['an unknown scope', widgetSpec({ scope: 'Global' as 'Cluster' }), /scope must be Namespaced or Cluster/],
    [
      'a printer column of an unknown type',
      widgetSpec({
        versions: [
          version('v1', {
            printerColumns: [{ name: 'Size', type: 'int' as 'integer', jsonPath: '.spec.size' }],
          }),
        ],
      }),
      /printer column "Size": type must be one of integer, number, string, boolean, date/,
    ],
    [
      'a printer column whose jsonPath is not a simple path',
      widgetSpec({
        versions: [
          version('v1', { printerColumns: [{ name: 'Size', type: 'integer', jsonPath: 'spec.size' }] }),
        ],
      }),
      /jsonPath must be a simple path/,
    ],
    [
      'a printer column of an unknown format',
      widgetSpec({
        versions: [
          version('v1', {
            printerColumns: [{ name: 'Size', type: 'integer', format: 'big', jsonPath: '.spec.size' }],
          }),
        ],
      }),
      /format must be one of/,
    ],
    [
      'a selectable metadata field',
      widgetSpec({ versions: [version('v1', { selectableFields: [{ jsonPath: '.metadata.name' }] })] }),
      /metadata fields are selectable already/,
    ],
    [
      'a selectable field the schema does not have',
      widgetSpec({ versions: [version('v1', { selectableFields: [{ jsonPath: '.spec.shape' }] })] }),
      /selectable field .spec.shape: must be a string, integer or boolean field/,
    ],
    [
      'a selectable field that is an object',
      widgetSpec({ versions: [version('v1', { selectableFields: [{ jsonPath: '.spec' }] })] }),
      /must be a string, integer or boolean field/,
    ],
    [
      'a selectable field listed twice',
      widgetSpec({
        versions: [
          version('v1', { selectableFields: [{ jsonPath: '.spec.size' }, { jsonPath: '.spec.size' }] }),
        ],
      }),
      /listed twice/,
    ],
    [
      'nine selectable fields',
      widgetSpec({
        versions: [
          version('v1', { selectableFields: Array.from({ length: 9 }, () => ({ jsonPath: '.spec.size' })) }),
        ],
      }),
      /at most 8 selectableFields/,
    ],
    [
      'a scale label selector outside spec and status',
      widgetSpec({
        versions: [
          version('v1', {
            subresources: {
              scale: {
                specReplicasPath: '.spec.size',
                statusReplicasPath: '.status.size',
                labelSelectorPath: '.metadata.labels',
              },
            },
          }),
        ],
      }),
      /labelSelectorPath must be under .spec or .status/,
    ],
    [
      'a scale path outside spec',
      widgetSpec({
        versions: [
          version('v1', {
            subresources: { scale: { specReplicasPath: '.status.size', statusReplicasPath: '.status.size' } },
          }),
        ],
      }),
      /specReplicasPath must be under .spec/,
    ],
  ])('%s', (_case, spec, message) => {
    expect(() => defineKind(spec)).toThrow(KindDefinitionError);
    expect(() => defineKind(spec)).toThrow(message);
  });
});
