/**
 * installKinds (apis/installed-api.ts): what the server serves, from a list of kind definitions —
 * one group per kind group, each served version of each kind, versions in kube's priority
 * order, and the resource descriptions discovery and OpenAPI derive from.
 */
import { z } from 'zod';
import { defineKind } from '@pwk/api';
import type { KindDefinition } from '@pwk/api';
import { installKinds } from '../../src/apis/installed-api';
import { FOO_FIXTURE, FOO_V1BETA1_FIXTURE, TEST_KINDS, WIDGET_FIXTURE } from '../support/kinds/fixtures';
import { widgetSchema } from '../support/kinds/widget-kind';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Widget's schema again, as the kind Gadget, in the versions given. */
function widgetsIn(versions: { name: string; served: boolean; storage: boolean }[]): KindDefinition {
  return defineKind({
    group: WIDGET_FIXTURE.group,
    kind: 'Gadget',
    plural: 'gadgets',
    singular: 'gadget',
    scope: 'Cluster',
    versions: versions.map((v) => ({
      ...v,
      schema: widgetSchema.extend({
        apiVersion: z.literal(`${WIDGET_FIXTURE.group}/${v.name}`),
        kind: z.literal('Gadget'),
      }),
    })),
  });
}

describe('installKinds', () => {
  const api = installKinds(TEST_KINDS);

  it('groups the kinds by group, each with its served versions (Foo: v1, then v1beta1)', () => {
    expect(api.groups.map((g) => [g.name, g.versions.map((v) => v.version)])).toEqual([
      [FOO_FIXTURE.group, [FOO_FIXTURE.version, FOO_V1BETA1_FIXTURE.version]],
      [WIDGET_FIXTURE.group, [WIDGET_FIXTURE.version]],
    ]);
    expect(api.groupVersions).toHaveLength(3);
    expect(api.resources.map((r) => [r.kind.plural, r.version.name])).toEqual([
      ['foos', 'v1'],
      ['foos', 'v1beta1'],
      ['widgets', 'v1alpha1'],
    ]);
  });

  it('describes a namespaced resource with status and scale, and a cluster-scoped one without subresources', () => {
    const foo = api.resource(FOO_FIXTURE.group, FOO_FIXTURE.version, 'foos')!;
    expect(foo.description).toMatchObject({
      resource: 'foos',
      namespaced: true,
      kind: 'Foo',
      listKind: 'FooList',
    });
    expect(foo.description.subresources.map((s) => s.name)).toEqual(['status', 'scale']);
    const widget = api.resource(WIDGET_FIXTURE.group, WIDGET_FIXTURE.version, 'widgets')!;
    expect(widget.description).toEqual({
      resource: 'widgets',
      singular: 'widget',
      namespaced: false,
      kind: 'Widget',
      listKind: 'WidgetList',
      verbs: ALL_VERBS,
      shortNames: ['wd'],
      categories: ['pwk-test'],
      subresources: [],
    });
    expect(widget.isStorageVersion).toBe(true);
  });

  it('marks Foo v1 as the storage version and v1beta1 as deprecated, with the Warning it sends', () => {
    const v1 = api.resource(FOO_FIXTURE.group, 'v1', 'foos')!;
    const v1beta1 = api.resource(FOO_FIXTURE.group, 'v1beta1', 'foos')!;
    expect([v1.isStorageVersion, v1.deprecationWarning]).toEqual([true, undefined]);
    expect([v1beta1.isStorageVersion, v1beta1.deprecationWarning]).toEqual([
      false,
      'bar.pwk.educative.io/v1beta1 Foo is deprecated; use bar.pwk.educative.io/v1 Foo',
    ]);
    expect(v1beta1.description.subresources.map((s) => s.name)).toEqual(['status', 'scale']);
  });

  it('finds a resource only at the group version that serves it', () => {
    expect(api.resource(WIDGET_FIXTURE.group, FOO_FIXTURE.version, 'widgets')).toBeUndefined();
    expect(api.resource(FOO_FIXTURE.group, FOO_FIXTURE.version, 'widgets')).toBeUndefined();
  });

  it('orders a group’s versions by kube’s priority, leaves out unserved ones, and marks the storage version', () => {
    const gadgets = widgetsIn([
      { name: 'v1alpha1', served: true, storage: false },
      { name: 'v1', served: true, storage: true },
      { name: 'v1beta1', served: false, storage: false },
      { name: 'v2beta1', served: true, storage: false },
    ]);
    const group = installKinds([gadgets]).groups[0]!;
    expect(group.versions.map((v) => v.version)).toEqual(['v1', 'v2beta1', 'v1alpha1']);
    expect(group.versions.map((v) => v.installed[0]!.isStorageVersion)).toEqual([true, false, false]);
  });

  it('refuses two kinds that claim the same resource of a group', () => {
    expect(() => installKinds([...TEST_KINDS, WIDGET_FIXTURE.kind])).toThrow(
      'Widget.example.com and Widget.example.com both install resource widgets.example.com',
    );
  });
});
