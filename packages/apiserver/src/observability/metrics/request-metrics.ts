/**
 * kube-apiserver's request metrics, with its names, label sets and buckets
 * (k8s.io/apiserver/pkg/endpoints/metrics/metrics.go): apiserver_request_total,
 * apiserver_request_duration_seconds, apiserver_request_sli_duration_seconds (and the deprecated
 * _slo_ one kube still serves), apiserver_response_sizes, apiserver_current_inflight_requests,
 * apiserver_longrunning_requests, apiserver_request_terminations_total,
 * apiserver_request_aborts_total, apiserver_tls_handshake_errors_total, apiserver_watch_events_*,
 * apiserver_registered_watchers.
 *
 * The hot path records through children looked up once per label combination, in series of our
 * own (fast-series.ts): prom-client's children re-hash their labels on every observation.
 */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { FastCounter, FastHistogram } from './fast-series';
import type { CounterChild, HistogramChild } from './fast-series';
import {
  REQUEST_DURATION_BUCKETS,
  RESPONSE_SIZE_BUCKETS,
  SLI_DURATION_BUCKETS,
  WATCH_EVENT_SIZE_BUCKETS,
} from './buckets';
import type { RequestLabels } from './request-labels';

export const COMPONENT = 'apiserver';

const LABELS = ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;
const WITH_DRY_RUN = [
  'verb',
  'dry_run',
  'group',
  'version',
  'resource',
  'subresource',
  'scope',
  'component',
] as const;

/** The series of one label combination (without code), resolved once. */
interface RouteSeries {
  duration: HistogramChild;
  sli: HistogramChild;
  slo: HistogramChild;
  sizes: HistogramChild;
  totals: Map<number, CounterChild>;
  values: string[];
}

export interface CompletedRequest {
  labels: RequestLabels;
  dryRun: string;
  code: number;
  seconds: number;
  /** Bytes of the body sent; only GET and LIST observe it, as kube does. */
  responseBytes: number;
  /** Watches are kept out of the SLI histograms (kube's WithLatencyTrackers skips them). */
  longRunning: boolean;
}

export class RequestMetrics {
  private readonly total: FastCounter;
  private readonly duration: FastHistogram;
  private readonly sli: FastHistogram;
  private readonly slo: FastHistogram;
  private readonly sizes: FastHistogram;
  private readonly longRunning: Gauge<(typeof LABELS)[number]>;
  private readonly terminations: Counter<(typeof LABELS)[number] | 'code'>;
  private readonly aborts: Counter<'verb' | 'group' | 'version' | 'resource' | 'subresource' | 'scope'>;
  readonly tlsHandshakeErrors: Counter;
  private readonly watchEvents: FastCounter;
  private readonly watchEventSizes: FastHistogram;
  private readonly registeredWatchers: Gauge<'group' | 'version' | 'kind'>;
  private readonly series = new Map<string, RouteSeries>();
  /** Executing requests by kind, and the most seen since the last scrape. */
  private readonly inflight = { readOnly: 0, mutating: 0 };
  private readonly inflightHigh = { readOnly: 0, mutating: 0 };

  constructor(registry: Registry) {
    const registers = [registry];
    this.total = new FastCounter(
      'apiserver_request_total',
      'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
      [...WITH_DRY_RUN, 'code'],
      registry,
    );
    this.duration = new FastHistogram({
      name: 'apiserver_request_duration_seconds',
      help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
      labelNames: WITH_DRY_RUN,
      buckets: REQUEST_DURATION_BUCKETS,
      registry,
    });
    this.sli = new FastHistogram({
      name: 'apiserver_request_sli_duration_seconds',
      help: 'Response latency distribution (not counting webhook duration and priority & fairness queue wait times) in seconds for each verb, group, version, resource, subresource, scope and component.',
      labelNames: LABELS,
      buckets: SLI_DURATION_BUCKETS,
      registry,
    });
    this.slo = new FastHistogram({
      name: 'apiserver_request_slo_duration_seconds',
      help: '(Deprecated since 1.27.0) Response latency distribution (not counting webhook duration and priority & fairness queue wait times) in seconds for each verb, group, version, resource, subresource, scope and component.',
      labelNames: LABELS,
      buckets: SLI_DURATION_BUCKETS,
      registry,
    });
    this.sizes = new FastHistogram({
      name: 'apiserver_response_sizes',
      help: 'Response size distribution in bytes for each group, version, verb, resource, subresource, scope and component.',
      labelNames: LABELS,
      buckets: RESPONSE_SIZE_BUCKETS,
      registry,
    });
    const { inflight, inflightHigh } = this;
    new Gauge({
      name: 'apiserver_current_inflight_requests',
      help: 'Maximal number of currently used inflight request limit of this apiserver per request kind in last second.',
      labelNames: ['request_kind'],
      registers,
      collect() {
        this.set({ request_kind: 'readOnly' }, Math.max(inflight.readOnly, inflightHigh.readOnly));
        this.set({ request_kind: 'mutating' }, Math.max(inflight.mutating, inflightHigh.mutating));
        inflightHigh.readOnly = inflight.readOnly;
        inflightHigh.mutating = inflight.mutating;
      },
    });
    this.longRunning = new Gauge({
      name: 'apiserver_longrunning_requests',
      help: 'Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.',
      labelNames: [...LABELS],
      registers,
    });
    this.terminations = new Counter({
      name: 'apiserver_request_terminations_total',
      help: 'Number of requests which apiserver terminated in self-defense.',
      labelNames: [...LABELS, 'code'],
      registers,
    });
    this.aborts = new Counter({
      name: 'apiserver_request_aborts_total',
      help: 'Number of requests which apiserver aborted possibly due to a timeout, for each group, version, verb, resource, subresource and scope',
      labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope'],
      registers,
    });
    this.tlsHandshakeErrors = new Counter({
      name: 'apiserver_tls_handshake_errors_total',
      help: "Number of requests dropped with 'TLS handshake error from' error",
      registers,
    });
    // Every event to every watcher is counted: these are on the watch fan-out's hot path.
    this.watchEvents = new FastCounter(
      'apiserver_watch_events_total',
      'Number of events sent in watch clients',
      ['group', 'version', 'kind'],
      registry,
    );
    this.watchEventSizes = new FastHistogram({
      name: 'apiserver_watch_events_sizes',
      help: 'Watch event size distribution in bytes',
      labelNames: ['group', 'version', 'kind'],
      buckets: WATCH_EVENT_SIZE_BUCKETS,
      registry,
    });
    this.registeredWatchers = new Gauge({
      name: 'apiserver_registered_watchers',
      help: 'Number of currently registered watchers for a given resources',
      labelNames: ['group', 'version', 'kind'],
      registers,
    });
  }

  /** A request started executing (not a long-running one). */
  started(kind: 'readOnly' | 'mutating'): void {
    const now = ++this.inflight[kind];
    if (now > this.inflightHigh[kind]) this.inflightHigh[kind] = now;
  }

  finished(kind: 'readOnly' | 'mutating'): void {
    this.inflight[kind] -= 1;
  }

  /** A long-running request (a watch) began; call the result when it ends. */
  longRunningStarted(labels: RequestLabels): () => void {
    const child = this.longRunning.labels({ ...labels, component: COMPONENT });
    child.inc();
    return () => child.dec();
  }

  /** kube's MonitorRequest. */
  completed(request: CompletedRequest): void {
    const series = this.seriesFor(request.labels, request.dryRun);
    let total = series.totals.get(request.code);
    if (!total) {
      total = this.total.child([...series.values, String(request.code)]);
      series.totals.set(request.code, total);
    }
    total.inc();
    series.duration.observe(request.seconds);
    if (!request.longRunning) {
      series.sli.observe(request.seconds);
      series.slo.observe(request.seconds);
    }
    const { verb } = request.labels;
    if (verb === 'GET' || verb === 'LIST') series.sizes.observe(request.responseBytes);
  }

  /** kube's RecordRequestTermination: a 429 or 504 the server answered in self-defense. */
  terminated(labels: RequestLabels, code: number): void {
    this.terminations.inc({ ...labels, component: COMPONENT, code: String(code) });
  }

  /** kube's RecordRequestAbort: the connection was cut after a partial answer. */
  aborted(labels: RequestLabels): void {
    this.aborts.inc({ ...labels });
  }

  /** The watch metrics of one watched type, their children resolved once. */
  watchesOf(type: WatchedType): WatchMetrics {
    const registered = this.registeredWatchers.labels(type.group, type.version, type.kind);
    const count = this.watchEvents.child([type.group, type.version, type.kind]);
    const size = this.watchEventSizes.child([type.group, type.version, type.kind]);
    return {
      opened() {
        registered.inc();
        return {
          sent(bytes) {
            count.inc();
            size.observe(bytes);
          },
          closed: () => registered.dec(),
        };
      },
    };
  }

  private seriesFor(labels: RequestLabels, dryRun: string): RouteSeries {
    const key = `${labels.verb} ${dryRun} ${labels.group} ${labels.version} ${labels.resource} ${labels.subresource} ${labels.scope}`;
    let series = this.series.get(key);
    if (series) return series;
    const plain = [
      labels.verb,
      labels.group,
      labels.version,
      labels.resource,
      labels.subresource,
      labels.scope,
      COMPONENT,
    ];
    const values = [
      labels.verb,
      dryRun,
      labels.group,
      labels.version,
      labels.resource,
      labels.subresource,
      labels.scope,
      COMPONENT,
    ];
    series = {
      duration: this.duration.child(values),
      sli: this.sli.child(plain),
      slo: this.slo.child(plain),
      sizes: this.sizes.child(plain),
      totals: new Map(),
      values,
    };
    this.series.set(key, series);
    return series;
  }
}

/** What a watch stream reports: opened, each event sent (its bytes), closed. */
export interface WatchMetrics {
  opened(): { sent(bytes: number): void; closed(): void };
}

export interface WatchedType {
  group: string;
  version: string;
  kind: string;
}
