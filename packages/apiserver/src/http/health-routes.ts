/**
 * Health and version, reachable without credentials: /livez (the process serves), /readyz
 * (storage can serve and write, and the server is not shutting down), /healthz (storage), and
 * /version (kubectl's dispatcher asks it first to pick a client version).
 *
 * The answers are k8s.io/apiserver's (pkg/server/healthz): `ok`; with `?verbose` one line per
 * check (`[+]ping ok`) and `readyz check passed`; on failure always the list, with the reason
 * withheld (these paths are public) and `readyz check failed`, as a 500. The reason itself is
 * served by the check's own path (`/readyz/storage` → `internal server error: <reason>`), as
 * Kubernetes does. `?exclude=<check>` skips a check.
 */
import express from 'express';
import type { Request, Response, Router } from 'express';

export interface Health {
  /** Why storage cannot serve or write right now; undefined when it can. */
  storageProblem(): string | undefined;
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

interface Check {
  name: string;
  /** Undefined when healthy, else why not. */
  problem(): string | undefined;
}

function checksFor(health: Health): Record<'livez' | 'readyz' | 'healthz', Check[]> {
  const ping: Check = { name: 'ping', problem: () => undefined };
  const storage: Check = { name: 'storage', problem: () => health.storageProblem() };
  const shutdown: Check = {
    name: 'shutdown',
    problem: () => (health.shuttingDown() ? 'process is shutting down' : undefined),
  };
  return { livez: [ping], readyz: [ping, storage, shutdown], healthz: [ping, storage] };
}

const TEXT = 'text/plain; charset=utf-8';

function send(res: Response, code: number, body: string): void {
  res.status(code).set({ 'Content-Type': TEXT, 'X-Content-Type-Options': 'nosniff' }).send(body);
}

function queryValues(req: Request, name: string): string[] {
  const value = req.query[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** handleRootHealth: every check, in order, minus the excluded ones. */
function answerAll(req: Request, res: Response, endpoint: string, checks: Check[]): void {
  const excluded = new Set(queryValues(req, 'exclude'));
  let lines = '';
  const failed: string[] = [];
  for (const check of checks) {
    if (excluded.delete(check.name)) {
      lines += `[+]${check.name} excluded: ok\n`;
    } else if (check.problem() !== undefined) {
      lines += `[-]${check.name} failed: reason withheld\n`;
      failed.push(check.name);
    } else {
      lines += `[+]${check.name} ok\n`;
    }
  }
  if (excluded.size > 0) {
    const names = [...excluded].map((n) => JSON.stringify(n)).join(',');
    lines += `warn: some health checks cannot be excluded: no matches for ${names}\n`;
  }
  // Go's http.Error adds the final newline.
  if (failed.length > 0) return send(res, 500, `${lines}${endpoint} check failed\n`);
  if (req.query.verbose === undefined) return send(res, 200, 'ok');
  send(res, 200, `${lines}${endpoint} check passed\n`);
}

export function healthRoutes(health: Health): Router {
  const router = express.Router();
  for (const [endpoint, checks] of Object.entries(checksFor(health))) {
    router.get(`/${endpoint}`, (req, res) => answerAll(req, res, endpoint, checks));
    for (const check of checks) {
      router.get(`/${endpoint}/${check.name}`, (_req, res) => {
        const problem = check.problem();
        if (problem === undefined) send(res, 200, 'ok');
        else send(res, 500, `internal server error: ${problem}\n`);
      });
    }
  }
  router.get('/version', (_req, res) => {
    res.status(200).type('application/json').send(JSON.stringify(VERSION_INFO));
  });
  return router;
}
