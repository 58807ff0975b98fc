/**
 * One access-log line per request: verb, path, status, latency, user and the Audit-ID (set by
 * audit-id.ts, which runs first) — at a configurable level.
 */
import { header, requestUrl } from './exchange';
import type { ApiRequest, ApiResponse, Next } from './exchange';
import type { Logger } from '../logging/logger';
import type { UserInfo } from '../auth/user';

export function accessLog(logger: Logger, level: string) {
  return (req: ApiRequest, res: ApiResponse, next: Next): void => {
    // A line below the logger's level would still be built and pushed through winston's stream
    // only to be dropped there: skip it up front.
    if (!logger.isLevelEnabled(level)) return next();
    const started = process.hrtime.bigint();
    res.on('close', () => {
      const user = res.locals.user as UserInfo | undefined;
      logger.log(level, 'request', {
        verb: req.method,
        path: requestUrl(req),
        status: res.statusCode,
        latencyMs: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
        user: user?.name,
        userAgent: header(req, 'user-agent'),
        auditID: res.locals.auditID as string | undefined,
      });
    });
    next();
  };
}
