import { FieldPathError, formatPath } from '../../src/registry/field-path';
import { FieldSet } from '../../src/registry/field-set';
import { compareObjects } from '../../src/registry/object-compare';
import { listItemElement } from '../../src/registry/type-paths';
import { fooSemantics as semantics } from './test-kinds';

const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'u1' };
const applied = {
  apiVersion: 'bar.pwk.educative.io/v1beta1',
  kind: 'Foo',
  metadata: { name: 'demo', labels: { app: 'demo' }, finalizers: ['pwk/cleanup'], ownerReferences: [owner] },
  spec: { replicas: 2 },
};

/** Key order matters on the wire, so compare the serialised form. */
const json = (set: FieldSet): string => JSON.stringify(set.toFieldsV1());

describe('FieldSet.fromObject (what an applier owns)', () => {
  it('owns every leaf, map key, set-list value and keyed-list item, in Kubernetes order', () => {
    expect(json(FieldSet.fromObject(applied, semantics))).toBe(
      JSON.stringify({
        'f:apiVersion': {},
        'f:kind': {},
        'f:metadata': {
          'f:finalizers': { 'v:"pwk/cleanup"': {} },
          'f:labels': { 'f:app': {} },
          'f:name': {},
          // An OwnerReference is an atomic struct (x-kubernetes-map-type: atomic): owned whole.
          'f:ownerReferences': { 'k:{"uid":"u1"}': {} },
        },
        'f:spec': { 'f:replicas': {} },
      }),
    );
  });

  it('keys status.conditions by type', () => {
    const set = FieldSet.fromObject(
      { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      semantics,
    );
    expect(set.toFieldsV1()).toEqual({
      'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} } } },
    });
  });

  it('owns any other list as a whole (atomic)', () => {
    expect(FieldSet.fromObject({ spec: { items: [1, 2] } }, semantics).toFieldsV1()).toEqual({
      'f:spec': { 'f:items': {} },
    });
  });

  it('owns empty maps and nulls themselves, but not empty set lists', () => {
    const set = FieldSet.fromObject(
      {
        metadata: { annotations: {}, finalizers: [] },
        spec: { replicas: null },
      },
      semantics,
    );
    expect(set.toFieldsV1()).toEqual({
      'f:metadata': { 'f:annotations': {} },
      'f:spec': { 'f:replicas': {} },
    });
  });

  it('counts a duplicated list item once', () => {
    const set = FieldSet.fromObject({ metadata: { finalizers: ['a', 'a'] } }, semantics);
    expect(set.paths()).toEqual([[{ field: 'metadata' }, { field: 'finalizers' }, { value: 'a' }]]);
  });

  it('rejects a keyed-list item without its key', () => {
    expect(() => FieldSet.fromObject({ metadata: { ownerReferences: [{ name: 'x' }] } }, semantics)).toThrow(
      new FieldPathError(
        '.metadata.ownerReferences: associative list with keys has an element that omits key field "uid"',
      ),
    );
    expect(() => listItemElement(semantics, 'metadata.finalizers', { not: 'scalar' })).toThrow(
      FieldPathError,
    );
    expect(() => listItemElement(semantics, 'metadata.ownerReferences', 'scalar')).toThrow(FieldPathError);
  });
});

describe('fieldsV1 encoding', () => {
  it('round-trips, keeping the "." marker of owned parents', () => {
    const wire = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } };
    const set = FieldSet.fromFieldsV1(wire);
    expect(set.toFieldsV1()).toEqual(wire);
    expect(set.has([{ field: 'metadata' }, { field: 'labels' }])).toBe(true);
    expect(set.has([{ field: 'metadata' }])).toBe(false);
    expect(set.has([{ field: 'spec' }, { field: 'replicas' }])).toBe(true);
  });

  it('decodes keyed, value and index elements', () => {
    const set = FieldSet.fromFieldsV1({ 'f:a': { 'k:{"uid":"u"}': {}, 'v:"x"': {}, 'i:3': {} } });
    expect(set.paths()).toEqual([
      [{ field: 'a' }, { key: { uid: 'u' } }],
      [{ field: 'a' }, { value: 'x' }],
      [{ field: 'a' }, { index: 3 }],
    ]);
  });

  it.each([
    ['a non-object', []],
    ['an unknown tag', { 'x:foo': {} }],
    ['malformed key JSON', { 'k:{uid': {} }],
    ['a non-scalar value', { 'v:[1]': {} }],
    ['a non-object entry', { 'f:a': true }],
  ])('rejects %s', (_what, wire) => {
    expect(() => FieldSet.fromFieldsV1(wire)).toThrow(FieldPathError);
  });
});

describe('set algebra', () => {
  const replicas = [{ field: 'spec' }, { field: 'replicas' }];
  const location = [{ field: 'spec' }, { field: 'location' }];
  const spec = [{ field: 'spec' }];

  it('unions, intersects and subtracts members', () => {
    const a = FieldSet.of(replicas, location);
    const b = FieldSet.of(replicas);
    expect(a.union(FieldSet.of(spec)).paths()).toEqual([spec, location, replicas]);
    expect(a.intersection(b).paths()).toEqual([replicas]);
    expect(a.difference(b).paths()).toEqual([location]);
    expect(a.difference(a).isEmpty()).toBe(true);
    expect(a.difference(a).toFieldsV1()).toEqual({});
    expect(a.equals(FieldSet.of(location, replicas))).toBe(true);
    expect(a.equals(b)).toBe(false);
  });

  it('difference removes only the exact member; recursiveDifference removes what lies below too', () => {
    const a = FieldSet.of(spec, replicas);
    expect(a.difference(FieldSet.of(spec)).paths()).toEqual([replicas]);
    expect(a.recursiveDifference(FieldSet.of(spec)).isEmpty()).toBe(true);
  });

  it('withNamedParents owns the struct fields above a member, not map keys or list items', () => {
    const set = FieldSet.of([{ field: 'metadata' }, { field: 'labels' }, { field: 'app' }]).union(
      FieldSet.of([
        { field: 'metadata' },
        { field: 'ownerReferences' },
        { key: { uid: 'u' } },
        { field: 'name' },
      ]),
    );
    expect(set.withNamedParents(semantics).toFieldsV1()).toEqual({
      'f:metadata': {
        '.': {},
        'f:labels': { '.': {}, 'f:app': {} },
        'f:ownerReferences': { '.': {}, 'k:{"uid":"u"}': { 'f:name': {} } },
      },
    });
  });

  it('withPrefix gives the paths below one element', () => {
    expect(FieldSet.of(replicas).withPrefix({ field: 'spec' }).paths()).toEqual([[{ field: 'replicas' }]]);
    expect(FieldSet.of(replicas).withPrefix({ field: 'status' }).isEmpty()).toBe(true);
  });
});

describe('formatPath', () => {
  it('prints paths as Kubernetes does in conflict messages', () => {
    expect(formatPath([{ field: 'spec' }, { field: 'replicas' }])).toBe('.spec.replicas');
    expect(formatPath([{ field: 'metadata' }, { field: 'ownerReferences' }, { key: { uid: 'u1' } }])).toBe(
      '.metadata.ownerReferences[uid="u1"]',
    );
    expect(formatPath([{ field: 'metadata' }, { field: 'finalizers' }, { value: 'a/b' }])).toBe(
      '.metadata.finalizers[="a/b"]',
    );
    expect(formatPath([{ field: 'x' }, { index: 3 }, { key: { n: 1, b: true } }])).toBe('.x[3][n=1,b=true]');
  });
});

describe('compareObjects (what an update changed)', () => {
  it('reports added leaves and the containers that appeared with them', () => {
    const c = compareObjects(
      { metadata: { name: 'a' } },
      { metadata: { name: 'a', labels: { app: 'x' } }, spec: { replicas: 1 } },
      semantics,
    );
    expect(c.added.toFieldsV1()).toEqual({
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { '.': {}, 'f:replicas': {} },
    });
    expect(c.modified.isEmpty()).toBe(true);
    expect(c.removed.isEmpty()).toBe(true);
  });

  it('reports modified and removed leaves, set-list and keyed-list items', () => {
    const c = compareObjects(
      { spec: { replicas: 1, location: 'x' }, metadata: { finalizers: ['a'], ownerReferences: [owner] } },
      {
        spec: { replicas: 2 },
        metadata: { finalizers: ['b'], ownerReferences: [{ ...owner, name: 'cm2' }] },
      },
      semantics,
    );
    expect(c.modified.toFieldsV1()).toEqual({
      'f:metadata': { 'f:ownerReferences': { 'k:{"uid":"u1"}': {} } },
      'f:spec': { 'f:replicas': {} },
    });
    expect(c.removed.toFieldsV1()).toEqual({
      'f:metadata': { 'f:finalizers': { 'v:"a"': {} } },
      'f:spec': { 'f:location': {} },
    });
    expect(c.added.toFieldsV1()).toEqual({ 'f:metadata': { 'f:finalizers': { 'v:"b"': {} } } });
  });

  it('treats atomic lists and empty containers as single values', () => {
    const c = compareObjects(
      { spec: { items: [1], extra: {} } },
      { spec: { items: [1, 2], extra: {} } },
      semantics,
    );
    expect(c.modified.toFieldsV1()).toEqual({ 'f:spec': { 'f:items': {} } });
    expect(c.added.isEmpty()).toBe(true);
    expect(compareObjects({}, { spec: {} }, semantics).added.toFieldsV1()).toEqual({ 'f:spec': {} });
  });

  it('reports a change of shape as a modification', () => {
    expect(
      compareObjects({ spec: { x: 'a' } }, { spec: { x: { y: 1 } } }, semantics).modified.toFieldsV1(),
    ).toEqual({
      'f:spec': { 'f:x': {} },
    });
  });
});
