import { LATENCY_BUCKETS } from "./catalogue.ts";
import { histogramQuantile } from "./histogram-quantile.ts";
import type { MetricsSnapshot } from "./metric-set.ts";
import { HISTORY_SLOTS, SLOT_MS, addToSlot, emptySlot, slotStart, type SlotFigures } from "./slot-history.ts";
import { THRESHOLDS, couponVerdict, latencyVerdict, paymentVerdict, type Verdict } from "./thresholds.ts";

/** The recent window the latency and payment verdicts judge: 5 minutes, like a `[5m]` range in PromQL. */
export const VERDICT_WINDOW_MS = 300_000;

/** Totals since counting began, as the metrics object keeps them. */
export interface RunningTotals {
  orders: number;
  payments: { succeeded: number; failed: number };
  coupons: { claimed: number; redeemed: number };
  checkouts: Record<string, number>;
}

/** The running totals of the metrics object's cumulative series. */
export function runningTotals(totals: MetricsSnapshot): RunningTotals {
  const { orders, payments, coupons, checkouts } = emptySlot(0);
  const sum = { at: 0, latency: [], stock: {}, orders, payments, coupons, checkouts };
  addToSlot(sum, totals);
  return { orders: sum.orders, payments: sum.payments, coupons: sum.coupons, checkouts: sum.checkouts };
}

/**
 * What `/admin/dashboard` draws (GET /admin/api/metrics/summary): the last hour in 10 s slots,
 * oldest first (a slot nothing happened in is there too: zero, or null where a figure has no
 * meaning without data), and the three thresholds' verdicts.
 */
export interface DashboardSummary {
  generatedAt: number;
  slotSeconds: number;
  thresholds: typeof THRESHOLDS;
  verdicts: { p99Latency: Verdict; paymentSuccess: Verdict; couponRedemption: Verdict };
  series: {
    /** Each slot's start, epoch ms. */
    at: number[];
    p99LatencySeconds: (number | null)[];
    ordersPerSecond: number[];
    paymentSuccessRate: (number | null)[];
    couponRedemptionRate: (number | null)[];
    /** Checkout outcomes per second, by outcome. */
    checkoutsPerSecond: Record<string, number[]>;
    /** Units left per SKU where they were read (null: not read in that slot). */
    stock: Record<string, (number | null)[]>;
  };
  /** Units left per configured SKU now. */
  stockNow: Record<string, number>;
  totals: RunningTotals;
}

/**
 * The summary at `now`: series from the slots, the latency and payment verdicts over the last
 * 5 minutes (an alert about now, not about an hour ago), the coupon verdict over the totals
 * (coupons are redeemed long after they are claimed: a window would judge claims whose
 * redemptions have not come yet).
 */
export function summarise(
  slots: readonly SlotFigures[],
  totals: RunningTotals,
  stockNow: Record<string, number>,
  now: number,
): DashboardSummary {
  const bySlot = new Map(slots.map((slot) => [slot.at, slot]));
  const last = slotStart(now);
  const timeline = Array.from({ length: HISTORY_SLOTS }, (_, i) => last - (HISTORY_SLOTS - 1 - i) * SLOT_MS);
  const filled = timeline.map((at) => bySlot.get(at) ?? emptySlot(at));
  const perSecond = (n: number) => n / (SLOT_MS / 1000);
  const outcomes = [...new Set(filled.flatMap((slot) => Object.keys(slot.checkouts)))].sort();
  const skus = [...new Set([...filled.flatMap((slot) => Object.keys(slot.stock)), ...Object.keys(stockNow)])].sort();

  const recent = filled.filter((slot) => slot.at > now - VERDICT_WINDOW_MS);
  const recentLatency = sumLatency(recent);
  const recentPayments = recent.reduce((sum, slot) => ({ s: sum.s + slot.payments.succeeded, f: sum.f + slot.payments.failed }), {
    s: 0,
    f: 0,
  });

  return {
    generatedAt: now,
    slotSeconds: SLOT_MS / 1000,
    thresholds: THRESHOLDS,
    verdicts: {
      p99Latency: latencyVerdict(p99(recentLatency)),
      paymentSuccess: paymentVerdict(recentPayments.s, recentPayments.f),
      couponRedemption: couponVerdict(totals.coupons.claimed, totals.coupons.redeemed),
    },
    series: {
      at: timeline,
      p99LatencySeconds: filled.map((slot) => nullWhenNaN(p99(slot.latency))),
      ordersPerSecond: filled.map((slot) => perSecond(slot.orders)),
      paymentSuccessRate: filled.map((slot) => paymentVerdict(slot.payments.succeeded, slot.payments.failed).value),
      couponRedemptionRate: filled.map((slot) => couponVerdict(slot.coupons.claimed, slot.coupons.redeemed).value),
      checkoutsPerSecond: Object.fromEntries(
        outcomes.map((outcome) => [outcome, filled.map((slot) => perSecond(slot.checkouts[outcome] ?? 0))]),
      ),
      stock: Object.fromEntries(skus.map((sku) => [sku, filled.map((slot) => slot.stock[sku] ?? null)])),
    },
    stockNow,
    totals,
  };
}

/** p99 of per-bucket latency counts, as Prometheus's histogram_quantile would answer it; NaN without observations. */
export function p99(latency: readonly number[]): number {
  let cumulative = 0;
  const buckets = [...LATENCY_BUCKETS, Number.POSITIVE_INFINITY].map((le, i) => {
    cumulative += latency[i] ?? 0;
    return { le, count: cumulative };
  });
  return histogramQuantile(0.99, buckets);
}

function sumLatency(slots: readonly SlotFigures[]): number[] {
  const sum = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);
  for (const slot of slots) {
    slot.latency.forEach((count, i) => {
      sum[i] = (sum[i] ?? 0) + count;
    });
  }
  return sum;
}

function nullWhenNaN(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
