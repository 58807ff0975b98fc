import { API_VERSION, fooKind, GROUP, KIND, OPENAPI_NAMES, RESOURCE, VERSION } from '../src';

describe('fooKind', () => {
  it('is Foo, namespaced: v1 stored, v1beta1 served and deprecated with the server default warning text', () => {
    expect(fooKind).toMatchObject({
      group: 'bar.pwk.educative.io',
      kind: 'Foo',
      listKind: 'FooList',
      plural: 'foos',
      singular: 'foo',
      namespaced: true,
    });
    expect(fooKind.storageVersion.name).toBe('v1');
    expect(
      fooKind.versions.map((v) => [v.name, v.served, v.storage, v.deprecated, v.deprecationWarning]),
    ).toEqual([
      ['v1', true, true, false, undefined],
      ['v1beta1', true, false, true, undefined],
    ]);
    for (const version of fooKind.versions)
      expect(version.subresources).toEqual(fooKind.storageVersion.subresources);
    expect(fooKind.storageVersion.subresources).toEqual({
      status: {},
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
    });
    expect(fooKind.storageVersion.printerColumns.map((c) => `${c.name} ${c.type} ${c.jsonPath}`)).toEqual([
      'Replicas integer .spec.replicas',
      'Location string .spec.location',
      'Age date .metadata.creationTimestamp',
    ]);
    expect(fooKind.storageVersion.printerColumns[2]?.description).toMatch(
      /^CreationTimestamp is a timestamp/,
    );
  });

  it('is what the module constants say, at its storage version', () => {
    expect({ GROUP, VERSION, API_VERSION, KIND, RESOURCE }).toEqual({
      GROUP: 'bar.pwk.educative.io',
      VERSION: 'v1',
      API_VERSION: 'bar.pwk.educative.io/v1',
      KIND: 'Foo',
      RESOURCE: 'foos',
    });
    expect(OPENAPI_NAMES).toMatchObject({
      foo: 'io.educative.pwk.bar.v1.Foo',
      fooList: 'io.educative.pwk.bar.v1.FooList',
      fooSpec: 'io.educative.pwk.bar.v1.FooSpec',
      fooStatus: 'io.educative.pwk.bar.v1.FooStatus',
      objectMeta: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    });
  });
});
