/**
 * An exclusive lock on the data directory, so two servers never write one store.
 *
 * Node has no flock() without a native addon (and npm does not run install scripts here), so
 * the lock is a file naming its holder: token, pid, the process's start time from /proc, the
 * machine's boot id and the host name. A later process decides whether the holder is alive:
 * - same host and boot: alive when that pid runs and started at the recorded time (a pid
 *   alone is not enough: in a container every restart is pid 1, so a kill -9 would otherwise
 *   leave a lock that blocks the next start forever), and is not a zombie (a killed server
 *   that its parent has not reaped yet);
 * - another host (a volume moved between pods): alive while the holder keeps touching the
 *   file, i.e. its mtime is younger than `staleAfterMs`.
 * A stale lock is replaced atomically (write temp + rename) and re-read to confirm.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rename, stat, unlink, utimes, writeFile, open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StorageError } from '../errors';
import { LOCK_FILE, TEMP_PREFIX } from './paths';

export class DataDirLockedError extends StorageError {
  constructor(message: string) {
    super('StorageUnavailable', message);
  }
}

interface LockHolder {
  token: string;
  pid: number;
  startTime: string;
  bootId: string;
  hostname: string;
}

export interface DataDirLock {
  release(): Promise<void>;
}

export interface LockOptions {
  heartbeatMs?: number;
  staleAfterMs?: number;
}

/** Tokens of the locks this process holds: a second store in the same process must be refused too. */
const heldHere = new Set<string>();

async function readText(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/**
 * From /proc/<pid>/stat: field 3, the state, and field 22, the start time in clock ticks since
 * boot. The command name (field 2) is in parentheses and may hold spaces, so fields are counted
 * from its closing one.
 */
async function processStat(pid: number): Promise<{ state: string; startTime: string } | undefined> {
  const text = await readText(`/proc/${pid}/stat`);
  if (!text) return undefined;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', startTime: fields[19] ?? '' };
}

/**
 * A killed process stays in the table as a zombie (Z) until its parent reaps it, and X is the
 * instant after: neither runs any more, so neither holds the lock.
 */
const DEAD_STATES = new Set(['Z', 'X', 'x']);

async function me(): Promise<LockHolder> {
  return {
    token: randomUUID(),
    pid: process.pid,
    startTime: (await processStat(process.pid))?.startTime ?? '',
    bootId: (await readText('/proc/sys/kernel/random/boot_id')) ?? '',
    hostname: os.hostname(),
  };
}

function parseHolder(text: string | undefined): LockHolder | undefined {
  if (!text) return undefined;
  try {
    const h = JSON.parse(text) as LockHolder;
    return typeof h.token === 'string' && typeof h.pid === 'number' ? h : undefined;
  } catch {
    return undefined;
  }
}

async function holderIsAlive(
  holder: LockHolder,
  self: LockHolder,
  lockAge: { mtimeMs: number; staleAfterMs: number },
): Promise<boolean> {
  if (holder.hostname !== self.hostname) return Date.now() - lockAge.mtimeMs < lockAge.staleAfterMs;
  if (holder.bootId !== self.bootId) return false;
  if (holder.pid === process.pid) return heldHere.has(holder.token);
  const holderNow = await processStat(holder.pid);
  return (
    holderNow !== undefined && holderNow.startTime === holder.startTime && !DEAD_STATES.has(holderNow.state)
  );
}

export async function acquireDataDirLock(dataDir: string, options: LockOptions = {}): Promise<DataDirLock> {
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const staleAfterMs = options.staleAfterMs ?? 3 * heartbeatMs;
  const lockPath = path.join(dataDir, LOCK_FILE);
  const self = await me();
  const body = `${JSON.stringify(self)}\n`;

  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o644);
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return held(lockPath, self, heartbeatMs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = parseHolder(await readText(lockPath));
    const info = await stat(lockPath).catch(() => undefined);
    if (!info) continue; // released meanwhile: try again
    if (holder && (await holderIsAlive(holder, self, { mtimeMs: info.mtimeMs, staleAfterMs }))) {
      throw new DataDirLockedError(
        `data directory ${dataDir} is locked by another pwk-apiserver (pid ${holder.pid} on ${holder.hostname}); ` +
          'only one server may use a file store',
      );
    }
    const temp = path.join(dataDir, `${TEMP_PREFIX}lock-${self.token}`);
    await writeFile(temp, body);
    await rename(temp, lockPath);
    if (parseHolder(await readText(lockPath))?.token === self.token) return held(lockPath, self, heartbeatMs);
  }
  throw new DataDirLockedError(
    `data directory ${dataDir}: could not take the lock (another process races for it)`,
  );
}

function held(lockPath: string, self: LockHolder, heartbeatMs: number): DataDirLock {
  heldHere.add(self.token);
  const timer = setInterval(() => {
    const now = new Date();
    void utimes(lockPath, now, now).catch(() => {});
  }, heartbeatMs);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      heldHere.delete(self.token);
      if (parseHolder(await readText(lockPath))?.token === self.token) await unlink(lockPath).catch(() => {});
    },
  };
}
