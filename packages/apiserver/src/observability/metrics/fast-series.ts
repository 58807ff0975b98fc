/**
 * Counters and histograms for the request hot path, exposed through a prom-client Registry.
 * Hand-written because prom-client's children re-validate and re-hash their label object on
 * every `inc`/`observe` (measured: ~4.5 µs for one request's five observations, against a GET
 * that costs ~70 µs of CPU in all); here a child is a plain object holding its label values and
 * its numbers, resolved once per label combination, so recording is a few additions. The
 * registry only needs `name`, `help`, `type` and `get()` from a metric (prom-client's
 * collector contract), and formats the exposition itself.
 */
import type { Metric, Registry } from 'prom-client';

interface Collected {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  values: Array<{ labels: Record<string, string | number>; value: number; metricName?: string }>;
}

function labelObject(names: readonly string[], values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  names.forEach((name, i) => (labels[name] = values[i] ?? ''));
  return labels;
}

export interface CounterChild {
  inc(by?: number): void;
}

export class FastCounter {
  readonly type = 'counter';
  readonly aggregator = 'sum';
  private readonly children = new Map<string, { values: string[]; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** The child of these label values (in labelNames' order), created once. */
  child(values: string[]): CounterChild {
    const key = values.join('\u0000');
    let child = this.children.get(key);
    if (!child) {
      child = { values, count: 0 };
      this.children.set(key, child);
    }
    const c = child;
    return {
      inc: (by = 1) => {
        c.count += by;
      },
    };
  }

  async get(): Promise<Collected> {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [...this.children.values()].map((c) => ({
        labels: labelObject(this.labelNames, c.values),
        value: c.count,
      })),
    };
  }

  reset(): void {
    for (const child of this.children.values()) child.count = 0;
  }
}

export interface HistogramChild {
  observe(value: number): void;
}

interface HistogramSeries {
  values: string[];
  /** Per bucket, not cumulative; the last slot is +Inf. */
  buckets: Float64Array;
  sum: number;
  count: number;
}

export class FastHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly children = new Map<string, HistogramSeries>();

  readonly name: string;
  readonly help: string;
  private readonly labelNames: readonly string[];
  private readonly upperBounds: readonly number[];

  constructor(options: {
    name: string;
    help: string;
    labelNames: readonly string[];
    buckets: readonly number[];
    registry: Registry;
  }) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    this.upperBounds = options.buckets;
    options.registry.registerMetric(this as unknown as Metric);
  }

  child(values: string[]): HistogramChild {
    const key = values.join('\u0000');
    let series = this.children.get(key);
    if (!series) {
      series = { values, buckets: new Float64Array(this.upperBounds.length + 1), sum: 0, count: 0 };
      this.children.set(key, series);
    }
    const s = series;
    const bounds = this.upperBounds;
    return {
      observe(value: number) {
        let i = 0;
        while (i < bounds.length && value > bounds[i]!) i++;
        s.buckets[i]! += 1;
        s.sum += value;
        s.count += 1;
      },
    };
  }

  async get(): Promise<Collected> {
    const values: Collected['values'] = [];
    for (const series of this.children.values()) {
      // A child resolved ahead of use (e.g. a watch's SLI series) is not a series yet.
      if (series.count === 0) continue;
      const labels = labelObject(this.labelNames, series.values);
      let cumulative = 0;
      this.upperBounds.forEach((le, i) => {
        cumulative += series.buckets[i]!;
        values.push({ labels: { ...labels, le }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({
        labels: { ...labels, le: '+Inf' },
        value: series.count,
        metricName: `${this.name}_bucket`,
      });
      values.push({ labels, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: series.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    for (const series of this.children.values()) {
      series.buckets.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }
}
