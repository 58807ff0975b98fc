/**
 * Which served resources are one and the same objects, and how an object reads in each of them:
 * what k8s.io/apiserver's EquivalentResourceMapper and ObjectConvertor give admission. A kind
 * served in several versions is one set of objects under several resources (`foos` in v1 and in
 * v1beta1); a webhook or policy whose rules name one of them, under matchPolicy Equivalent, also
 * judges requests made through the others — and is shown the object in the version it named.
 */
import type { KindDefinition, KindObject } from '@pwk/api';
import type { InstalledAPI } from './installed-api';

export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
}

export interface KindRef {
  group: string;
  version: string;
  kind: string;
}

export interface EquivalentResources {
  /** Every resource serving the same objects as `resource`, itself included (served versions, kube's priority order). */
  equivalentResourcesFor(resource: ResourceRef, subresource: string): ResourceRef[];
  /** What a request to `resource`/`subresource` carries (autoscaling/v1 Scale for `scale`); undefined when unknown. */
  kindFor(resource: ResourceRef, subresource: string): KindRef | undefined;
  /**
   * `object` as `to` shows it: converted when `to` is another version of the object's kind, the
   * object itself when it already is (or is of another kind, e.g. a Scale). Not defaulted, as
   * kube's converter does not default: the view holds what the request held.
   */
  convert<T extends KindObject>(object: T, to: KindRef): T;
}

const SCALE: KindRef = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

const apiVersionOf = (ref: KindRef) => (ref.group ? `${ref.group}/${ref.version}` : ref.version);

/** The equivalences of everything `api` serves. */
export function equivalentResourcesOf(api: InstalledAPI): EquivalentResources {
  const kinds = new Map<string, KindDefinition>(api.kinds.map((k) => [`${k.group}/${k.kind}`, k]));
  return {
    equivalentResourcesFor(resource) {
      const installed = api.resource(resource.group, resource.version, resource.resource);
      if (!installed) return [resource];
      return api.resources
        .filter((r) => r.kind === installed.kind)
        .map((r) => ({ group: r.kind.group, version: r.version.name, resource: r.kind.plural }));
    },
    kindFor(resource, subresource) {
      const installed = api.resource(resource.group, resource.version, resource.resource);
      if (!installed) return undefined;
      const { kind, version } = installed;
      if (subresource === 'scale') return version.subresources.scale ? { ...SCALE } : undefined;
      if (subresource === 'status' && !version.subresources.status) return undefined;
      if (subresource !== '' && subresource !== 'status') return undefined;
      return { group: kind.group, version: version.name, kind: kind.kind };
    },
    convert(object, to) {
      if (object.apiVersion === apiVersionOf(to)) return object;
      const kind = kinds.get(`${to.group}/${to.kind}`);
      if (!kind || object.kind !== to.kind) return object;
      return kind.convert(object, to.version) as typeof object;
    },
  };
}
