/**
 * One record of the write-ahead log (see docs/file-store-wal.md): a length, a CRC-32 of the
 * payload, and the payload — a JSON header `[revision, group, resource, namespace, name, type]`,
 * a newline, then the stored object's JSON exactly as a GET returns it (for DELETED, its last
 * state carrying the deletion's revision), and for MODIFIED and DELETED a newline and the state
 * it replaced (what the event window keeps as `previous`, as kine's rows keep `prev_value`).
 * JSON.stringify never writes a raw newline, so newlines separate the parts. Hand-written: the framing is eight bytes, and no
 * library frames records this way with a checksum per record (zlib.crc32 computes it).
 */
import { crc32 } from 'node:zlib';
import type { WatchEventType } from '../../interface';

export interface LogRecord {
  rev: number;
  group: string;
  resource: string;
  namespace: string;
  name: string;
  type: WatchEventType;
  /** The object's stored JSON (for DELETED: the tombstone). */
  json: string;
  /** For MODIFIED and DELETED: the stored JSON it replaced. */
  previous?: string;
}

export const RECORD_HEADER_BYTES = 8;
/** Larger than any object the store accepts (request bodies are limited far below this). */
const MAX_PAYLOAD = 64 * 1024 * 1024;
const NEWLINE = 0x0a;
const TYPES = new Set<string>(['ADDED', 'MODIFIED', 'DELETED']);

export function encodeRecord(record: LogRecord): Buffer {
  const header = JSON.stringify([
    record.rev,
    record.group,
    record.resource,
    record.namespace,
    record.name,
    record.type,
  ]);
  const headerBytes = Buffer.byteLength(header);
  const jsonBytes = Buffer.byteLength(record.json);
  const previous = record.type === 'ADDED' ? undefined : record.previous;
  const previousBytes = previous === undefined ? 0 : 1 + Buffer.byteLength(previous);
  const payload = headerBytes + 1 + jsonBytes + previousBytes;
  const buf = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload);
  buf.writeUInt32LE(payload, 0);
  let at = RECORD_HEADER_BYTES + buf.write(header, RECORD_HEADER_BYTES, 'utf8');
  buf[at++] = NEWLINE;
  at += buf.write(record.json, at, 'utf8');
  if (previous !== undefined) {
    buf[at++] = NEWLINE;
    buf.write(previous, at, 'utf8');
  }
  buf.writeUInt32LE(crc32(buf.subarray(RECORD_HEADER_BYTES)), 4);
  return buf;
}

export interface DecodedRecords {
  records: LogRecord[];
  /** Where the valid records end: the whole buffer unless a bad record was found. */
  validEnd: number;
  /** Why the record at validEnd is bad, when one is. */
  problem?: string;
}

/** Decodes records up to the first bad one (short, wrong checksum or malformed). */
export function decodeRecords(buf: Buffer): DecodedRecords {
  const records: LogRecord[] = [];
  let at = 0;
  while (at < buf.length) {
    const problem = badRecordAt(buf, at);
    if (problem !== undefined) return { records, validEnd: at, problem };
    const length = buf.readUInt32LE(at);
    const payload = buf.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + length);
    const record = parsePayload(payload);
    if (typeof record === 'string') return { records, validEnd: at, problem: record };
    records.push(record);
    at += RECORD_HEADER_BYTES + length;
  }
  return { records, validEnd: at };
}

function badRecordAt(buf: Buffer, at: number): string | undefined {
  if (buf.length - at < RECORD_HEADER_BYTES) return 'a record header is cut short';
  const length = buf.readUInt32LE(at);
  if (length === 0 || length > MAX_PAYLOAD) return `a record length of ${length} bytes is impossible`;
  if (buf.length - at - RECORD_HEADER_BYTES < length) return 'a record is cut short';
  const payload = buf.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + length);
  if (crc32(payload) !== buf.readUInt32LE(at + 4)) return 'a record does not match its checksum';
  return undefined;
}

function parsePayload(payload: Buffer): LogRecord | string {
  const newline = payload.indexOf(NEWLINE);
  if (newline < 0) return 'a record has no header';
  let header: unknown;
  try {
    header = JSON.parse(payload.toString('utf8', 0, newline));
  } catch {
    return 'a record header is not JSON';
  }
  if (!Array.isArray(header) || header.length !== 6) return 'a record header has the wrong shape';
  const [rev, group, resource, namespace, name, type] = header as unknown[];
  if (
    typeof rev !== 'number' ||
    !Number.isSafeInteger(rev) ||
    rev <= 0 ||
    typeof group !== 'string' ||
    typeof resource !== 'string' ||
    typeof namespace !== 'string' ||
    typeof name !== 'string' ||
    typeof type !== 'string' ||
    !TYPES.has(type)
  ) {
    return 'a record header has the wrong shape';
  }
  const second = type === 'ADDED' ? -1 : payload.indexOf(NEWLINE, newline + 1);
  const json = payload.toString('utf8', newline + 1, second < 0 ? payload.length : second);
  const record: LogRecord = { rev, group, resource, namespace, name, type: type as WatchEventType, json };
  if (second >= 0) record.previous = payload.toString('utf8', second + 1);
  return record;
}
