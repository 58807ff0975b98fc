/** The simple JSONPaths of CRD columns, scale paths and selectable fields. */
import { SimpleJsonPath } from '../../src/registry/simple-json-path';

describe('SimpleJsonPath', () => {
  it.each([
    ['.spec.replicas', [{ field: 'spec' }, { field: 'replicas' }]],
    [
      '.status.conditions[0].type',
      [{ field: 'status' }, { field: 'conditions' }, { index: 0 }, { field: 'type' }],
    ],
    [
      ".metadata.labels['app.kubernetes.io/name']",
      [{ field: 'metadata' }, { field: 'labels' }, { field: 'app.kubernetes.io/name' }],
    ],
    ['.metadata.annotations["a/b"]', [{ field: 'metadata' }, { field: 'annotations' }, { field: 'a/b' }]],
  ])('parses %s', (text, steps) => {
    expect(SimpleJsonPath.parse(text).steps).toEqual(steps);
  });

  it.each(['', '.', 'spec.replicas', '.spec..replicas', '.spec[*]', '.spec[?(@.x)]', '..spec', '.spec.a b'])(
    'refuses %j',
    (text) => {
      expect(() => SimpleJsonPath.parse(text)).toThrow(/not a simple JSONPath/);
    },
  );

  it('reads a value, undefined past a missing step or a wrong shape', () => {
    const obj = { spec: { items: [{ name: 'a' }], n: 0 } };
    expect(SimpleJsonPath.parse('.spec.items[0].name').read(obj)).toBe('a');
    expect(SimpleJsonPath.parse('.spec.n').read(obj)).toBe(0);
    expect(SimpleJsonPath.parse('.spec.items[1].name').read(obj)).toBeUndefined();
    expect(SimpleJsonPath.parse('.spec.n.x').read(obj)).toBeUndefined();
    expect(SimpleJsonPath.parse('.spec.items.name').read(obj)).toBeUndefined();
  });

  it('writes a copy, creating maps on the way, and refuses to write through a non-object', () => {
    const obj = { spec: { n: 1 }, other: {} };
    const written = SimpleJsonPath.parse('.spec.deep.n').write(obj, 2);
    expect(written).toEqual({ spec: { n: 1, deep: { n: 2 } }, other: {} });
    expect(obj).toEqual({ spec: { n: 1 }, other: {} });
    expect(written.other).toBe(obj.other);
    expect(() => SimpleJsonPath.parse('.spec.n.x').write(obj, 1)).toThrow(/not an object/);
    expect(() => SimpleJsonPath.parse('.spec.items[0]').write(obj, 1)).toThrow(/cannot set a list item/);
  });

  it('names its field selector label without the leading dot', () => {
    expect(SimpleJsonPath.parse('.spec.colour').label).toBe('spec.colour');
  });
});
