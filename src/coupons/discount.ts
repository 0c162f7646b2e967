import { fail, type Result, succeed } from "../errors.ts";
import { COUPON_LIMITS, type CouponType } from "./limits.ts";

/**
 * What an order needs to know of a coupon held for it: its terms as they were when it was
 * claimed (a team's coupon carries its own amount), and until when the pool holds it for
 * this checkout. The pool hands these out (coupon-pool.ts); the SKU object prices with them.
 */
export interface CouponTerms {
  couponId: string;
  templateId: string;
  title: string;
  type: CouponType;
  amountOff: number;
  percentOff: number;
  maxDiscount: number;
  minSpend: number;
  skus: string[];
  stackable: boolean;
  /** The pool's hold ends here: an order may not take the coupon at or after it (see HOLD_MARGIN_MS). */
  heldUntil: number;
}

/** One coupon's part of an order's price: what Postgres keeps as the order's discount lines. */
export interface DiscountLine {
  couponId: string;
  templateId: string;
  title: string;
  /** Fen taken off by this coupon. */
  amount: number;
}

/**
 * An order refuses a hold this close to its end: the pool resolves a hold at `heldUntil` by
 * asking the SKU object what became of it, and from then on the object must never take it.
 * The margin covers the two objects' clocks and the RPC in flight.
 */
export const HOLD_MARGIN_MS = 5_000;

/**
 * Prices an order of `sku` costing `subtotal` fen with the coupons held for it:
 *
 * - Every coupon must apply to the SKU, its threshold (`minSpend`) is compared with the
 *   subtotal, before any coupon.
 * - One coupon per order unless every coupon is stackable; at most one of each template and
 *   COUPON_LIMITS.maxPerOrder in all.
 * - Amount-off coupons come first, in the order given; percent-off coupons then take their
 *   percent of what is left, each rounded DOWN to whole fen (the shop never gives away a
 *   fraction of a fen) and capped at `maxDiscount`.
 * - A coupon never takes off more than is left: the total never goes below zero, and a
 *   coupon that finds nothing left takes 0 (it is still spent with the order).
 */
export function priceWithCoupons(
  sku: string,
  subtotal: number,
  coupons: readonly CouponTerms[],
  now: number,
): Result<{ discounts: DiscountLine[]; totalAmount: number }> {
  if (coupons.length === 0) return succeed({ discounts: [], totalAmount: subtotal });
  if (coupons.length > COUPON_LIMITS.maxPerOrder) {
    return fail("coupon_not_applicable", `at most ${COUPON_LIMITS.maxPerOrder} coupons per order`);
  }
  if (new Set(coupons.map((c) => c.couponId)).size !== coupons.length) {
    return fail("coupon_not_applicable", "the same coupon is named twice");
  }
  if (new Set(coupons.map((c) => c.templateId)).size !== coupons.length) {
    return fail("coupon_not_applicable", "at most one coupon of each kind per order");
  }
  if (coupons.length > 1) {
    const alone = coupons.find((c) => !c.stackable);
    if (alone) return fail("coupon_not_stackable", `"${alone.title}" cannot be combined with other coupons`, { couponId: alone.couponId });
  }
  for (const coupon of coupons) {
    if (now >= coupon.heldUntil - HOLD_MARGIN_MS) {
      return fail("coupon_unavailable", `the hold on "${coupon.title}" ran out; try again`, { couponId: coupon.couponId });
    }
    if (coupon.skus.length > 0 && !coupon.skus.includes(sku)) {
      return fail("coupon_not_applicable", `"${coupon.title}" does not apply to ${sku}`, { couponId: coupon.couponId });
    }
    if (subtotal < coupon.minSpend) {
      return fail("coupon_not_applicable", `"${coupon.title}" needs an order of at least ${coupon.minSpend} fen`, {
        couponId: coupon.couponId,
        minSpend: coupon.minSpend,
        subtotal,
      });
    }
  }
  const ordered = [...coupons.filter((c) => c.type === "amount_off"), ...coupons.filter((c) => c.type === "percent_off")];
  let left = subtotal;
  const discounts: DiscountLine[] = [];
  for (const coupon of ordered) {
    const amount = Math.min(left, discountOf(coupon, left));
    left -= amount;
    discounts.push({ couponId: coupon.couponId, templateId: coupon.templateId, title: coupon.title, amount });
  }
  return succeed({ discounts, totalAmount: left });
}

/** What one coupon takes off `base` fen, before the never-below-zero clamp. */
export function discountOf(coupon: Pick<CouponTerms, "type" | "amountOff" | "percentOff" | "maxDiscount">, base: number): number {
  if (coupon.type === "amount_off") return coupon.amountOff;
  const off = Math.floor((base * coupon.percentOff) / 100);
  return coupon.maxDiscount > 0 ? Math.min(off, coupon.maxDiscount) : off;
}
