import { fail, type Result, succeed } from "../errors.ts";
import type { CouponTemplate } from "./coupon-template.ts";
import type { CouponTerms } from "./discount.ts";

/**
 * One coupon a shopper holds, as its template's pool keeps it (issue 14). Its life is the
 * checkout's TCC seen from the coupon:
 *
 *   available ──Try (reserve for a checkout)──▶ held ──Confirm (order paid)──▶ used
 *       ▲                                        │
 *       └──────Cancel, expiry, a failed Try──────┘
 *
 * A hold names its checkout: the SKU and the shopper's Idempotency-Key, the identity an
 * order has in its SKU object. A coupon held by one checkout cannot be held by another until
 * it is given back; giving back and spending happen once each, whoever asks twice.
 */
export type CouponStatus = "available" | "held" | "used";

export interface CouponHold {
  sku: string;
  idempotencyKey: string;
  /** When the pool asks the SKU object what became of the checkout (see coupon-pool's settle). */
  until: number;
}

export interface Coupon {
  id: string;
  templateId: string;
  shopperId: string;
  claimedAt: number;
  /** A team's coupon (a red packet share) carries its own amount; null: the template's. */
  amountOff: number | null;
  validUntil: number;
  status: CouponStatus;
  hold: CouponHold | null;
  /** The order that spent it. */
  orderId: string | null;
  usedAt: number | null;
  /** A store coupon (issue 15): the stores it is redeemable in, stamped at claim from its livestream; null online. */
  stores: string[] | null;
  /** The livestream it was claimed through; null when not. */
  livestreamId: string | null;
  /** A store coupon's short code (src/coupons/short-code.ts, canonical form), unique in its pool; null online. */
  shortCode: string | null;
  /** When and in which store it was redeemed (status "used"); null until then. */
  redeemedAt: number | null;
  redeemedStoreId: string | null;
}

/** The fields issue 15 added, as a coupon stored before them reads them. */
const BEFORE_STORES = { stores: null, livestreamId: null, shortCode: null, redeemedAt: null, redeemedStoreId: null } as const;

/** A coupon as a pool stored it, whenever that was: coupons kept before issue 15 get its fields as null. */
export function storedCoupon(stored: Omit<Coupon, keyof typeof BEFORE_STORES> & Partial<Coupon>): Coupon {
  return { ...BEFORE_STORES, ...stored };
}

/** How long a fresh hold lasts before the pool asks the SKU object about it: far longer than a Try takes. */
export const FIRST_HOLD_MS = 60_000;

/** After an order's own hold runs out, the pool waits this much more before settling (clocks, alarms). */
export const SETTLE_GRACE_MS = 10_000;

/** `cpn_<template>_<random>`: the id names its template, so any Worker can route it to the pool. */
const COUPON_ID = /^cpn_([a-z0-9][a-z0-9-]{1,39})_([0-9a-z]{12,32})$/;

export function newCouponId(templateId: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `cpn_${templateId}_${Array.from(bytes, (b) => (b % 36).toString(36)).join("")}`;
}

/** The template a coupon id belongs to, or null when the id is not one of ours. */
export function templateOfCouponId(id: string): string | null {
  return COUPON_ID.exec(id)?.[1] ?? null;
}

/** Whether two holds name the same checkout. */
export function sameCheckout(a: Pick<CouponHold, "sku" | "idempotencyKey">, b: Pick<CouponHold, "sku" | "idempotencyKey">): boolean {
  return a.sku === b.sku && a.idempotencyKey === b.idempotencyKey;
}

/** The terms an order prices with. */
export function termsOf(coupon: Coupon, template: CouponTemplate, heldUntil: number): CouponTerms {
  return {
    couponId: coupon.id,
    templateId: template.id,
    title: template.title,
    type: coupon.amountOff === null ? template.type : "amount_off",
    amountOff: coupon.amountOff ?? template.amountOff,
    percentOff: coupon.amountOff === null ? template.percentOff : 0,
    maxDiscount: template.maxDiscount,
    minSpend: template.minSpend,
    skus: template.skus,
    stackable: template.stackable,
    heldUntil,
  };
}

/** Whether the coupon can be spent at `now`: the shopper's, available, in its template's window. */
export function usableAt(coupon: Coupon, template: CouponTemplate, now: number): boolean {
  return coupon.status === "available" && now >= template.validFrom && now < Math.min(coupon.validUntil, template.validUntil);
}

/**
 * Try: hold the coupon for a checkout. The same checkout asking again gets the same hold
 * (a retried Try); another checkout is refused while it is held.
 */
export function holdCoupon(
  coupon: Coupon,
  template: CouponTemplate,
  request: { shopperId: string; sku: string; idempotencyKey: string },
  now: number,
): Result<{ coupon: Coupon; changed: boolean }> {
  if (coupon.shopperId !== request.shopperId) return fail("not_found", `no coupon ${coupon.id}`);
  // A store coupon (issue 15) is spent at a till, never online.
  if (template.redeem === "in_store") return fail("coupon_not_applicable", "this coupon is redeemed in a store, not online");
  if (coupon.status === "held" && coupon.hold && sameCheckout(coupon.hold, request)) return succeed({ coupon, changed: false });
  if (coupon.status === "held") return fail("coupon_in_use", "this coupon is held by another checkout; cancel that order to use it here");
  if (coupon.status === "used") return fail("coupon_used", "this coupon was spent already", { orderId: coupon.orderId ?? "" });
  const ends = Math.min(coupon.validUntil, template.validUntil);
  if (now < template.validFrom) return fail("coupon_not_applicable", "this coupon cannot be used yet", { validFrom: template.validFrom });
  if (now >= ends) return fail("coupon_expired", "this coupon has expired", { validUntil: ends });
  const hold = { sku: request.sku, idempotencyKey: request.idempotencyKey, until: now + FIRST_HOLD_MS };
  return succeed({ coupon: { ...coupon, status: "held", hold }, changed: true });
}

/** Cancel: give the coupon back, if this checkout holds it. Anything else is a no-op (null). */
export function releaseCoupon(coupon: Coupon, checkout: Pick<CouponHold, "sku" | "idempotencyKey">): Coupon | null {
  if (coupon.status !== "held" || !coupon.hold || !sameCheckout(coupon.hold, checkout)) return null;
  return { ...coupon, status: "available", hold: null };
}

/** Confirm: the checkout's order is paid, the coupon spent. Once: anything else is a no-op (null). */
export function spendCoupon(
  coupon: Coupon,
  checkout: Pick<CouponHold, "sku" | "idempotencyKey">,
  orderId: string,
  now: number,
): Coupon | null {
  if (coupon.status !== "held" || !coupon.hold || !sameCheckout(coupon.hold, checkout)) return null;
  return { ...coupon, status: "used", hold: null, orderId, usedAt: now };
}

/** The hold lasts until `until` (the order's own hold, plus grace): the order carries the coupon. */
export function extendHold(coupon: Coupon, until: number): Coupon | null {
  if (coupon.status !== "held" || !coupon.hold || coupon.hold.until >= until) return null;
  return { ...coupon, hold: { ...coupon.hold, until } };
}

/**
 * What the SKU object says became of a held coupon's checkout, asked when the hold is due:
 * - `paid`: the order was paid with this coupon;
 * - `pending`: the order carries it and still awaits payment until `expiresAt`;
 * - `released`: no order carries it (the Try failed or never came, the order was cancelled
 *   or expired, or another coupon replaced it). Past `until`, the object refuses to take
 *   the hold (HOLD_MARGIN_MS), so this answer is final.
 */
export type CheckoutOutcome = { kind: "paid"; orderId: string } | { kind: "pending"; expiresAt: number } | { kind: "released" };

/** Settles a due hold from its checkout's outcome; null when nothing changes. */
export function settleHold(coupon: Coupon, outcome: CheckoutOutcome, now: number): Coupon | null {
  if (coupon.status !== "held" || !coupon.hold) return null;
  if (outcome.kind === "paid") return spendCoupon(coupon, coupon.hold, outcome.orderId, now);
  // An order past its expiry that its object has not expired yet is asked again shortly.
  if (outcome.kind === "pending") return extendHold(coupon, Math.max(outcome.expiresAt, now) + SETTLE_GRACE_MS);
  return releaseCoupon(coupon, coupon.hold);
}

/** Who redeems, where and when; `storeOpen`: false when the store redeems only while open and is closed now. */
export interface Redemption {
  storeId: string;
  now: number;
  storeOpen: boolean;
}

/**
 * Redemption at a till (issue 15): a store coupon becomes "used" in one store, once. Refused
 * when it is not a store coupon (as good as missing to a till), already redeemed (when and
 * where), held or spent otherwise, not valid in this store, outside its validity, or when the
 * store is closed and redeems only while open. The pool object applies it in one turn, so
 * two tills scanning one code at the same moment get one success and one `already_redeemed`.
 */
export function redeemCoupon(coupon: Coupon, template: CouponTemplate, redemption: Redemption): Result<Coupon> {
  if (template.redeem !== "in_store") return fail("not_found", `no store coupon ${coupon.id}`);
  if (coupon.redeemedAt !== null) {
    return fail("already_redeemed", "this coupon was redeemed already", {
      redeemedAt: coupon.redeemedAt,
      storeId: coupon.redeemedStoreId ?? "",
    });
  }
  if (coupon.status === "used") return fail("coupon_used", "this coupon was spent already", { orderId: coupon.orderId ?? "" });
  if (coupon.status === "held") return fail("coupon_in_use", "this coupon is held by a checkout");
  if (coupon.stores !== null && !coupon.stores.includes(redemption.storeId)) {
    return fail("not_redeemable_here", "this coupon is not valid in this store", { stores: coupon.stores });
  }
  const ends = Math.min(coupon.validUntil, template.validUntil);
  if (redemption.now < template.validFrom) {
    return fail("coupon_not_applicable", "this coupon cannot be used yet", { validFrom: template.validFrom });
  }
  if (redemption.now >= ends) return fail("coupon_expired", "this coupon has expired", { validUntil: ends });
  if (!redemption.storeOpen) return fail("store_closed", "this store redeems coupons only while it is open");
  return succeed({
    ...coupon,
    status: "used",
    usedAt: redemption.now,
    redeemedAt: redemption.now,
    redeemedStoreId: redemption.storeId,
  });
}
