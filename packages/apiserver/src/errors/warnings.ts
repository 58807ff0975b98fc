/**
 * Warnings that go with a refusal. k8s.io/apiserver records warnings on the request's context,
 * so a client sees an admission webhook's warnings even when a later plugin refuses the write;
 * pwk's layers pass results, not a context, so the warnings ride on the error instead and
 * http/status.ts sends them as `Warning` headers beside the Status.
 */
const attached = new WeakMap<object, string[]>();

/** Returns err, which now carries `warnings` (added to any it carried already). */
export function attachWarnings<E>(err: E, warnings: readonly string[]): E {
  if (warnings.length === 0 || err === null || typeof err !== 'object') return err;
  const previous = attached.get(err) ?? [];
  attached.set(err, [...previous, ...warnings.filter((w) => !previous.includes(w))]);
  return err;
}

export function warningsOf(err: unknown): string[] {
  return err !== null && typeof err === 'object' ? (attached.get(err) ?? []) : [];
}
