/**
 * defineKind: a kind described once (a CRD's spec, with Zod schemas) becomes the value the API
 * server installs — every version's defaulting, validation, semantics and OpenAPI derived from
 * its schema, and conversion between versions through the hub.
 */
import { checkKindSpec } from './check-kind-spec';
import type { KindDefinition, KindObject, KindSpec, KindVersion } from './kind-definition';
import { kindVersion } from './kind-version';

export { KindDefinitionError } from './check-kind-spec';

/** An object that cannot be converted: its apiVersion, or the target, is not a version of the kind. */
export class KindConversionError extends Error {
  override readonly name = 'KindConversionError';
}

function versionOf(obj: KindObject, group: string): string | undefined {
  const apiVersion = obj.apiVersion ?? '';
  const slash = apiVersion.indexOf('/');
  return slash > 0 && apiVersion.slice(0, slash) === group ? apiVersion.slice(slash + 1) : undefined;
}

/** Throws a KindDefinitionError when spec is not a valid definition (see check-kind-spec.ts). */
export function defineKind(spec: KindSpec): KindDefinition {
  checkKindSpec(spec);
  const versions = spec.versions.map((v) => kindVersion(spec, v));
  const byName = new Map<string, KindVersion>(versions.map((v) => [v.name, v]));
  const storageVersion = versions.find((v) => v.storage)!;
  const { group, conversion } = spec;

  function convert(obj: KindObject, to: string): KindObject {
    const from = versionOf(obj, group);
    if (from === undefined || !byName.has(from))
      throw new KindConversionError(
        `cannot convert ${String(obj.apiVersion)} ${spec.kind}: not a version of ${group}`,
      );
    const target = byName.get(to);
    if (!target)
      throw new KindConversionError(
        `cannot convert ${spec.kind} to ${group}/${to}: not a version of the kind`,
      );
    if (from === to) return obj;
    let out = structuredClone(obj);
    if (conversion) {
      if (from !== conversion.hub) out = conversion.spokes[from]!.toHub(out);
      if (to !== conversion.hub) out = conversion.spokes[to]!.fromHub(out);
    }
    // The one fact every conversion shares (and the whole of CRD strategy None).
    out.apiVersion = target.apiVersion;
    return out;
  }

  return {
    group,
    kind: spec.kind,
    listKind: spec.listKind ?? `${spec.kind}List`,
    plural: spec.plural,
    singular: spec.singular,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    scope: spec.scope,
    namespaced: spec.scope === 'Namespaced',
    versions,
    storageVersion,
    version: (name) => {
      const v = byName.get(name);
      return v?.served ? v : undefined;
    },
    convert,
  };
}
