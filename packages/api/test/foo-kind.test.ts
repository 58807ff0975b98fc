import { API_VERSION, fooKind, GROUP, KIND, OPENAPI_NAMES, RESOURCE, VERSION } from '../src';

describe('fooKind', () => {
  it('is Foo v1beta1, namespaced, served and stored', () => {
    expect(fooKind).toMatchObject({
      group: 'bar.pwk.educative.io',
      kind: 'Foo',
      listKind: 'FooList',
      plural: 'foos',
      singular: 'foo',
      namespaced: true,
    });
    expect(fooKind.versions.map((v) => [v.name, v.served, v.storage, v.deprecated])).toEqual([
      ['v1beta1', true, true, false],
    ]);
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

  it('is what the module constants the API server imports say', () => {
    expect({ GROUP, VERSION, API_VERSION, KIND, RESOURCE }).toEqual({
      GROUP: 'bar.pwk.educative.io',
      VERSION: 'v1beta1',
      API_VERSION: 'bar.pwk.educative.io/v1beta1',
      KIND: 'Foo',
      RESOURCE: 'foos',
    });
    expect(OPENAPI_NAMES).toMatchObject({
      foo: 'io.educative.pwk.bar.v1beta1.Foo',
      fooList: 'io.educative.pwk.bar.v1beta1.FooList',
      fooSpec: 'io.educative.pwk.bar.v1beta1.FooSpec',
      fooStatus: 'io.educative.pwk.bar.v1beta1.FooStatus',
      objectMeta: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    });
  });
});
