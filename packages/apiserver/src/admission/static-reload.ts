/**
 * The periodic re-read of a static manifests directory, shared by the webhook and policy
 * plugins: one read at a time, a change only when the contents' hash moved, and a fault said
 * once (not at every interval) while the last good contents stay in force.
 */
export interface StaticReload<T extends { hash: string }> {
  load: () => Promise<T>;
  /** What is in force now (the first read, made at start-up). */
  first: T;
  intervalMs: number;
  /** Told of contents that differ from the last ones taken. */
  onChange: (loaded: T) => void;
  /** Told of a read that failed, once per distinct error. */
  onError: (error: string) => void;
}

/** Starts the re-reads; returns what stops them. */
export function reloadPeriodically<T extends { hash: string }>(opts: StaticReload<T>): () => void {
  let hash = opts.first.hash;
  let reloading = false;
  let lastError = '';
  const timer = setInterval(() => {
    if (reloading) return;
    reloading = true;
    opts
      .load()
      .then((loaded) => {
        lastError = '';
        if (loaded.hash === hash) return;
        hash = loaded.hash;
        opts.onChange(loaded);
      })
      .catch((err: unknown) => {
        const error = String((err as Error).message ?? err);
        if (error === lastError) return;
        lastError = error;
        opts.onError(error);
      })
      .finally(() => {
        reloading = false;
      });
  }, opts.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
