/**
 * Where the file store keeps things: `<data-dir>/<group>/<resource>/<namespace>/<name>.json`
 * (cluster-scoped objects directly under `<resource>/`). Keys are validated before a path is
 * built (storage/keys.ts), and every path is checked to stay inside the data dir.
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { InvalidKeyError } from '../errors';
import type { ObjectKey } from '../interface';

/** Temp files are written next to their target and renamed over it; leftovers are removed at start-up. */
export const TEMP_PREFIX = '.tmp-';
export const QUARANTINE_DIR = 'quarantine';

// Random per process, then a counter: unique among this process's temp files without a CSPRNG
// call per write, and apart from any other process's (the data-dir lock admits one writer; the
// loader removes a crashed one's leftovers, and an `O_EXCL` open refuses a clash outright).
const TEMP_SESSION = randomBytes(6).toString('hex');
let tempCounter = 0;

/** A fresh temp-file suffix (after TEMP_PREFIX). */
export function tempSuffix(): string {
  tempCounter += 1;
  return `${TEMP_SESSION}-${tempCounter.toString(36)}`;
}
export const LOCK_FILE = '.lock';
export const REVISION_FILE = '.revision';
/** Written and removed by the write probe while writes fail (write-health.ts); never loaded. */
export const PROBE_FILE = '.write-probe';

/**
 * Names may be 253 characters but Linux file names stop at 255 bytes, so long names are
 * shortened with a hash; the full name is inside the file and the loader checks it maps back.
 */
const LONG_NAME = 200;

export function fileNameFor(name: string): string {
  assertSegment(name);
  if (name.length <= LONG_NAME) return `${name}.json`;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return `${name.slice(0, 180)}~${hash}.json`;
}

export function objectDir(dataDir: string, key: Omit<ObjectKey, 'name'>): string {
  assertSegment(key.group);
  assertSegment(key.resource);
  if (key.namespace) assertSegment(key.namespace);
  const dir = key.namespace
    ? path.join(dataDir, key.group, key.resource, key.namespace)
    : path.join(dataDir, key.group, key.resource);
  assertInside(dataDir, dir);
  return dir;
}

export function objectPath(dataDir: string, key: ObjectKey): string {
  const file = path.join(objectDir(dataDir, key), fileNameFor(key.name));
  assertInside(dataDir, file);
  return file;
}

/** One path segment, never a separator or a step up. */
function assertSegment(segment: string): void {
  if (segment === '' || segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) {
    throw new InvalidKeyError(`${JSON.stringify(segment)} cannot be part of a path in the data directory`);
  }
}

/** Defence in depth: validated keys cannot escape, and this makes sure of it. */
function assertInside(dataDir: string, target: string): void {
  const rel = path.relative(dataDir, target);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new InvalidKeyError(`path ${JSON.stringify(target)} is outside the data directory`);
  }
}
