import type { DashboardSummary } from "../../../src/metrics/dashboard-summary.ts";
import type { DashboardWords } from "../../../src/metrics/dashboard-words.ts";
import type { ChartLine } from "./live-chart.ts";

const THRESHOLD_COLOUR = "#c62828";
const PALETTE = ["#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#4e342e", "#546e7a"];
/** Checkouts that made (or found) an order are drawn green-blue; refusals in the rest of the palette. */
const OUTCOME_COLOURS: Record<string, string> = { created: "#2e7d32", replayed: "#00838f", sold_out: "#ef6c00" };

const constant = (value: number, length: number) => new Array<number>(length).fill(value);
const scaled = (values: (number | null)[], by: number) => values.map((v) => (v === null ? null : v * by));

/**
 * Each chart's lines from the summary: the figure, and for the three with a threshold, the
 * threshold as a dashed red line at its value, so a breach shows where it crosses.
 */
export function chartLines(summary: DashboardSummary, words: DashboardWords): Record<string, ChartLine[]> {
  const { series, thresholds } = summary;
  const n = series.at.length;
  const limit = (value: number): ChartLine => ({
    key: "limit",
    label: words.series_limit,
    values: constant(value, n),
    color: THRESHOLD_COLOUR,
    threshold: true,
  });
  const outcomes = Object.keys(series.checkoutsPerSecond).sort();
  return {
    "chart-latency": [
      { key: "p99", label: words.series_p99, values: series.p99LatencySeconds, color: PALETTE[0]! },
      limit(thresholds.p99LatencySeconds),
    ],
    "chart-checkouts": outcomes.map((outcome, i) => ({
      key: outcome,
      label: outcome,
      values: series.checkoutsPerSecond[outcome]!,
      color: OUTCOME_COLOURS[outcome] ?? PALETTE[(i + 3) % PALETTE.length]!,
    })),
    "chart-orders": [{ key: "orders", label: words.series_orders, values: series.ordersPerSecond, color: PALETTE[1]! }],
    "chart-payments": [
      { key: "payments", label: words.series_payments, values: scaled(series.paymentSuccessRate, 100), color: PALETTE[0]! },
      limit(thresholds.paymentSuccessRate * 100),
    ],
    "chart-coupons": [
      { key: "coupons", label: words.series_coupons, values: scaled(series.couponRedemptionRate, 100), color: PALETTE[3]! },
      limit(thresholds.couponRedemptionRate * 100),
    ],
    "chart-stock": Object.keys(series.stock)
      .sort()
      .map((sku, i) => ({ key: sku, label: sku, values: series.stock[sku]!, color: PALETTE[i % PALETTE.length]! })),
  };
}

/** How each chart's axis and legend print a value. */
export const CHART_UNITS: Record<string, (value: number) => string> = {
  "chart-latency": (s) => `${Number(s.toFixed(3))} s`,
  "chart-checkouts": (v) => `${Number(v.toFixed(2))}/s`,
  "chart-orders": (v) => `${Number(v.toFixed(2))}/s`,
  "chart-payments": (v) => `${Number(v.toFixed(2))} %`,
  "chart-coupons": (v) => `${Number(v.toFixed(1))} %`,
  "chart-stock": (v) => String(Math.round(v)),
};
