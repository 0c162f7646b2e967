import { couponWording } from "../../../src/coupons/coupon-wording.ts";
import { type CouponTerms, priceWithCoupons } from "../../../src/coupons/discount.ts";
import type { CouponView, WalletCoupon } from "./coupon-types.ts";
import { t } from "./i18n.ts";

export type { CouponOffer, CouponView, WalletCoupon } from "./coupon-types.ts";

/**
 * What the pages share about coupons (issue 14): the API's shapes, the words for a coupon's
 * terms, and the price a coupon would make. Prices are previewed with the server's own rules
 * (src/coupons/discount.ts, zod-free); the server prices the order itself when it takes one.
 */

/** "满300减50" / "¥50.00 off orders from ¥300.00", with its cap if it has one ("最高减20元"). */
export function couponHeadline(coupon: CouponView): string {
  const { headline, cap } = couponWording(coupon);
  return cap ? `${t(headline.key, headline.values)} · ${t(cap.key, cap.values)}` : t(headline.key, headline.values);
}

/** Whether the coupon applies to an order of `sku` (no SKUs: every sale). */
export function appliesTo(coupon: Pick<CouponView, "skus">, sku: string): boolean {
  return coupon.skus.length === 0 || coupon.skus.includes(sku);
}

/** A wallet coupon as an order would price it: the pool's hold is not the page's concern, so it never runs out here. */
function termsOf(coupon: WalletCoupon): CouponTerms {
  const { id, templateId, title, type, amountOff, percentOff, maxDiscount, minSpend, skus, stackable } = coupon;
  return { couponId: id, templateId, title, type, amountOff, percentOff, maxDiscount, minSpend, skus, stackable, heldUntil: Infinity };
}

/** What `coupon` alone takes off an order of `sku` costing `subtotal` fen: null when it does not apply (threshold, SKU). */
export function discountWith(coupon: WalletCoupon, sku: string, subtotal: number): number | null {
  const priced = priceWithCoupons(sku, subtotal, [termsOf(coupon)], Date.now());
  return priced.ok ? subtotal - priced.value.totalAmount : null;
}

/**
 * The shopper's best coupon for an order of `sku` costing `subtotal` fen: the usable one that
 * takes most off, the one that runs out first among equals. Null when none applies.
 */
export function bestCoupon(
  wallet: readonly WalletCoupon[],
  sku: string,
  subtotal: number,
): { coupon: WalletCoupon; discount: number; total: number } | null {
  let best: { coupon: WalletCoupon; discount: number; total: number } | null = null;
  for (const coupon of wallet) {
    if (!coupon.usable || !appliesTo(coupon, sku)) continue;
    const discount = discountWith(coupon, sku, subtotal);
    if (discount === null || discount <= 0) continue;
    if (!best || discount > best.discount || (discount === best.discount && coupon.validUntil < best.coupon.validUntil)) {
      best = { coupon, discount, total: subtotal - discount };
    }
  }
  return best;
}
