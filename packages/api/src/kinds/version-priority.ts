/**
 * Kubernetes' version priority (k8s.io/apimachinery pkg/version CompareKubeAwareVersionStrings):
 * GA before beta before alpha, then the higher major, then the higher minor — v2, v1, v1beta2,
 * v1beta1, v1alpha1 — and versions that are not kube-like (`v1`, `v2beta1`, …) after all of
 * those, in reverse lexical order. Discovery lists a group's versions in this order, and the
 * preferred version is the first served one.
 */
const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;
const STABILITY = { alpha: 0, beta: 1, ga: 2 } as const;

interface KubeVersion {
  major: number;
  stability: number;
  minor: number;
}

function parse(version: string): KubeVersion | undefined {
  const m = KUBE_VERSION.exec(version);
  if (!m) return undefined;
  const stage = (m[2] ?? 'ga') as keyof typeof STABILITY;
  return { major: Number(m[1]), stability: STABILITY[stage], minor: m[3] === undefined ? 0 : Number(m[3]) };
}

/** Positive when a comes before b in kube's priority, negative when after, 0 when equal. */
export function compareVersionPriority(a: string, b: string): number {
  if (a === b) return 0;
  const va = parse(a);
  const vb = parse(b);
  if (!va || !vb) {
    if (va) return 1;
    if (vb) return -1;
    return b < a ? -1 : 1;
  }
  return va.stability - vb.stability || va.major - vb.major || va.minor - vb.minor;
}

/** names sorted by kube's version priority, highest first (a new array). */
export function byVersionPriority(names: readonly string[]): string[] {
  return [...names].sort((a, b) => compareVersionPriority(b, a));
}
