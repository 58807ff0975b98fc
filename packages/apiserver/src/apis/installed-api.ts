/**
 * The API this server serves, installed from a list of kind definitions — the counterpart of
 * k8s.io/apiserver's APIGroupInfo: group → versions → resources. Each resource entry keeps the
 * kind, the served version, and the description discovery, OpenAPI and the routes derive from.
 * Nothing else in the server knows which kinds exist.
 */
import { byVersionPriority, deprecationWarningFor } from '@pwk/api';
import type { KindDefinition, KindVersion } from '@pwk/api';
import type {
  GroupVersionDescription,
  ResourceDescription,
  SubresourceDescription,
} from './resource-description';
import { RESOURCE_VERBS, SUBRESOURCE_VERBS } from './resource-description';

/** One resource of one group version. */
export interface InstalledResource {
  readonly kind: KindDefinition;
  /** The version this entry serves. */
  readonly version: KindVersion;
  readonly description: ResourceDescription;
  /** Whether objects are served in the version they are stored in (the zero-copy read paths need it). */
  readonly isStorageVersion: boolean;
  /** The `Warning` every request to this version gets, when the version is deprecated. */
  readonly deprecationWarning?: string;
}

export interface InstalledGroupVersion extends GroupVersionDescription {
  readonly installed: readonly InstalledResource[];
}

export interface InstalledGroup {
  readonly name: string;
  /** In kube's version priority; the first is the preferred version. */
  readonly versions: readonly InstalledGroupVersion[];
}

export interface InstalledAPI {
  readonly kinds: readonly KindDefinition[];
  /** In the order the kinds were given (first appearance of each group). */
  readonly groups: readonly InstalledGroup[];
  /** Every group version, group by group, each group's in priority order. */
  readonly groupVersions: readonly InstalledGroupVersion[];
  /** Every installed resource of every group version. */
  readonly resources: readonly InstalledResource[];
  /** The resource `plural` served at `/apis/<group>/<version>`, if any. */
  resource(group: string, version: string, plural: string): InstalledResource | undefined;
}

function subresourcesOf(kind: KindDefinition, version: KindVersion): SubresourceDescription[] {
  const subs: SubresourceDescription[] = [];
  if (version.subresources.status) {
    subs.push({
      name: 'status',
      responseKind: { group: kind.group, version: version.name, kind: kind.kind },
      verbs: SUBRESOURCE_VERBS,
      served: true,
    });
  }
  if (version.subresources.scale) {
    subs.push({
      name: 'scale',
      responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      verbs: SUBRESOURCE_VERBS,
      served: true,
    });
  }
  return subs;
}

function describe(kind: KindDefinition, version: KindVersion): ResourceDescription {
  return {
    resource: kind.plural,
    singular: kind.singular,
    namespaced: kind.namespaced,
    kind: kind.kind,
    listKind: kind.listKind,
    verbs: RESOURCE_VERBS,
    shortNames: kind.shortNames,
    categories: kind.categories,
    subresources: subresourcesOf(kind, version),
  };
}

/** Two kinds may not claim the same resource or kind name in one group (kube's CRD names check). */
function checkUnique(kinds: readonly KindDefinition[]): void {
  const seen = new Map<string, string>();
  for (const kind of kinds) {
    for (const key of [`resource ${kind.plural}`, `kind ${kind.kind}`]) {
      const id = `${key}.${kind.group}`;
      const other = seen.get(id);
      if (other !== undefined) throw new Error(`${other} and ${kind.kind}.${kind.group} both install ${id}`);
      seen.set(id, `${kind.kind}.${kind.group}`);
    }
  }
}

/** The served API of `kinds`: every served version of each kind, grouped as discovery lists them. */
export function installKinds(kinds: readonly KindDefinition[]): InstalledAPI {
  checkUnique(kinds);
  const byGroup = new Map<string, Map<string, InstalledResource[]>>();
  for (const kind of kinds) {
    const versions = byGroup.get(kind.group) ?? new Map<string, InstalledResource[]>();
    byGroup.set(kind.group, versions);
    for (const version of kind.versions.filter((v) => v.served)) {
      const entry: InstalledResource = {
        kind,
        version,
        description: describe(kind, version),
        isStorageVersion: version.name === kind.storageVersion.name,
        deprecationWarning: deprecationWarningFor(kind, version.name),
      };
      versions.set(version.name, [...(versions.get(version.name) ?? []), entry]);
    }
  }
  const groups: InstalledGroup[] = [...byGroup].map(([name, versions]) => ({
    name,
    versions: byVersionPriority([...versions.keys()]).map((version) => {
      const installed = versions.get(version) ?? [];
      return { group: name, version, installed, resources: installed.map((r) => r.description) };
    }),
  }));
  const groupVersions = groups.flatMap((g) => g.versions);
  const resources = groupVersions.flatMap((gv) => gv.installed);
  const index = new Map(
    resources.map((r) => [`${r.kind.group}/${r.version.name}/${r.kind.plural}`, r] as const),
  );
  return {
    kinds,
    groups,
    groupVersions,
    resources,
    resource: (group, version, plural) => index.get(`${group}/${version}/${plural}`),
  };
}
