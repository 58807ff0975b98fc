/**
 * Notices when files change (size, mtime or inode — a rename over the file, as kubelet's secret
 * volumes and cert-manager do, changes the inode) by polling stat, which works on every volume
 * type, unlike inotify on the symlink farms of Kubernetes secret mounts.
 */
import { stat } from 'node:fs/promises';

export interface FileChangeWatcher {
  /** Compares now (the timer calls this); resolves after onChange has run, if it did. */
  check(): Promise<void>;
  stop(): void;
}

/** Starts watching from the files' present state. */
export async function watchFileChanges(opts: {
  files: readonly string[];
  intervalMs: number;
  onChange: () => Promise<void>;
}): Promise<FileChangeWatcher> {
  let last = '';
  let running: Promise<void> | undefined;
  const signature = async () =>
    (
      await Promise.all(
        opts.files.map(async (file) => {
          try {
            const s = await stat(file);
            return `${s.ino}:${s.size}:${s.mtimeMs}`;
          } catch {
            return 'missing';
          }
        }),
      )
    ).join('|');
  const check = () =>
    (running ??= (async () => {
      try {
        const now = await signature();
        if (now === last) return;
        last = now;
        await opts.onChange();
      } finally {
        running = undefined;
      }
    })());
  last = await signature();
  // onChange reports its own failures; a rejection here must not become an unhandled one.
  const timer = setInterval(() => void check().catch(() => undefined), opts.intervalMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
