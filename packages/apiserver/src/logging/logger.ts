/**
 * Structured logs with winston: JSON lines in production (what log collectors parse), a
 * readable single line in a terminal. Every module logs through this one logger.
 */
import winston from 'winston';
import type { LogLevel } from '../config/flags';

export type Logger = winston.Logger;

export interface LoggerOptions {
  level: LogLevel;
  /** Default: text when stderr is a terminal, JSON otherwise. */
  format?: 'json' | 'text';
  /** Where lines go (tests capture them); default stderr. */
  stream?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const format = options.format ?? (process.stderr.isTTY ? 'text' : 'json');
  const text = winston.format.printf(({ level, message, timestamp, ...meta }) => {
    const rest = Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : '';
    return `${String(timestamp)} ${level} ${String(message)}${rest}`;
  });
  return winston.createLogger({
    level: options.level,
    format: winston.format.combine(
      winston.format.timestamp(),
      format === 'json' ? winston.format.json() : text,
    ),
    transports: [
      options.stream
        ? new winston.transports.Stream({ stream: options.stream })
        : new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] }),
    ],
  });
}
