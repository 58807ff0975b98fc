/**
 * GET /metrics: the Prometheus text exposition of the server's registry. Who may read it is
 * authorization's to say, as in kube: a non-resource `get /metrics` (RBAC's system:monitoring
 * role delegated, system:masters or the policy file standalone).
 */
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import type { Registry } from 'prom-client';
import { sendBytes } from './exchange';

export function metricsRoutes(registry: Registry): Router {
  const router = express.Router();
  router.get('/metrics', (_req: Request, res: Response, next: NextFunction) => {
    registry
      .metrics()
      .then((body) => sendBytes(res, { status: 200, contentType: registry.contentType, body }), next);
  });
  return router;
}
