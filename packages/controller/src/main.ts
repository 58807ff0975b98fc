#!/usr/bin/env node
/**
 * `pwk-controller`: flags → config → startController; SIGTERM/SIGINT drain the queue and
 * release the lease, then exit 0. Losing the lease exits 1 (as kube-controller-manager and
 * controller-runtime do), so the pod restarts as a clean standby.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { startController } from './app';
import { ConfigError, parseCommandLine } from './config';
import { createLogger } from './logger';

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

async function main(): Promise<void> {
  const inCluster = Boolean(process.env.KUBERNETES_SERVICE_HOST && process.env.KUBERNETES_SERVICE_PORT);
  const podNamespace = existsSync(SERVICE_ACCOUNT_NAMESPACE)
    ? readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim()
    : undefined;
  let parsed;
  try {
    parsed = parseCommandLine(process.argv.slice(2), { podNamespace });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`pwk-controller: ${err.message}\n`);
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
  let running;
  try {
    running = await startController({
      config,
      logger,
      inCluster,
      kubeconfigEnv: { KUBECONFIG: process.env.KUBECONFIG, home: os.homedir() },
      processMetrics: true,
    });
  } catch (err) {
    logger.error(`pwk-controller cannot start: ${(err as Error).message}`);
    // exit() rather than exitCode: a listener that did start would keep the process up.
    process.exit(1);
  }
  const stop = (signal: string) => {
    logger.info('signal received; draining', { signal });
    running.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // Informer restarts wait on unref'd timers; this keeps the process up while the apiserver is away.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const reason = await running.done;
  clearInterval(keepAlive);
  if (reason === 'lost') {
    logger.error('leader election lost; exiting');
    process.exit(1);
  }
}

void main();
