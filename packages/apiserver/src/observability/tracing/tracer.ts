/**
 * What the server's code sees of tracing: the Tracing it is given (otlp-tracing.ts makes one when
 * tracing is configured) and spans around its steps. Only the OpenTelemetry API is loaded here.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { Context, Span, SpanOptions, Tracer } from '@opentelemetry/api';

export interface Tracing {
  tracer: Tracer;
  /** The request's parent context, from its `traceparent`/`tracestate` headers. */
  extract(headers: Record<string, string | string[] | undefined>): Context;
  /** Exports what is pending, then stops. */
  shutdown(): Promise<void>;
}

/** Runs fn in a child span of the active one; the span ends when fn's promise settles. */
export async function inSpan<T>(
  tracer: Tracer | undefined,
  name: string,
  fn: () => Promise<T>,
  options?: SpanOptions,
): Promise<T> {
  if (!tracer) return fn();
  return tracer.startActiveSpan(name, options ?? {}, async (span: Span) => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: String((err as Error)?.message ?? err) });
      throw err;
    } finally {
      span.end();
    }
  });
}
