/**
 * The order Kubernetes gives versions in discovery (apimachinery's
 * CompareKubeAwareVersionStrings): kube-like versions (`v1`, `v2beta1`, `v1alpha3`) first —
 * GA before beta before alpha, then the higher major, then the higher minor — and any other
 * version string after them, alphabetically. The first served version is the preferred one.
 */
const KUBE_VERSION = /^v([1-9][0-9]*)(?:(alpha|beta)([1-9][0-9]*))?$/;
const STABILITY = { ga: 3, beta: 2, alpha: 1 } as const;

interface Parsed {
  stability: number;
  major: number;
  minor: number;
}

function parse(version: string): Parsed | undefined {
  const match = KUBE_VERSION.exec(version);
  if (!match) return undefined;
  const [, major = '0', level, minor = '0'] = match;
  const stability = STABILITY[(level ?? 'ga') as keyof typeof STABILITY];
  return { stability, major: Number(major), minor: Number(minor) };
}

/** Negative when `a` comes before `b` (has the higher priority). */
export function compareVersionPriority(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (pa && pb) {
    return pb.stability - pa.stability || pb.major - pa.major || pb.minor - pa.minor;
  }
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
