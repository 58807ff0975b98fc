/**
 * --audit-log-path: one JSON event per line, to stdout (`-`) or to a file rotated as kube's
 * lumberjack rotates it — a new file past --audit-log-maxsize MB, at most --audit-log-maxbackup
 * old files (0: all), none older than --audit-log-maxage days (0: any age) — through
 * rotating-file-stream. Never blocks a request, as kube's non-blocking mode: lines are handed to
 * the stream and Node writes them in the background; past a bound of unwritten bytes, or while
 * the file cannot be written (a full disk), events are dropped, counted in
 * apiserver_audit_error_total{plugin="log"} and logged (at most every 10 s), and the file is
 * opened again after a pause.
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type * as RotatingFileStream from 'rotating-file-stream' with { 'resolution-mode': 'import' };
import type { AuditBackend, AuditBackendReport } from './sink';
import type { AuditEvent } from './event';

export interface LogBackendOptions {
  /** A file, or `-` for stdout. */
  path: string;
  /** Days an old file is kept; 0: no limit. */
  maxAgeDays: number;
  /** Old files kept; 0: all. */
  maxBackups: number;
  /** MB before a new file is started; 0: never. */
  maxSizeMB: number;
  report: AuditBackendReport;
  /** Unwritten bytes beyond which events are dropped (default 64 MiB). */
  maxBufferedBytes?: number;
  /** Pause before a failed file is opened again (default 1 s). */
  reopenAfterMs?: number;
}

/** lumberjack's backup names: audit-2026-12-02T01-02-03.456.log beside audit.log. */
function backupName(file: string): (time: number | Date, index?: number) => string {
  const ext = path.extname(file);
  const base = path.basename(file, ext);
  return (time, index) => {
    if (!time) return path.basename(file);
    const stamp = new Date(time).toISOString().replace(/:/g, '-').replace('Z', '');
    return `${base}-${stamp}${index && index > 1 ? `-${index}` : ''}${ext}`;
  };
}

/** Removes backups older than maxAgeDays (rotating-file-stream limits their number, not age). */
async function removeOldBackups(file: string, maxAgeDays: number): Promise<void> {
  const dir = path.dirname(file);
  const ext = path.extname(file);
  const prefix = `${path.basename(file, ext)}-`;
  const cutoff = Date.now() - maxAgeDays * 86_400_000;
  for (const name of await readdir(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith(ext)) continue;
    const full = path.join(dir, name);
    if ((await stat(full)).mtimeMs < cutoff) await unlink(full).catch(() => undefined);
  }
}

// The package ships CommonJS beside its ES module, but its types are declared as the ES module's.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- its CommonJS build
const { createStream } = require('rotating-file-stream') as typeof RotatingFileStream;

export function createLogBackend(options: LogBackendOptions): AuditBackend {
  const limit = options.maxBufferedBytes ?? 64 * 1024 * 1024;
  const { report } = options;
  let stream: Writable | undefined;
  let reopening: NodeJS.Timeout | undefined;
  let closed = false;

  const open = (): Writable => {
    if (options.path === '-') return process.stdout;
    const rotating = createStream(backupName(options.path), {
      path: path.dirname(path.resolve(options.path)),
      ...(options.maxSizeMB > 0 && { size: `${options.maxSizeMB}M` }),
      ...(options.maxBackups > 0 && { maxFiles: options.maxBackups }),
    });
    rotating.on('error', (err) => fail(err));
    rotating.on('warning', (err) => report.warn('audit log rotation', err));
    if (options.maxAgeDays > 0) {
      rotating.on('rotated', () => {
        removeOldBackups(path.resolve(options.path), options.maxAgeDays).catch((err: unknown) =>
          report.warn('audit log: removing old files failed', err),
        );
      });
    }
    return rotating;
  };

  const fail = (err: unknown): void => {
    report.error(1, err);
    const broken = stream;
    stream = undefined;
    broken?.destroy();
    if (closed || reopening) return;
    reopening = setTimeout(() => {
      reopening = undefined;
      if (!closed) stream = open();
    }, options.reopenAfterMs ?? 1000);
    reopening.unref();
  };

  stream = open();
  return {
    name: 'log',
    process(events: AuditEvent[]): void {
      if (!stream || stream.writableLength > limit) {
        report.error(
          events.length,
          new Error(stream ? 'the audit log is behind; events dropped' : 'the audit log cannot be written'),
        );
        return;
      }
      let text = '';
      for (const event of events) text += `${JSON.stringify(event)}\n`;
      stream.write(text);
    },
    async close(): Promise<void> {
      closed = true;
      if (reopening) clearTimeout(reopening);
      const last = stream;
      stream = undefined;
      if (!last || last === process.stdout) return;
      await new Promise<void>((resolve) => last.end(() => resolve()));
    },
  };
}
