/**
 * Records every request in kube-apiserver's request metrics (request-metrics.ts), as k8s'
 * InstrumentRouteFunc and the in-flight, long-running and termination recorders do: the clock
 * starts when the request arrives (kube's request-received timestamp), the request counts as
 * executing until its response closes (watches as long-running instead), and on close it is
 * counted with its code, latency and size. The scrape and health paths are not counted (kube
 * serves them outside its instrumented routes), nor resources this server does not serve (kube
 * has no route to instrument for them), so a client cannot mint new series.
 */
import { header, requestQuery } from './exchange';
import type { ApiRequest, ApiResponse, Next } from './exchange';
import { READ_ONLY_VERBS } from '../auth/request-attributes';
import type { RequestAttributes } from '../auth/request-attributes';
import type { RequestMetrics } from '../observability/metrics/request-metrics';
import { metricDryRun, requestLabels } from '../observability/metrics/request-labels';
import type { RequestLabels } from '../observability/metrics/request-labels';
import { attributesOf, isLongRunning } from './request-info';

export interface InstrumentRequestsOptions {
  metrics: RequestMetrics;
  /** Whether a resource request names a resource this server serves. */
  serves(attributes: RequestAttributes & { resourceRequest: true }): boolean;
}

/** Set by the filters that answer in self-defense (429, 504) or cut a half-sent answer. */
const TERMINATED = 'metricsTerminated';
const ABORTED = 'metricsAborted';

/** The timeout or in-flight filter answered this request itself, with `code`. */
export function markTerminated(res: ApiResponse, code: number): void {
  res.locals[TERMINATED] = code;
}

/** The request was cut off after part of its answer was sent. */
export function markAborted(res: ApiResponse): void {
  res.locals[ABORTED] = true;
}

const UNCOUNTED_PATHS = ['/metrics', '/healthz', '/livez', '/readyz'];

function isCounted(attributes: RequestAttributes, options: InstrumentRequestsOptions): boolean {
  if (attributes.resourceRequest) return options.serves(attributes);
  const { path } = attributes;
  return !UNCOUNTED_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
}

function labelsOf(req: ApiRequest, attributes: RequestAttributes): RequestLabels {
  const watch = requestQuery(req).watch as string | string[] | undefined;
  return requestLabels({
    method: req.method,
    attributes,
    watchParam: Array.isArray(watch) ? watch[0] : watch,
    contentType: header(req, 'content-type'),
  });
}

export function instrumentRequests(options: InstrumentRequestsOptions) {
  const { metrics } = options;
  return (req: ApiRequest, res: ApiResponse, next: Next): void => {
    const started = process.hrtime.bigint();
    const attributes = attributesOf(req, res);
    if (!isCounted(attributes, options)) return next();
    const longRunning = isLongRunning(attributes);
    const kind = READ_ONLY_VERBS.has(attributes.verb) ? 'readOnly' : 'mutating';
    let endLongRunning: (() => void) | undefined;
    if (longRunning) endLongRunning = metrics.longRunningStarted(labelsOf(req, attributes));
    else metrics.started(kind);
    res.once('close', () => {
      if (endLongRunning) endLongRunning();
      else metrics.finished(kind);
      const labels = labelsOf(req, attributes);
      const terminated = res.locals[TERMINATED] as number | undefined;
      if (terminated !== undefined) metrics.terminated(labels, terminated);
      if (res.locals[ABORTED] === true) metrics.aborted(labels);
      metrics.completed({
        labels,
        dryRun: metricDryRun(requestQuery(req).dryRun as string | string[] | undefined),
        code: res.statusCode,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        responseBytes: Number(res.getHeader('content-length') ?? 0) || 0,
        longRunning,
      });
    });
    next();
  };
}
