/**
 * A real small file system for disk-full and read-only tests: a tmpfs of a few hundred KB
 * mounted on a temp dir (so ENOSPC is the kernel's, not a mock's), which a test can fill, free,
 * remount read-only (EROFS) and writable again. Mounting needs root (CAP_SYS_ADMIN), or sudo
 * without a password; `smallDiskSupport()` says whether this machine allows it and, if not, why.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface SmallDisk {
  /** The mount point. */
  dir: string;
  /** Fills the disk with one file, leaving about `leaveBytes` free; returns its path. */
  fill(leaveBytes: number): Promise<string>;
  readOnly(): void;
  writable(): void;
  unmount(): Promise<void>;
}

const prefix = (): string[] => (process.getuid?.() === 0 ? [] : ['sudo', '-n']);

function run(args: string[]): void {
  const [cmd, ...rest] = [...prefix(), ...args];
  execFileSync(cmd!, rest, { stdio: 'pipe' });
}

let support: { ok: true } | { ok: false; why: string } | undefined;

/** Whether a tmpfs can be mounted here (checked once, by mounting one). */
export function smallDiskSupport(): { ok: true } | { ok: false; why: string } {
  if (support) return support;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pwk-mount-check-'));
  try {
    run(['mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
    run(['umount', dir]);
    support = { ok: true };
  } catch (err) {
    support = {
      ok: false,
      why: `cannot mount a tmpfs here (${String((err as Error).message).split('\n')[0]})`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return support;
}

export async function mountSmallDisk(sizeBytes: number): Promise<SmallDisk> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pwk-small-disk-'));
  run(['mount', '-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0755`, 'tmpfs', dir]);
  let mounted = true;
  return {
    dir,
    async fill(leaveBytes) {
      const filler = path.join(dir, 'filler');
      const free = () => {
        const out = execFileSync('df', ['--output=avail', '-B1', dir], { encoding: 'utf8' });
        return Number(out.trim().split('\n').pop());
      };
      await writeFile(filler, Buffer.alloc(Math.max(0, free() - leaveBytes)));
      return filler;
    },
    readOnly: () => run(['mount', '-o', 'remount,ro', dir]),
    writable: () => run(['mount', '-o', 'remount,rw', dir]),
    async unmount() {
      if (!mounted) return;
      mounted = false;
      run(['umount', '-l', dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
