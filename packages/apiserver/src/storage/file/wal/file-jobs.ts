/**
 * One object file written (or removed) behind the log, as the file-writer thread does it: temp
 * file → rename, so an outside reader sees a whole file, old or new; no fsync (the log holds the
 * change until a sync pass). Synchronous on purpose: it runs on the file-writer thread, whose
 * kernel time is then charged to that thread's low priority (materialise-worker.ts).
 */
import { closeSync, mkdirSync, openSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TEMP_PREFIX, tempSuffix } from '../paths';

export interface FileJob {
  /** The object's directory and file. */
  dir: string;
  file: string;
  /** The object's JSON, or null: the file is removed. */
  json: string | null;
  /** For a removal: remove the (namespace) directory too if it is left empty. */
  removeEmptyDir: boolean;
}

/** The paths a pass of jobs changed: what the next sync pass must fsync. */
export interface TouchedPaths {
  files: string[];
  dirs: string[];
}

/** Does one job; throws what the file system threw. `dataDir` bounds the directories created. */
export function runFileJob(dataDir: string, job: FileJob, touched: TouchedPaths): void {
  const { dir, file } = job;
  if (job.json === null) {
    try {
      unlinkSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    touched.dirs.push(dir);
    if (job.removeEmptyDir) {
      try {
        rmdirSync(dir);
        touched.dirs.push(path.dirname(dir));
      } catch {
        // ENOTEMPTY: a write into the namespace got there first (ENOENT: it is gone already).
      }
    }
    return;
  }
  const temp = path.join(dir, `${TEMP_PREFIX}${tempSuffix()}`);
  let fd: number;
  try {
    fd = openSync(temp, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dir, { recursive: true });
    for (let d = dir; d !== dataDir && d !== path.dirname(d); d = path.dirname(d)) {
      touched.dirs.push(path.dirname(d));
    }
    fd = openSync(temp, 'wx', 0o644);
  }
  try {
    try {
      writeFileSync(fd, job.json);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // Nothing was left, or nothing can be done: the scan ignores temp files.
    }
    throw err;
  }
  touched.files.push(file);
  touched.dirs.push(dir);
}
