/** Latency percentiles and per-phase summaries (ops/s, p50, p99, errors) from raw samples. */

/** What a load-generator phase measured: one latency per successful operation. */
export interface PhaseSample {
  /** Milliseconds per successful operation. */
  latenciesMs: number[];
  /** Operations that failed (non-2xx, network error, event not delivered). */
  errors: number;
  /** Wall time of the whole phase. */
  durationMs: number;
  /** Operations attempted (successful + failed). */
  ops: number;
  /** The first failure, to tell the reader what went wrong. */
  firstError?: string;
}

export interface PhaseSummary {
  name: string;
  ops: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  firstError?: string;
  /** The server's CPU use during the phase, in % of one core (Linux only). */
  serverCpuPercent?: number;
}

/**
 * The nearest-rank percentile (the smallest sample with at least p% of samples at or below
 * it): no interpolation, so every reported figure is a latency that was actually observed.
 * `sorted` must be ascending; an empty list has no percentile (NaN).
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  if (p <= 0) return sorted[0]!;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function summarize(name: string, sample: PhaseSample): PhaseSummary {
  const sorted = [...sample.latenciesMs].sort((a, b) => a - b);
  const summary: PhaseSummary = {
    name,
    ops: sample.ops,
    // Successful operations only: failures must not inflate a rate.
    opsPerSec: sample.durationMs > 0 ? (sorted.length * 1000) / sample.durationMs : 0,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    errors: sample.errors,
  };
  if (sample.firstError !== undefined) summary.firstError = sample.firstError;
  return summary;
}
