/**
 * One access-log line per request: verb, path, status, latency, user and the Audit-ID (set by
 * audit-id.ts, which runs first) — at a configurable level; `detailed` (-v 2 and above) adds the
 * client's address and the Accept and Content-Type headers, what content negotiation turns on.
 */
import { header, requestUrl } from './exchange';
import type { ApiRequest, ApiResponse, Next } from './exchange';
import type { Logger } from '../logging/logger';
import type { UserInfo } from '../auth/user';

export interface AccessLogOptions {
  level: string;
  detailed: boolean;
}

export function accessLog(logger: Logger, { level, detailed }: AccessLogOptions) {
  return (req: ApiRequest, res: ApiResponse, next: Next): void => {
    // A line below the logger's level would still be built and pushed through winston's stream
    // only to be dropped there: skip it up front.
    if (!logger.isLevelEnabled(level)) return next();
    const started = process.hrtime.bigint();
    // Read now: once the response closes, the socket may be gone.
    const srcIP = detailed ? req.socket.remoteAddress : undefined;
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
        ...(detailed && {
          srcIP,
          accept: header(req, 'accept'),
          contentType: header(req, 'content-type'),
        }),
      });
    });
    next();
  };
}
