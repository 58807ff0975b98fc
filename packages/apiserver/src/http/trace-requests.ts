/**
 * One server span per request, as kube's WithTracing names it ("KubernetesAPI"), child of the
 * caller's W3C `traceparent` (kube-apiserver's proxy forwards its own), with the method, path,
 * user agent, audit ID and status code; everything the request does below — authentication,
 * authorization, admission, storage, fsync — runs in it and nests under it.
 */
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { header, requestPath } from './exchange';
import type { ApiRequest, ApiResponse, Next } from './exchange';
import type { Tracing } from '../observability/tracing/tracer';

export function traceRequests(tracing: Tracing) {
  return (req: ApiRequest, res: ApiResponse, next: Next): void => {
    const parent = tracing.extract(req.headers);
    const span = tracing.tracer.startSpan(
      'KubernetesAPI',
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method,
          'url.path': requestPath(req),
          ...(header(req, 'user-agent') && { 'user_agent.original': header(req, 'user-agent') }),
        },
      },
      parent,
    );
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      const auditID = res.locals.auditID as string | undefined;
      if (auditID) span.setAttribute('audit-id', auditID);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
