/**
 * Pins the discovery documents kubectl and the aggregator read (legacy and aggregated), for the
 * default API: Foo at v1 (preferred by kube's version priority) and v1beta1.
 */
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  emptyAggregatedDiscovery,
} from '../../src/discovery/discovery-documents';
import type { GroupVersionDescription } from '../../src/apis/resource-description';
import { installKinds } from '../../src/apis/installed-api';
import { FOO_FIXTURE, TEST_KINDS, WIDGET_FIXTURE } from '../support/kinds/fixtures';
import { INSTALLED, SERVED_GROUP_VERSION as SERVED_API, groupsOf } from '../support/installed-api';

const FOO_RESOURCE = SERVED_API.resources[0]!;
const GROUPS = INSTALLED.groups;

const FOO_VERSIONS = ['v1', 'v1beta1'] as const;
const groupVersionOf = (version: string) => ({ groupVersion: `bar.pwk.educative.io/${version}`, version });
const V1 = groupVersionOf('v1');
const V1BETA1 = groupVersionOf('v1beta1');
const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const fooGVK = (version: string) => ({ group: 'bar.pwk.educative.io', version, kind: 'Foo' });
const SCALE_GVK = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
/** The default API's group version of Foo at `version`. */
const servedAt = (version: string) => INSTALLED.groupVersions.find((gv) => gv.version === version)!;

function withFoo(overrides: Partial<typeof FOO_RESOURCE>): GroupVersionDescription {
  return {
    group: SERVED_API.group,
    version: SERVED_API.version,
    resources: [{ ...FOO_RESOURCE, ...overrides }],
  };
}

const scaleNotServed = withFoo({
  subresources: FOO_RESOURCE.subresources.map((sub) =>
    sub.name === 'scale' ? { ...sub, served: false } : sub,
  ),
});

describe('legacy discovery', () => {
  it('lists the group with both served versions at /apis, v1 first and preferred', () => {
    expect(apiGroupList(GROUPS)).toEqual({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [{ name: 'bar.pwk.educative.io', versions: [V1, V1BETA1], preferredVersion: V1 }],
    });
  });

  it('describes the group at /apis/<group>', () => {
    expect(apiGroup(GROUPS[0]!)).toEqual({
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: 'bar.pwk.educative.io',
      versions: [V1, V1BETA1],
      preferredVersion: V1,
    });
  });

  it.each(FOO_VERSIONS)(
    'lists foos, foos/status and foos/scale (autoscaling/v1 Scale) at /apis/<group>/%s',
    (version) => {
      expect(apiResourceList(servedAt(version))).toEqual({
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: `bar.pwk.educative.io/${version}`,
        resources: [
          { name: 'foos', singularName: 'foo', namespaced: true, kind: 'Foo', verbs: ALL_VERBS },
          {
            name: 'foos/status',
            singularName: '',
            namespaced: true,
            kind: 'Foo',
            verbs: ['get', 'patch', 'update'],
          },
          {
            name: 'foos/scale',
            singularName: '',
            namespaced: true,
            group: 'autoscaling',
            version: 'v1',
            kind: 'Scale',
            verbs: ['get', 'patch', 'update'],
          },
        ],
      });
    },
  );

  it('includes shortNames and categories only when the resource has some', () => {
    const [foo] = apiResourceList(withFoo({ shortNames: ['fo'], categories: ['all'] })).resources;
    expect(foo).toMatchObject({ shortNames: ['fo'], categories: ['all'] });
    const [plain] = apiResourceList(withFoo({ shortNames: [], categories: [] })).resources;
    expect(plain).not.toHaveProperty('shortNames');
    expect(plain).not.toHaveProperty('categories');
  });

  it('leaves out a subresource that is not served', () => {
    expect(apiResourceList(scaleNotServed).resources.map((r) => r.name)).toEqual(['foos', 'foos/status']);
  });
});

describe('aggregated discovery', () => {
  it.each(['v2', 'v2beta1'] as const)(
    'answers an APIGroupDiscoveryList in apidiscovery.k8s.io/%s',
    (version) => {
      expect(aggregatedDiscovery(version, GROUPS)).toEqual({
        kind: 'APIGroupDiscoveryList',
        apiVersion: `apidiscovery.k8s.io/${version}`,
        metadata: {},
        items: [
          {
            metadata: { name: 'bar.pwk.educative.io' },
            // Every served version, the preferred (v1) first.
            versions: FOO_VERSIONS.map((v) => ({
              version: v,
              freshness: 'Current',
              resources: [
                {
                  resource: 'foos',
                  responseKind: fooGVK(v),
                  scope: 'Namespaced',
                  singularResource: 'foo',
                  verbs: ALL_VERBS,
                  subresources: [
                    { subresource: 'status', responseKind: fooGVK(v), verbs: ['get', 'patch', 'update'] },
                    { subresource: 'scale', responseKind: SCALE_GVK, verbs: ['get', 'patch', 'update'] },
                  ],
                },
              ],
            })),
          },
        ],
      });
    },
  );

  it('gives every resource and subresource a complete responseKind, or kubectl would drop it', () => {
    const resources = aggregatedDiscovery('v2', GROUPS).items.flatMap((g) =>
      g.versions.flatMap((v) => v.resources),
    );
    const kinds = resources.flatMap((r) => [
      r.responseKind,
      ...(r.subresources ?? []).map((s) => s.responseKind),
    ]);
    expect(kinds).toHaveLength(3 * FOO_VERSIONS.length);
    for (const kind of kinds) {
      expect(kind.version).not.toBe('');
      expect(kind.kind).not.toBe('');
      expect(typeof kind.group).toBe('string');
    }
  });

  it('spells a cluster-scoped resource Cluster and a namespaced one exactly Namespaced', () => {
    const scope = (api: GroupVersionDescription): string | undefined =>
      aggregatedDiscovery('v2', groupsOf(api)).items[0]?.versions[0]?.resources[0]?.scope;
    expect(scope(SERVED_API)).toBe('Namespaced');
    expect(scope(withFoo({ namespaced: false }))).toBe('Cluster');
  });

  it('carries shortNames and categories when present, so `kubectl get fo` and `get all` work', () => {
    const [foo] = aggregatedDiscovery('v2', groupsOf(withFoo({ shortNames: ['fo'], categories: ['all'] })))
      .items[0]!.versions[0]!.resources;
    expect(foo).toMatchObject({ shortNames: ['fo'], categories: ['all'] });
    const [plain] = aggregatedDiscovery('v2', groupsOf(withFoo({ shortNames: [], categories: [] }))).items[0]!
      .versions[0]!.resources;
    expect(plain).not.toHaveProperty('shortNames');
    expect(plain).not.toHaveProperty('categories');
  });

  it('leaves out a subresource that is not served', () => {
    const [foo] = aggregatedDiscovery('v2', groupsOf(scaleNotServed)).items[0]!.versions[0]!.resources;
    expect(foo?.subresources?.map((s) => s.subresource)).toEqual(['status']);
  });

  it.each(['v2', 'v2beta1'] as const)(
    'answers /api with an empty %s list, never a legacy APIVersions',
    (version) => {
      expect(emptyAggregatedDiscovery(version)).toEqual({
        kind: 'APIGroupDiscoveryList',
        apiVersion: `apidiscovery.k8s.io/${version}`,
        metadata: {},
        items: [],
      });
    },
  );
});

describe('discovery documents as values', () => {
  it('survive a JSON round trip unchanged (no undefined fields)', () => {
    for (const doc of [
      apiGroupList(GROUPS),
      apiGroup(GROUPS[0]!),
      apiResourceList(SERVED_API),
      aggregatedDiscovery('v2', GROUPS),
    ]) {
      expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    }
  });

  it('are fresh on every call, so a caller mutating one cannot corrupt the next', () => {
    const first = apiResourceList(SERVED_API);
    first.resources[0]!.verbs.push('proxy' as never);
    aggregatedDiscovery('v2', GROUPS).items[0]!.versions[0]!.resources[0]!.subresources!.pop();
    expect(apiResourceList(SERVED_API).resources[0]!.verbs).toEqual(ALL_VERBS);
    expect(FOO_RESOURCE.verbs).toEqual(ALL_VERBS);
    expect(aggregatedDiscovery('v2', GROUPS).items[0]!.versions[0]!.resources[0]!.subresources).toHaveLength(
      2,
    );
  });
});

describe('several kinds (the test tree’s cluster-scoped Widget beside Foo)', () => {
  const api = installKinds(TEST_KINDS);

  it('lists one group per kind group at /apis, each with its preferred version', () => {
    expect(apiGroupList(api.groups).groups.map((g) => [g.name, g.preferredVersion.groupVersion])).toEqual([
      [FOO_FIXTURE.group, FOO_FIXTURE.apiVersion],
      [WIDGET_FIXTURE.group, WIDGET_FIXTURE.apiVersion],
    ]);
  });

  it('lists a cluster-scoped resource without subresources at its group version', () => {
    const widgets = api.groupVersions.find((gv) => gv.group === WIDGET_FIXTURE.group)!;
    expect(apiResourceList(widgets)).toEqual({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: WIDGET_FIXTURE.apiVersion,
      resources: [
        {
          name: 'widgets',
          singularName: 'widget',
          namespaced: false,
          kind: 'Widget',
          verbs: ALL_VERBS,
          shortNames: ['wd'],
          categories: ['pwk-test'],
        },
      ],
    });
  });

  it('gives each group its own aggregated entry; the cluster-scoped one says Cluster and has no subresources', () => {
    const doc = aggregatedDiscovery('v2', api.groups);
    expect(doc.items.map((g) => g.metadata.name)).toEqual([FOO_FIXTURE.group, WIDGET_FIXTURE.group]);
    expect(doc.items[1]!.versions).toEqual([
      {
        version: WIDGET_FIXTURE.version,
        freshness: 'Current',
        resources: [
          {
            resource: 'widgets',
            responseKind: { group: WIDGET_FIXTURE.group, version: WIDGET_FIXTURE.version, kind: 'Widget' },
            scope: 'Cluster',
            singularResource: 'widget',
            verbs: ALL_VERBS,
            shortNames: ['wd'],
            categories: ['pwk-test'],
          },
        ],
      },
    ]);
  });
});
