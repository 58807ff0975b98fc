/**
 * Health and version, reachable without credentials: /livez (the process serves), /readyz
 * (storage loaded and not shutting down), /healthz (both), /version (kubectl's dispatcher asks
 * it first to pick a client version).
 */
import express from 'express';
import type { Router } from 'express';

export interface Health {
  /** Storage loaded and able to serve. */
  storageReady(): boolean;
  /** Set on SIGTERM: /readyz fails at once so load balancers and the aggregator move away. */
  shuttingDown(): boolean;
}

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-pwk.0.1.0',
  gitCommit: '',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: `node${process.versions.node}`,
  compiler: 'tsc',
  platform: `${process.platform}/${process.arch}`,
};

export function healthRoutes(health: Health): Router {
  const router = express.Router();
  /** `ok`, or k8s' failure text: `[-]<check> failed: <why>` and `<endpoint> check failed`. */
  const answer = (
    res: express.Response,
    check: { endpoint: string; name: string; ok: boolean; why: string },
  ) => {
    res.status(check.ok ? 200 : 500).type('text/plain');
    res.send(check.ok ? 'ok' : `[-]${check.name} failed: ${check.why}\n${check.endpoint} check failed\n`);
  };
  router.get(['/livez', '/livez/ping'], (_req, res) =>
    answer(res, { endpoint: 'livez', name: 'ping', ok: true, why: '' }),
  );
  router.get('/readyz', (_req, res) => {
    if (health.shuttingDown()) {
      return answer(res, {
        endpoint: 'readyz',
        name: 'shutdown',
        ok: false,
        why: 'the server is shutting down',
      });
    }
    answer(res, {
      endpoint: 'readyz',
      name: 'storage',
      ok: health.storageReady(),
      why: 'storage is not ready',
    });
  });
  router.get('/healthz', (_req, res) =>
    answer(res, {
      endpoint: 'healthz',
      name: 'storage',
      ok: health.storageReady(),
      why: 'storage is not ready',
    }),
  );
  router.get('/version', (_req, res) => {
    res.status(200).type('application/json').send(JSON.stringify(VERSION_INFO));
  });
  return router;
}
