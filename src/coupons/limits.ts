/**
 * Coupon bounds and kinds without zod (issue 14): the pages price with discount.ts, and page
 * scripts may not bundle zod (the pages' CSP forbids the eval it uses).
 */
export const COUPON_LIMITS = {
  /** One template's pool: a festival hands out millions, not billions. */
  maxQuantity: 10_000_000,
  maxPerShopper: 100,
  /** Coupons one order may carry, when every one of them is stackable. */
  maxPerOrder: 3,
  maxSkus: 200,
} as const;

export type CouponType = "amount_off" | "percent_off";
