/**
 * The seed's health thresholds (PRODUCT.md row 10) as one pure rule each: what the dashboard
 * draws and colours. Each is strict, so the limit itself trips it: a p99 of exactly 500 ms is
 * a breach, and so is a payment success rate of exactly 99.5 % (1,990 of 2,000) or a coupon
 * redemption rate of exactly 40 %. Rates are compared in whole numbers (per mille, per cent),
 * so 1,990 / 2,000 cannot land on either side of 0.995 by a rounding error.
 */
export const THRESHOLDS = {
  /** p99 request latency must stay below this, in seconds. */
  p99LatencySeconds: 0.5,
  /** Payments succeeded / (succeeded + failed) must stay above this. */
  paymentSuccessRate: 0.995,
  /** Coupons redeemed / claimed must stay above this. */
  couponRedemptionRate: 0.4,
} as const;

/** `no_data`: nothing to judge yet (no requests, no payments, no coupons claimed). */
export type VerdictState = "ok" | "breached" | "no_data";

export interface Verdict {
  state: VerdictState;
  /** The figure judged (seconds or a rate 0..1), null without data. */
  value: number | null;
  /** The threshold it is judged against. */
  limit: number;
}

/** p99 latency (seconds, NaN when nothing was observed) must be below 0.5 s. */
export function latencyVerdict(p99Seconds: number): Verdict {
  const limit = THRESHOLDS.p99LatencySeconds;
  if (!Number.isFinite(p99Seconds)) return { state: "no_data", value: null, limit };
  return { state: p99Seconds < limit ? "ok" : "breached", value: p99Seconds, limit };
}

/** succeeded / (succeeded + failed) must be above 99.5 %; no payments yet is no verdict. */
export function paymentVerdict(succeeded: number, failed: number): Verdict {
  const limit = THRESHOLDS.paymentSuccessRate;
  const attempts = succeeded + failed;
  if (!(attempts > 0)) return { state: "no_data", value: null, limit };
  // succeeded / attempts > 995 / 1000, in integers.
  return { state: succeeded * 1000 > 995 * attempts ? "ok" : "breached", value: succeeded / attempts, limit };
}

/** redeemed / claimed must be above 40 %; no coupons claimed yet is no data. */
export function couponVerdict(claimed: number, redeemed: number): Verdict {
  const limit = THRESHOLDS.couponRedemptionRate;
  if (!(claimed > 0)) return { state: "no_data", value: null, limit };
  // redeemed / claimed > 40 / 100, in integers.
  return { state: redeemed * 100 > 40 * claimed ? "ok" : "breached", value: redeemed / claimed, limit };
}
