/**
 * The log's segment files, `<data-dir>/.wal/<16 hex digits>.log`, and reading them back at
 * start-up. In the last segment the first bad record is a torn tail — a batch being written
 * when the process died, never acknowledged — and the segment is cut there (and synced). A bad
 * record in an earlier segment is damage to acknowledged data: start-up stops rather than guess.
 */
import {
  closeSync,
  fdatasyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readdirSync,
  unlinkSync,
} from 'node:fs';
import path from 'node:path';
import { CorruptError } from '../../errors';
import type { StorageLogger } from '../../logger';
import { TEMP_PREFIX } from '../paths';
import { decodeRecords } from './record';
import type { LogRecord } from './record';

export const WAL_DIR = '.wal';
/**
 * `{"through": N}`: every record up to revision N is durable in the object files (written after a
 * sync pass, durably). Those records need not be replayed into the files at the next start.
 */
export const MATERIALISED_FILE = 'materialised';
const SEGMENT_NAME = /^([0-9a-f]{16})\.log$/;

export function walDir(dataDir: string): string {
  return path.join(dataDir, WAL_DIR);
}

export function segmentPath(dataDir: string, seq: number): string {
  return path.join(walDir(dataDir), `${seq.toString(16).padStart(16, '0')}.log`);
}

/** The sequence numbers of the segments present, in order. */
export function listSegments(dataDir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(walDir(dataDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .map((n) => SEGMENT_NAME.exec(n)?.[1])
    .filter((hex): hex is string => hex !== undefined)
    .map((hex) => parseInt(hex, 16))
    .sort((a, b) => a - b);
}

/** The revision the marker names; 0 when there is none or it is unreadable (replay everything). */
export function readMaterialised(dataDir: string): number {
  let text: string;
  try {
    text = readFileSync(path.join(walDir(dataDir), MATERIALISED_FILE), 'utf8');
  } catch {
    return 0;
  }
  try {
    const through = (JSON.parse(text) as { through?: unknown }).through;
    return typeof through === 'number' && Number.isSafeInteger(through) && through > 0 ? through : 0;
  } catch {
    return 0;
  }
}

/** Removes what a marker write cut short by a crash left (temp files in the log directory). */
export function removeLogTempFiles(dataDir: string): void {
  let names: string[];
  try {
    names = readdirSync(walDir(dataDir));
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith(TEMP_PREFIX)) unlinkSync(path.join(walDir(dataDir), n));
}

export interface SegmentSummary {
  name: string;
  bytes: number;
  records: number;
  firstRev?: number;
  lastRev?: number;
  /** A bad record: where, and why (a torn tail of the last segment is cut at the next start). */
  bad?: { at: number; problem: string };
}

/** What the log holds, read only (for `pwk-storage log`: safe beside a running server). */
export function inspectLog(dataDir: string): { segments: SegmentSummary[]; materialised: number } {
  const segments = listSegments(dataDir).map((seq): SegmentSummary => {
    const file = segmentPath(dataDir, seq);
    const buf = readFileSync(file);
    const { records, validEnd, problem } = decodeRecords(buf);
    const revs = records.map((r) => r.rev);
    return {
      name: path.basename(file),
      bytes: buf.length,
      records: records.length,
      ...(revs.length > 0 ? { firstRev: Math.min(...revs), lastRev: Math.max(...revs) } : {}),
      ...(problem !== undefined ? { bad: { at: validEnd, problem } } : {}),
    };
  });
  return { segments, materialised: readMaterialised(dataDir) };
}

export interface ReadSegment {
  seq: number;
  bytes: number;
  /** The highest revision in it (0 when empty). */
  lastRev: number;
  records: LogRecord[];
}

export interface ReadLog {
  segments: ReadSegment[];
  /** Bytes cut from the last segment's torn tail. */
  truncatedBytes: number;
}

/**
 * Reads every segment in order (synchronously: start-up, before anything is served; a segment is
 * at most a few tens of MB), truncating a torn tail of the last one.
 */
export function readLog(dataDir: string, logger: StorageLogger): ReadLog {
  const seqs = listSegments(dataDir);
  const segments: ReadSegment[] = [];
  let truncatedBytes = 0;
  seqs.forEach((seq, i) => {
    const file = segmentPath(dataDir, seq);
    const buf = readFileSync(file);
    const decoded = decodeRecords(buf);
    if (decoded.problem !== undefined) {
      if (i < seqs.length - 1) {
        throw new CorruptError(
          `write-ahead log segment ${file} is damaged at byte ${decoded.validEnd} (${decoded.problem}), ` +
            'before its last segment: acknowledged writes would be lost, so the store does not start',
        );
      }
      truncatedBytes = buf.length - decoded.validEnd;
      truncate(file, decoded.validEnd);
      logger.warn('file store: truncated the torn tail of the write-ahead log', {
        segment: file,
        at: decoded.validEnd,
        bytes: truncatedBytes,
        reason: decoded.problem,
      });
    }
    const lastRev = decoded.records.reduce((max, r) => Math.max(max, r.rev), 0);
    segments.push({ seq, bytes: decoded.validEnd, lastRev, records: decoded.records });
  });
  return { segments, truncatedBytes };
}

function truncate(file: string, length: number): void {
  const fd = openSync(file, 'r+');
  try {
    ftruncateSync(fd, length);
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
