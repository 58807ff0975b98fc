/**
 * The `Warning` text for requests to a deprecated version: the version's own deprecationWarning,
 * or the text apiextensions-apiserver writes for a CRD that sets none (defaultDeprecationWarning):
 * `<group>/<version> <Kind> is deprecated`, and `; use <group>/<version> <Kind>` naming the
 * highest-priority served, non-deprecated version above it, when there is one.
 */
import type { KindDefinition } from './kind-definition';
import { compareVersionPriority } from './version-priority';

/** undefined when the version is not deprecated (or not a version of the kind). */
export function deprecationWarningFor(kind: KindDefinition, versionName: string): string | undefined {
  const version = kind.versions.find((v) => v.name === versionName);
  if (!version?.deprecated) return undefined;
  if (version.deprecationWarning !== undefined) return version.deprecationWarning;
  const message = `${kind.group}/${versionName} ${kind.kind} is deprecated`;
  const newer = kind.versions
    .filter((v) => v.served && !v.deprecated && compareVersionPriority(versionName, v.name) < 0)
    .map((v) => v.name)
    .sort((a, b) => compareVersionPriority(b, a));
  return newer[0] === undefined ? message : `${message}; use ${kind.group}/${newer[0]} ${kind.kind}`;
}
