import { METRICS, type MetricDefinition } from "./catalogue.ts";
import type { MetricsSnapshot } from "./metric-set.ts";

/** The content type of Prometheus's text exposition format, version 0.0.4. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * The Prometheus text exposition (format 0.0.4) of a snapshot, every metric of the catalogue in
 * its order with its `# HELP` and `# TYPE` lines. A counter without labels is written as 0 when
 * nothing was counted yet (no coupons yet reads "0 claimed", not "no such metric"); a labelled
 * metric with no series has its two comment lines only. Histograms are cumulative: each
 * `_bucket{le}` counts the observations at or below its bound, `le="+Inf"` all of them, equal
 * to `_count`; then `_sum`. Written here rather than with prom-client, which does not bundle
 * for workerd; a real parser reads it back in the tests.
 */
export function writeExposition(snapshot: MetricsSnapshot, metrics: readonly MetricDefinition[] = Object.values(METRICS)): string {
  const lines: string[] = [];
  for (const metric of metrics) {
    lines.push(`# HELP ${metric.name} ${escapeHelp(metric.help)}`, `# TYPE ${metric.name} ${metric.type}`);
    if (metric.type === "histogram") lines.push(...histogramLines(metric, snapshot));
    else lines.push(...valueLines(metric, snapshot));
  }
  return `${lines.join("\n")}\n`;
}

function valueLines(metric: MetricDefinition, snapshot: MetricsSnapshot): string[] {
  const samples = (metric.type === "counter" ? snapshot.counters : snapshot.gauges).filter((s) => s.name === metric.name);
  if (samples.length === 0 && metric.type === "counter" && metric.labels.length === 0) return [`${metric.name} 0`];
  return sortedByLabels(samples).map((s) => `${metric.name}${labelSet(metric.labels, s.labels)} ${formatNumber(s.value)}`);
}

function histogramLines(metric: MetricDefinition, snapshot: MetricsSnapshot): string[] {
  const bounds = metric.buckets ?? [];
  const lines: string[] = [];
  for (const sample of sortedByLabels(snapshot.histograms.filter((s) => s.name === metric.name))) {
    let cumulative = 0;
    [...bounds, Number.POSITIVE_INFINITY].forEach((le, i) => {
      cumulative += sample.counts[i] ?? 0;
      const labels = labelSet([...metric.labels, "le"], [...sample.labels, formatNumber(le)]);
      lines.push(`${metric.name}_bucket${labels} ${cumulative}`);
    });
    const labels = labelSet(metric.labels, sample.labels);
    lines.push(`${metric.name}_sum${labels} ${formatNumber(sample.sum)}`, `${metric.name}_count${labels} ${cumulative}`);
  }
  return lines;
}

/** `{a="x",b="y"}`, or nothing without labels. */
function labelSet(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return "";
  return `{${names.map((name, i) => `${name}="${escapeLabelValue(values[i] ?? "")}"`).join(",")}}`;
}

/** A label value as the format quotes it: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Help text: backslash and line feed escaped (a quote needs none there). */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** A sample value or bound as the format spells it: `+Inf`, `-Inf`, `NaN`, or the number. */
export function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  if (Number.isNaN(value)) return "NaN";
  return String(value);
}

function sortedByLabels<S extends { labels: string[] }>(samples: S[]): S[] {
  return [...samples].sort((a, b) => {
    const left = JSON.stringify(a.labels);
    const right = JSON.stringify(b.labels);
    return left < right ? -1 : left > right ? 1 : 0;
  });
}
