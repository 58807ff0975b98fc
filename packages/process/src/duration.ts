/**
 * Go-style durations as Kubernetes flags take them (`30s`, `1m30s`, `1.5h`, `500ms`, `0`).
 * Hand-written: no well-kept npm package parses Go's time.ParseDuration grammar exactly, and
 * flags must accept what k8s.io/apiserver's do.
 */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds, or undefined when the text is not a Go duration. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const match = /^([0-9]*\.?[0-9]+(ns|us|µs|ms|s|m|h))+$/.test(text);
  if (!match) return undefined;
  let total = 0;
  for (const [, value, unit] of text.matchAll(/([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(value) * UNIT_MS[unit!]!;
  }
  return total;
}
