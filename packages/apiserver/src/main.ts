#!/usr/bin/env node
/** `pwk-apiserver`: parse flags, start, shut down gracefully on SIGTERM / SIGINT. */
import { ConfigError, parseCommandLine } from './config/flags';
import { createLogger } from './logging/logger';
import { startServer } from './server/server';

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseCommandLine(process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`pwk-apiserver: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (parsed.help) {
    process.stdout.write(parsed.text);
    return;
  }
  const { config } = parsed;
  const logger = createLogger({ level: config.logLevel, format: config.loggingFormat });
  let server;
  try {
    server = await startServer({ config, logger });
  } catch (err) {
    logger.error(`pwk-apiserver cannot start: ${(err as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const stop = (signal: string) => {
    logger.info('signal received', { signal });
    server
      .shutdown()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error('shutdown failed', { error: String(err) });
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void main();
