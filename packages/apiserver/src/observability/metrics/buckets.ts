/** Bucket layouts exactly as kube-apiserver's metrics declare them (k8s.io/apiserver, component-base). */

/** apiserver_request_duration_seconds, etcd_request_duration_seconds. */
export const REQUEST_DURATION_BUCKETS = [
  0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60,
];

/** apiserver_request_sli_duration_seconds (and the deprecated _slo_ one). */
export const SLI_DURATION_BUCKETS = [
  0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60,
];

/** component-base's ExponentialBuckets(start, factor, count). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}

/** apiserver_response_sizes: 1 kB to 1 GB. */
export const RESPONSE_SIZE_BUCKETS = exponentialBuckets(1000, 10, 7);

/** apiserver_watch_events_sizes: 1 KiB to 128 KiB. */
export const WATCH_EVENT_SIZE_BUCKETS = exponentialBuckets(1024, 2, 8);

/** kube's webhook and authentication latencies (prometheus.DefBuckets-like, component-base). */
export const WEBHOOK_DURATION_BUCKETS = [0.005, 0.025, 0.1, 0.5, 1.0, 2.5];
