/**
 * What the TokenReview and SubjectAccessReview clients tell a metrics backend, when one is wired
 * in (kube's apiserver_delegated_authn/authz_request_* and its token cache's hit/miss counts).
 * The auth layer knows no metrics library; every hook is optional.
 */
export interface ReviewMetrics {
  /** A review sent: the HTTP status as a string, or `<error>` when no answer came. */
  observeCall?(o: { code: string; seconds: number }): void;
  /** A question answered from the cache (`hit`) or sent (`miss`). */
  observeCache?(status: 'hit' | 'miss'): void;
}

/** Times `call` into `metrics.observeCall` with kube's code label. */
export async function timedReview<T>(metrics: ReviewMetrics | undefined, call: () => Promise<T>): Promise<T> {
  if (!metrics?.observeCall) return call();
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    const result = await call();
    metrics.observeCall({ code: '201', seconds: seconds() });
    return result;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    metrics.observeCall({ code: typeof code === 'number' ? String(code) : '<error>', seconds: seconds() });
    throw err;
  }
}
