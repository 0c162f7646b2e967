import type { PromData, PromHistogramData } from "prom2javascript";
import { describe, expect, it } from "vitest";
import { LATENCY_BUCKETS, METRICS, type MetricDefinition } from "../../src/metrics/catalogue.ts";
import { escapeLabelValue, writeExposition } from "../../src/metrics/exposition.ts";
import { histogramQuantile } from "../../src/metrics/histogram-quantile.ts";
import { MAX_SERIES_PER_METRIC, MetricSet, OVERFLOW_LABEL } from "../../src/metrics/metric-set.ts";
import { bucketsOf, parseExposition } from "../support/prometheus-text.ts";

const latency = METRICS.requestDuration;
const checkout = { method: "POST", route: "/api/checkout" };

/** The issue's worked example: 50 at or below 0.1 s, 40 more by 0.25, 9 more by 0.5, 1 more by 1 s. */
const ISSUE_HISTOGRAM: MetricDefinition = {
  name: "issue_latency_seconds",
  type: "histogram",
  help: "issue 13's example",
  labels: [],
  buckets: [0.1, 0.25, 0.5, 1],
};

function issueExample(): MetricSet {
  const set = new MetricSet();
  const observations: [number, number][] = [
    [0.05, 50],
    [0.2, 40],
    [0.4, 9],
    [0.8, 1],
  ];
  for (const [seconds, times] of observations) for (let i = 0; i < times; i++) set.observe(ISSUE_HISTOGRAM, {}, seconds);
  return set;
}

describe("MetricSet (src/metrics/metric-set.ts)", () => {
  it("counts by labels and puts each observation in the first bucket whose bound holds it, the bound included", () => {
    const set = new MetricSet();
    set.add(METRICS.checkoutOutcomes, { outcome: "created" });
    set.add(METRICS.checkoutOutcomes, { outcome: "created" }, 2);
    set.add(METRICS.checkoutOutcomes, { outcome: "sold_out" });
    set.observe(latency, checkout, 0.5);
    set.observe(latency, checkout, 0.5000001);
    set.observe(latency, checkout, 60);
    const { counters, histograms } = set.snapshot();
    expect(counters).toEqual([
      { name: METRICS.checkoutOutcomes.name, labels: ["created"], value: 3 },
      { name: METRICS.checkoutOutcomes.name, labels: ["sold_out"], value: 1 },
    ]);
    const counts = histograms[0]!.counts;
    expect(counts).toHaveLength(LATENCY_BUCKETS.length + 1);
    expect(counts[LATENCY_BUCKETS.indexOf(0.5)]).toBe(1);
    expect(counts[LATENCY_BUCKETS.indexOf(1)]).toBe(1);
    expect(counts.at(-1)).toBe(1); // 60 s: only +Inf holds it
    expect(histograms[0]!.sum).toBeCloseTo(61.0000001, 9);
  });

  it("merges batches: counters and histograms add up, a gauge takes the last value", () => {
    const isolateA = new MetricSet();
    isolateA.add(METRICS.ordersCreated);
    isolateA.observe(latency, checkout, 0.02);
    isolateA.set(METRICS.stock, { sku: "a" }, 10);
    const isolateB = new MetricSet();
    isolateB.add(METRICS.ordersCreated, {}, 4);
    isolateB.observe(latency, checkout, 0.3);
    isolateB.set(METRICS.stock, { sku: "a" }, 7);
    const totals = MetricSet.from(isolateA.snapshot());
    totals.merge(isolateB.snapshot());
    const merged = totals.snapshot();
    expect(merged.counters).toEqual([{ name: METRICS.ordersCreated.name, labels: [], value: 5 }]);
    expect(merged.histograms[0]!.counts.reduce((a, b) => a + b)).toBe(2);
    expect(merged.histograms[0]!.sum).toBeCloseTo(0.32, 10);
    expect(merged.gauges).toEqual([{ name: METRICS.stock.name, labels: ["a"], value: 7 }]);
  });

  it("leaves out samples it cannot merge honestly: unknown names, histograms of other buckets, negative counts", () => {
    const set = new MetricSet();
    set.merge({
      counters: [
        { name: "flashsale_nonsense_total", labels: [], value: 1 },
        { name: METRICS.ordersCreated.name, labels: [], value: -3 },
      ],
      histograms: [{ name: latency.name, labels: ["GET", "/"], counts: [1, 2, 3], sum: 1 }],
      gauges: [],
    });
    expect(set.isEmpty()).toBe(true);
  });

  it("keeps a metric's series bounded: past the cap, new label values share one overflow series", () => {
    const set = new MetricSet();
    for (let i = 0; i < MAX_SERIES_PER_METRIC + 50; i++) set.add(METRICS.checkoutOutcomes, { outcome: `code_${i}` });
    const { counters } = set.snapshot();
    expect(counters).toHaveLength(MAX_SERIES_PER_METRIC + 1);
    expect(counters.find((c) => c.labels[0] === OVERFLOW_LABEL)?.value).toBe(50);
  });

  it("snapshots are copies: the set counting on does not change one already taken", () => {
    const set = new MetricSet();
    set.observe(latency, checkout, 0.01);
    const before = set.snapshot();
    set.observe(latency, checkout, 0.01);
    expect(before.histograms[0]!.counts.reduce((a, b) => a + b)).toBe(1);
  });
});

describe("writeExposition (src/metrics/exposition.ts), read back by a real Prometheus text parser", () => {
  it("writes HELP and TYPE for every metric, _total counters at 0 before anything happened, and parses", async () => {
    const text = writeExposition(new MetricSet().snapshot());
    const families = await parseExposition(text);
    for (const metric of Object.values(METRICS)) {
      expect(families[metric.name]).toMatchObject({ type: metric.type, help: metric.help });
      if (metric.type === "counter") expect(metric.name).toMatch(/_total$/);
      if (metric.type === "histogram") expect(metric.name).toMatch(/_seconds$/);
    }
    expect(families[METRICS.couponsClaimed.name]!.data).toEqual([{ labels: {}, value: 0 }]);
    expect(families[METRICS.checkoutOutcomes.name]!.data).toEqual([]);
  });

  it("writes cumulative buckets per series with +Inf equal to _count, and _sum", async () => {
    const set = new MetricSet();
    for (const seconds of [0.003, 0.04, 0.04, 0.7, 30]) set.observe(latency, checkout, seconds);
    set.observe(latency, { method: "GET", route: "/sales/:sku" }, 0.01);
    const family = (await parseExposition(writeExposition(set.snapshot())))[latency.name]!;
    expect(family.type).toBe("histogram");
    const series = (family.data as PromHistogramData[]).find((s) => s.labels.route === "/api/checkout")!;
    expect(series.labels).toEqual(checkout);
    expect(series.buckets).toMatchObject({ "0.005": 1, "0.05": 3, "0.5": 3, "1": 4, "10": 4, "+Inf": 5 });
    expect(series.count).toBe(5);
    expect(series.sum).toBeCloseTo(30.783, 10);
    const counts = bucketsOf(series).map((b) => b.count);
    expect(counts).toEqual([...counts].sort((a, b) => a - b)); // never decreasing
    expect((family.data as PromHistogramData[]).find((s) => s.labels.route === "/sales/:sku")?.count).toBe(1);
  });

  it("escapes backslashes, double quotes and line feeds in label values so the parser reads them back as they were", async () => {
    const nasty = 'C:\\path "quoted"\nnext line';
    expect(escapeLabelValue(nasty)).toBe('C:\\\\path \\"quoted\\"\\nnext line');
    const set = new MetricSet();
    set.set(METRICS.stock, { sku: nasty }, 3);
    const family = (await parseExposition(writeExposition(set.snapshot())))[METRICS.stock.name]!;
    expect(family.data as PromData[]).toEqual([{ labels: { sku: nasty }, value: 3 }]);
  });

  it("gives the issue's example p99 = 0.5 s and p95 = 0.3889 s through the exposition and histogram_quantile", async () => {
    const text = writeExposition(issueExample().snapshot(), [ISSUE_HISTOGRAM]);
    const [series] = (await parseExposition(text))[ISSUE_HISTOGRAM.name]!.data as PromHistogramData[];
    const buckets = bucketsOf(series!);
    expect(buckets).toEqual([
      { le: 0.1, count: 50 },
      { le: 0.25, count: 90 },
      { le: 0.5, count: 99 },
      { le: 1, count: 100 },
      { le: Number.POSITIVE_INFINITY, count: 100 },
    ]);
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(0.5, 10);
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(0.3889, 4);
  });
});
