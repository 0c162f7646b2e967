import { definitionNamed, type MetricDefinition } from "./catalogue.ts";

/** One counter series: a metric's name, its label values (in the definition's order), its value. */
export interface CounterSample {
  name: string;
  labels: string[];
  value: number;
}

/** One histogram series: observations per bucket (not cumulative; the last is `+Inf`'s own) and their sum. */
export interface HistogramSample {
  name: string;
  labels: string[];
  counts: number[];
  sum: number;
}

/** One gauge series: its latest value. */
export interface GaugeSample {
  name: string;
  labels: string[];
  value: number;
}

/**
 * A set of series as plain data: what an isolate sends to the metrics object, what the object
 * stores, and what the exposition and the dashboard read. Structured-cloneable (RPC, storage).
 */
export interface MetricsSnapshot {
  counters: CounterSample[];
  histograms: HistogramSample[];
  gauges: GaugeSample[];
}

/**
 * Series per metric beyond which new label combinations share one overflow series: labels are
 * normalised before they get here (route patterns, error codes), and this is the backstop that
 * keeps a mistake or a hostile input from growing memory, storage and the scrape without bound.
 */
export const MAX_SERIES_PER_METRIC = 200;
export const OVERFLOW_LABEL = "_overflow";
/** Longer label values are cut: a label is a name, not a payload. */
export const MAX_LABEL_LENGTH = 128;

type Labels = Readonly<Record<string, string>>;

interface Series<T> {
  labels: string[];
  data: T;
}

interface HistogramData {
  counts: number[];
  sum: number;
}

/**
 * Counters, histograms and gauges with labels, bounded per metric (MAX_SERIES_PER_METRIC), and
 * mergeable: counters and histograms add up, a gauge takes the value merged last. An isolate
 * aggregates its requests into one, the metrics object merges the isolates' batches into its
 * totals and into the current slot of its history.
 */
export class MetricSet {
  private readonly counters = new Map<string, Map<string, Series<number>>>();
  private readonly histograms = new Map<string, Map<string, Series<HistogramData>>>();
  private readonly gauges = new Map<string, Map<string, Series<number>>>();

  static from(snapshot: MetricsSnapshot): MetricSet {
    const set = new MetricSet();
    set.merge(snapshot);
    return set;
  }

  /** Adds `by` (≥ 0) to a counter. */
  add(metric: MetricDefinition, labels: Labels = {}, by = 1): void {
    if (metric.type !== "counter") throw new TypeError(`${metric.name} is a ${metric.type}, not a counter`);
    if (!(by >= 0)) return; // a counter only goes up; NaN is nothing
    const series = this.series(this.counters, metric, valuesOf(metric, labels), () => 0);
    series.data += by;
  }

  /** Records one observation (seconds, for latency) in a histogram. */
  observe(metric: MetricDefinition, labels: Labels, value: number): void {
    if (metric.type !== "histogram") throw new TypeError(`${metric.name} is a ${metric.type}, not a histogram`);
    if (!Number.isFinite(value)) return;
    const bounds = metric.buckets ?? [];
    const series = this.series(this.histograms, metric, valuesOf(metric, labels), () => emptyHistogram(bounds.length));
    const index = bounds.findIndex((le) => value <= le);
    series.data.counts[index === -1 ? bounds.length : index]! += 1;
    series.data.sum += value;
  }

  /** Sets a gauge. */
  set(metric: MetricDefinition, labels: Labels, value: number): void {
    if (metric.type !== "gauge") throw new TypeError(`${metric.name} is a ${metric.type}, not a gauge`);
    this.series(this.gauges, metric, valuesOf(metric, labels), () => 0).data = value;
  }

  /**
   * Adds another set's counters and histograms to this one's and takes its gauges. A sample
   * of a metric not in the catalogue, or a histogram of other buckets (the code changed while
   * an object kept older totals), is left out rather than merged into the wrong thing.
   */
  merge(other: MetricsSnapshot): void {
    for (const sample of other.counters) {
      const metric = definitionNamed(sample.name);
      if (metric?.type === "counter" && sample.value >= 0) {
        this.series(this.counters, metric, sample.labels, () => 0).data += sample.value;
      }
    }
    for (const sample of other.histograms) {
      const metric = definitionNamed(sample.name);
      const width = (metric?.buckets?.length ?? -1) + 1;
      if (metric?.type !== "histogram" || sample.counts.length !== width) continue;
      const series = this.series(this.histograms, metric, sample.labels, () => emptyHistogram(width - 1));
      sample.counts.forEach((count, i) => {
        series.data.counts[i]! += count;
      });
      series.data.sum += sample.sum;
    }
    for (const sample of other.gauges) {
      const metric = definitionNamed(sample.name);
      if (metric?.type === "gauge") this.series(this.gauges, metric, sample.labels, () => 0).data = sample.value;
    }
  }

  isEmpty(): boolean {
    return this.counters.size === 0 && this.histograms.size === 0 && this.gauges.size === 0;
  }

  /** The series as plain data, a copy: later changes to the set do not reach it. */
  snapshot(): MetricsSnapshot {
    return {
      counters: flatten(this.counters, (name, s) => ({ name, labels: [...s.labels], value: s.data })),
      histograms: flatten(this.histograms, (name, s) => ({ name, labels: [...s.labels], counts: [...s.data.counts], sum: s.data.sum })),
      gauges: flatten(this.gauges, (name, s) => ({ name, labels: [...s.labels], value: s.data })),
    };
  }

  private series<T>(
    table: Map<string, Map<string, Series<T>>>,
    metric: MetricDefinition,
    values: readonly string[],
    empty: () => T,
  ): Series<T> {
    let byLabels = table.get(metric.name);
    if (!byLabels) {
      byLabels = new Map();
      table.set(metric.name, byLabels);
    }
    let labels = metric.labels.map((_, i) => boundedValue(values[i]));
    let key = JSON.stringify(labels);
    let series = byLabels.get(key);
    if (series) return series;
    if (byLabels.size >= MAX_SERIES_PER_METRIC) {
      labels = metric.labels.map(() => OVERFLOW_LABEL);
      key = JSON.stringify(labels);
      series = byLabels.get(key);
      if (series) return series;
    }
    series = { labels, data: empty() };
    byLabels.set(key, series);
    return series;
  }
}

function valuesOf(metric: MetricDefinition, labels: Labels): string[] {
  return metric.labels.map((name) => labels[name] ?? "");
}

function boundedValue(value: string | undefined): string {
  const text = String(value ?? "");
  return text.length > MAX_LABEL_LENGTH ? text.slice(0, MAX_LABEL_LENGTH) : text;
}

function emptyHistogram(finiteBuckets: number): HistogramData {
  return { counts: new Array<number>(finiteBuckets + 1).fill(0), sum: 0 };
}

function flatten<T, S>(table: Map<string, Map<string, Series<T>>>, sample: (name: string, series: Series<T>) => S): S[] {
  return [...table].flatMap(([name, byLabels]) => [...byLabels.values()].map((series) => sample(name, series)));
}
