/**
 * The `Warning` a request to a deprecated version gets, as apiextensions-apiserver sends it for a
 * CRD version marked `deprecated`: the version's own deprecationWarning, or kube's default —
 * `<group>/<version> <Kind> is deprecated`, and `; use <group>/<version> <Kind>` naming the
 * served, non-deprecated version of highest priority among those above it, if any.
 */
import type { KindDefinition, KindVersion } from '@pwk/api';
import { compareVersionPriority } from './version-priority';

type KindNames = Pick<KindDefinition, 'group' | 'kind'> & {
  versions: readonly Pick<KindVersion, 'name' | 'served' | 'deprecated' | 'deprecationWarning'>[];
};

/** The warning for requests to `version` of `kind`; undefined when the version is not deprecated. */
export function deprecationWarningOf(kind: KindNames, version: string): string | undefined {
  const deprecated = kind.versions.find((v) => v.name === version);
  if (!deprecated?.deprecated) return undefined;
  if (deprecated.deprecationWarning !== undefined) return deprecated.deprecationWarning;
  const message = `${kind.group}/${version} ${kind.kind} is deprecated`;
  const [replacement] = kind.versions
    .filter((v) => v.served && !v.deprecated && compareVersionPriority(v.name, version) < 0)
    .map((v) => v.name)
    .sort(compareVersionPriority);
  return replacement ? `${message}; use ${kind.group}/${replacement} ${kind.kind}` : message;
}
