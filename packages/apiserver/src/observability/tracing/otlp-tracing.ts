/**
 * The server's OpenTelemetry tracer: a provider of its own (not the global one, so servers side
 * by side keep their traces apart), kube's sampler — ParentBased(TraceIDRatioBased(rate)), so a
 * sampled `traceparent` from kube-apiserver's proxy is always followed and new traces are sampled
 * at samplingRatePerMillion — and a batching OTLP/HTTP exporter. Spans nest through Node's
 * AsyncLocalStorage (OpenTelemetry's context manager, installed once per process). The SDK is
 * loaded only by a server with --tracing-config-file (server.ts): without it, it would add some
 * 300 modules and megabytes of RSS to every server.
 */
import { ROOT_CONTEXT, context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { Tracing } from './tracer';
import type { TracingConfig } from './tracing-config';

let contextManagerInstalled = false;

function installContextManager(): void {
  if (contextManagerInstalled) return;
  contextManagerInstalled = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

const propagator = new W3CTraceContextPropagator();
const headerGetter = {
  keys: (carrier: Record<string, unknown>) => Object.keys(carrier),
  get: (carrier: Record<string, string | string[] | undefined>, key: string) => carrier[key],
};

export function createTracing(config: TracingConfig, options: { exportDelayMs?: number } = {}): Tracing {
  installContextManager();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'pwk-apiserver' }),
    sampler: new ParentBasedSampler({
      root: new TraceIdRatioBasedSampler(config.samplingRatePerMillion / 1_000_000),
    }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: config.url }), {
        scheduledDelayMillis: options.exportDelayMs ?? 5000,
      }),
    ],
  });
  return {
    tracer: provider.getTracer('pwk-apiserver'),
    extract: (headers) => propagator.extract(ROOT_CONTEXT, headers, headerGetter),
    shutdown: () => provider.shutdown(),
  };
}
