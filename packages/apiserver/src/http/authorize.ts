/**
 * Authorization as an Express filter: asks the authorizer about the authenticated user and the
 * request's attributes; a no is 403 with k8s' message, an authorizer that cannot answer (the
 * kube-apiserver unreachable, our service account not allowed to create SubjectAccessReviews) is
 * a 500 whose cause is logged with the audit id, never shown to the client.
 */
import type { ApiRequest, ApiResponse, Next } from './exchange';
import type { Authorizer, Decision } from '../auth/authorizer';
import { forbiddenError } from '../auth/authorizer';
import type { UserInfo } from '../auth/user';
import type { Tracer } from '@opentelemetry/api';
import type { AuthMetrics } from '../observability/metrics/auth-metrics';
import { addAuditAnnotation } from './audit-requests';
import { attributesOf } from './request-info';

export function authorizeRequests(
  authorize: Authorizer,
  observe: { metrics?: AuthMetrics; tracer?: Tracer } = {},
) {
  const { metrics, tracer } = observe;
  return (req: ApiRequest, res: ApiResponse, next: Next): void => {
    const user = res.locals.user as UserInfo;
    const attributes = attributesOf(req, res);
    const span = tracer?.startSpan('authorization');
    const failed = (err: unknown): void => {
      span?.end();
      next(err);
    };
    const decide = (decision: Decision): void => {
      span?.setAttribute('decision', decision.allowed ? 'allow' : 'forbid');
      span?.end();
      metrics?.decided(decision);
      // kube's audit annotations of the decision (WithAuthorization).
      addAuditAnnotation(res, 'authorization.k8s.io/decision', decision.allowed ? 'allow' : 'forbid');
      addAuditAnnotation(res, 'authorization.k8s.io/reason', decision.reason ?? '');
      if (res.writableEnded) return;
      if (decision.allowed) next();
      else next(forbiddenError(user, attributes, decision.reason));
    };
    // Anything thrown is a server fault: the error handler logs it and answers 500.
    let decision: Decision | Promise<Decision>;
    try {
      decision = authorize(user, attributes);
    } catch (err) {
      failed(err);
      return;
    }
    if (decision instanceof Promise) decision.then(decide, failed);
    else decide(decision);
  };
}
