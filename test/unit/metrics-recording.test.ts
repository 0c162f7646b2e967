import { describe, expect, it } from "vitest";
import { MovableClock } from "../../src/clock.ts";
import { LATENCY_BUCKETS, METRICS } from "../../src/metrics/catalogue.ts";
import { p99, runningTotals, summarise, VERDICT_WINDOW_MS } from "../../src/metrics/dashboard-summary.ts";
import { FLUSH_INTERVAL_MS, MetricsBuffer } from "../../src/metrics/isolate-buffer.ts";
import { MetricSet } from "../../src/metrics/metric-set.ts";
import { methodLabel, routeLabel, UNMATCHED_ROUTE } from "../../src/metrics/route-label.ts";
import { HISTORY_MS, HISTORY_SLOTS, SLOT_MS, SlotHistory, slotStart } from "../../src/metrics/slot-history.ts";

const T0 = 1_800_000_000_000; // a multiple of SLOT_MS

function batch(build: (set: MetricSet) => void) {
  const set = new MetricSet();
  build(set);
  return set.snapshot();
}

describe("MetricsBuffer (src/metrics/isolate-buffer.ts): an isolate sends at most one batch per 5 s", () => {
  it("is due 5 s after the first thing recorded, not before, and starts afresh after", () => {
    const clock = new MovableClock();
    clock.hold();
    const buffer = new MetricsBuffer(() => clock.now());
    expect(buffer.takeIfDue()).toBeNull(); // nothing recorded
    buffer.metrics.add(METRICS.ordersCreated);
    clock.advance(FLUSH_INTERVAL_MS - 1);
    buffer.metrics.add(METRICS.ordersCreated);
    expect(buffer.takeIfDue()).toBeNull();
    clock.advance(1);
    expect(buffer.takeIfDue()?.counters).toEqual([{ name: METRICS.ordersCreated.name, labels: [], value: 2 }]);
    expect(buffer.takeIfDue()).toBeNull();
    clock.advance(FLUSH_INTERVAL_MS * 3); // a quiet isolate: the next window opens with the next record
    buffer.metrics.add(METRICS.ordersCreated);
    expect(buffer.takeIfDue()).toBeNull();
    expect(buffer.take()?.counters[0]?.value).toBe(1);
  });
});

describe("route and method labels (src/metrics/route-label.ts)", () => {
  it("names the pattern of the first route with a method of its own, never the raw path; none is one label", () => {
    const matched = [
      { method: "ALL", path: "/*" },
      { method: "ALL", path: "/api/orders/:id/pay" },
      { method: "POST", path: "/api/orders/:id/pay" },
    ];
    expect(routeLabel(matched)).toBe("/api/orders/:id/pay");
    expect(routeLabel([{ method: "ALL", path: "/*" }])).toBe(UNMATCHED_ROUTE);
    expect(routeLabel([])).toBe(UNMATCHED_ROUTE);
  });

  it("keeps methods to the ones HTTP defines", () => {
    expect(methodLabel("post")).toBe("POST");
    expect(methodLabel("BREW")).toBe("OTHER");
  });
});

describe("SlotHistory (src/metrics/slot-history.ts)", () => {
  it("adds batches to the 10 s slot they arrive in, with stock readings, and keeps one hour", () => {
    const history = new SlotHistory();
    history.record(
      T0 + 1_000,
      batch((s) => s.add(METRICS.checkoutOutcomes, { outcome: "created" }, 3)),
    );
    history.record(
      T0 + 9_999,
      batch((s) => s.add(METRICS.payments, { outcome: "failed" })),
    );
    history.record(
      T0 + SLOT_MS,
      batch((s) => s.observe(METRICS.requestDuration, { method: "GET", route: "/" }, 0.2)),
    );
    history.noteStock(T0 + SLOT_MS, { a: 5 });
    const [first, second] = history.list();
    expect(first).toMatchObject({ at: T0, checkouts: { created: 3 }, payments: { succeeded: 0, failed: 1 } });
    expect(second).toMatchObject({ at: T0 + SLOT_MS, stock: { a: 5 } });
    expect(second!.latency[LATENCY_BUCKETS.indexOf(0.25)]).toBe(1);
    expect(history.prune(T0 + HISTORY_MS - 1)).toEqual([]);
    expect(history.prune(T0 + HISTORY_MS)).toEqual([T0]);
    expect(history.list().map((s) => s.at)).toEqual([T0 + SLOT_MS]);
  });
});

describe("summarise (src/metrics/dashboard-summary.ts): what the dashboard draws", () => {
  it("gives an hour of slots, p99 per slot as histogram_quantile does, orders/s, and gaps as zero or null", () => {
    const history = new SlotHistory();
    const now = T0 + 5 * SLOT_MS + 3_000;
    history.record(
      now,
      batch((s) => {
        for (let i = 0; i < 99; i++) s.observe(METRICS.requestDuration, { method: "POST", route: "/api/checkout" }, 0.05);
        s.observe(METRICS.requestDuration, { method: "POST", route: "/api/checkout" }, 3);
        s.add(METRICS.ordersCreated, {}, 20);
        s.add(METRICS.checkoutOutcomes, { outcome: "created" }, 20);
        s.add(METRICS.checkoutOutcomes, { outcome: "sold_out" }, 50);
      }),
    );
    const summary = summarise(history.list(), runningTotals({ counters: [], histograms: [], gauges: [] }), { a: 7 }, now);
    expect(summary.series.at).toHaveLength(HISTORY_SLOTS);
    expect(summary.series.at.at(-1)).toBe(slotStart(now));
    expect(summary.series.ordersPerSecond.at(-1)).toBe(2);
    expect(summary.series.checkoutsPerSecond.sold_out!.at(-1)).toBe(5);
    expect(summary.series.p99LatencySeconds.at(-1)).toBeCloseTo(0.05, 10);
    expect(summary.series.p99LatencySeconds.at(-2)).toBeNull();
    expect(summary.series.paymentSuccessRate.at(-1)).toBeNull();
    expect(summary.series.stock).toEqual({ a: new Array(HISTORY_SLOTS).fill(null) });
    expect(summary.verdicts.p99Latency.state).toBe("ok");
    expect(summary.verdicts.paymentSuccess.state).toBe("no_data");
    expect(summary.verdicts.couponRedemption.state).toBe("no_data");
  });

  it("judges latency and payments over the last 5 minutes and coupons over the totals", () => {
    const now = T0 + HISTORY_MS / 2;
    const history = new SlotHistory();
    // Long ago: slow, and failing payments; they must not trip the verdicts of now.
    history.record(
      now - VERDICT_WINDOW_MS - SLOT_MS,
      batch((s) => {
        s.observe(METRICS.requestDuration, { method: "GET", route: "/" }, 5);
        s.add(METRICS.payments, { outcome: "failed" }, 100);
      }),
    );
    history.record(
      now,
      batch((s) => {
        s.observe(METRICS.requestDuration, { method: "GET", route: "/" }, 0.01);
        s.add(METRICS.payments, { outcome: "succeeded" }, 1990);
        s.add(METRICS.payments, { outcome: "failed" }, 10);
      }),
    );
    const totals = runningTotals(
      batch((s) => {
        s.add(METRICS.couponsClaimed, {}, 100);
        s.add(METRICS.couponsRedeemed, {}, 40);
      }),
    );
    const { verdicts } = summarise(history.list(), totals, {}, now);
    expect(verdicts.p99Latency.state).toBe("ok");
    expect(verdicts.paymentSuccess).toEqual({ state: "breached", value: 0.995, limit: 0.995 });
    expect(verdicts.couponRedemption).toEqual({ state: "breached", value: 0.4, limit: 0.4 });
  });

  it("p99 of per-bucket counts is the issue's example's 0.5 s when the counts are its", () => {
    const counts = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);
    counts[LATENCY_BUCKETS.indexOf(0.1)] = 50;
    counts[LATENCY_BUCKETS.indexOf(0.25)] = 40;
    counts[LATENCY_BUCKETS.indexOf(0.5)] = 9;
    counts[LATENCY_BUCKETS.indexOf(1)] = 1;
    expect(p99(counts)).toBeCloseTo(0.5, 10);
    expect(p99(new Array<number>(LATENCY_BUCKETS.length + 1).fill(0))).toBeNaN();
  });
});
