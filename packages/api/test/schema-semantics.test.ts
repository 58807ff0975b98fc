import { z } from 'zod';
import { defineKind, fooKind, objectMetaSchema } from '../src';
import type { ListType } from '../src';

type Def = {
  type: string;
  shape?: Record<string, Node>;
  innerType?: Node;
  element?: Node;
  valueType?: Node;
};
type Node = { _zod: { def: Def } };

/** Every type path of a schema (maps as `*`, list items as `[]`), found by walking its definition. */
function typePaths(schema: z.ZodType): string[] {
  const out: string[] = [];
  const visit = (node: Node, path: string): void => {
    let def = node._zod.def;
    while (def.innerType) def = def.innerType._zod.def;
    out.push(path);
    const join = (name: string) => (path ? `${path}.${name}` : name);
    if (def.type === 'object') for (const [k, v] of Object.entries(def.shape ?? {})) visit(v, join(k));
    if (def.type === 'array' && def.element) visit(def.element, `${path}[]`);
    if (def.type === 'record' && def.valueType) visit(def.valueType, join('*'));
  };
  visit(schema as unknown as Node, '');
  return out;
}

// The apiserver's tables before the semantics moved into the schema (registry/field-set.ts
// LIST_TYPES and MAP_TYPES, registry/strategic-merge-patch.ts MERGE_LISTS), for Foo.
const LIST_TYPES: Record<string, ListType> = {
  'metadata.finalizers': { kind: 'set' },
  'metadata.ownerReferences': { kind: 'keyed', keys: ['uid'] },
  'status.conditions': { kind: 'keyed', keys: ['type'] },
};
const MAP_TYPES = ['metadata.labels', 'metadata.annotations'];
const MERGE_LISTS: Record<string, string> = { 'metadata.finalizers': '', 'metadata.ownerReferences': 'uid' };

/** Strategic merge's view of a list type: '' merges a set, a key merges by it, undefined replaces. */
const mergeKey = (type: ListType): string | undefined =>
  type.kind === 'set' ? '' : type.kind === 'keyed' && type.keys.length === 1 ? type.keys[0] : undefined;

describe("Foo's list and map semantics, read from its schema", () => {
  const { semantics, schema } = fooKind.storageVersion;
  const paths = typePaths(schema);
  // managedFields never reaches field sets or patches (it is stripped first): fieldsV1 is a
  // record, so a map to the schema, where the tables never looked.
  const visited = paths.filter((p) => !p.startsWith('metadata.managedFields'));

  it('walk every position of the schema', () => {
    expect(paths).toEqual(
      expect.arrayContaining(['metadata.labels.*', 'status.conditions[].type', 'spec.replicas']),
    );
  });

  it('give exactly the list types the field-set table had', () => {
    const found = Object.fromEntries(
      visited.map((p) => [p, semantics.listTypeAt(p)] as const).filter(([, t]) => t.kind !== 'atomic'),
    );
    expect(found).toEqual(LIST_TYPES);
  });

  it('give exactly the maps the field-set table had', () => {
    expect(visited.filter((p) => semantics.isMap(p))).toEqual(MAP_TYPES);
    expect(semantics.isMap('metadata.managedFields[].fieldsV1')).toBe(true);
  });

  it("give strategic merge its merge lists, and status.conditions by type as kube's Condition convention has it", () => {
    const found = Object.fromEntries(
      visited
        .map((p) => [p, mergeKey(semantics.listTypeAt(p))] as const)
        .filter(([, key]) => key !== undefined),
    );
    expect(found).toEqual({ ...MERGE_LISTS, 'status.conditions': 'type' });
  });

  it('say OwnerReference is an atomic struct, as apimachinery tags it, and everything else granular', () => {
    expect(visited.filter((p) => semantics.mapTypeAt?.(p) === 'atomic')).toEqual([
      'metadata.ownerReferences[]',
    ]);
    expect(semantics.mapTypeAt?.('metadata.labels')).toBe('granular');
    expect(semantics.mapTypeAt?.('spec.colour')).toBe('granular');
  });

  it('say atomic and not a map for positions the schema does not have', () => {
    for (const p of ['spec.colour', 'spec.colour[]', 'nope.*', 'metadata.labels.x', '']) {
      expect([p, semantics.listTypeAt(p)]).toEqual([p, { kind: 'atomic' }]);
      expect([p, semantics.isMap(p)]).toEqual([p, false]);
    }
  });

  it('publish the same semantics in the OpenAPI schema', () => {
    const doc = fooKind.storageVersion.openAPISchemas({ refPrefix: '#/', dialect: 'openapi-3.0' });
    const status = doc['io.educative.pwk.bar.v1.FooStatus'] as { properties: Record<string, object> };
    expect(status.properties.conditions).toMatchObject({
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    });
  });
});

describe('list semantics of any kind', () => {
  const kind = defineKind({
    group: 'widgets.example.com',
    kind: 'Widget',
    plural: 'widgets',
    singular: 'widget',
    scope: 'Cluster',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: z.strictObject({
          apiVersion: z.literal('widgets.example.com/v1'),
          kind: z.literal('Widget'),
          metadata: objectMetaSchema,
          spec: z
            .strictObject({
              ports: z
                .array(z.strictObject({ port: z.int(), protocol: z.string() }))
                .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port', 'protocol'] })
                .optional(),
              tags: z.array(z.string()).optional().meta({ 'x-kubernetes-list-type': 'set' }),
              nested: z.array(z.array(z.string()).meta({ 'x-kubernetes-list-type': 'set' })).optional(),
              plain: z.array(z.string()).optional(),
              settings: z.record(
                z.string(),
                z.strictObject({ tags: z.array(z.string()).meta({ 'x-kubernetes-list-type': 'set' }) }),
              ),
            })
            .optional(),
        }),
      },
    ],
  });
  const { semantics } = kind.storageVersion;

  it('read list types from .meta() on the list or on a wrapper around it', () => {
    expect(semantics.listTypeAt('spec.ports')).toEqual({ kind: 'keyed', keys: ['port', 'protocol'] });
    expect(semantics.listTypeAt('spec.tags')).toEqual({ kind: 'set' });
    expect(semantics.listTypeAt('spec.plain')).toEqual({ kind: 'atomic' });
  });

  it('follow list items and map values in type paths', () => {
    expect(semantics.listTypeAt('spec.nested[]')).toEqual({ kind: 'set' });
    expect(semantics.isMap('spec.settings')).toBe(true);
    expect(semantics.listTypeAt('spec.settings.*.tags')).toEqual({ kind: 'set' });
    expect(semantics.listTypeAt('spec.ports[].port')).toEqual({ kind: 'atomic' });
  });

  it('are enforced by validation as for a custom resource: no item twice in a set, no key twice in a map', () => {
    const widget = {
      apiVersion: 'widgets.example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', finalizers: ['example.com/f', 'example.com/f'] },
      spec: {
        ports: [
          { port: 80, protocol: 'TCP' },
          { port: 80, protocol: 'UDP' },
          { port: 80, protocol: 'TCP' },
        ],
        tags: ['a', 'b', 'a', 'a'],
        nested: [['x'], ['y', 'y']],
        plain: ['p', 'p'],
        settings: { one: { tags: ['t', 't'] } },
      },
    };
    expect(kind.storageVersion.validate(widget).errors.map((e) => `${e.field}: ${e.message}`)).toEqual([
      'spec.ports[2]: Duplicate value: {"port":80,"protocol":"TCP"}',
      'spec.tags[2]: Duplicate value: "a"',
      'spec.tags[3]: Duplicate value: "a"',
      'spec.nested[1][1]: Duplicate value: "y"',
      'spec.settings[one].tags[1]: Duplicate value: "t"',
    ]);
  });
});
