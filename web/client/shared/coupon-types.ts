import type { CouponType } from "../../../src/coupons/limits.ts";

/**
 * The terms every view of a coupon shows (the contract's CouponOffer and WalletCoupon,
 * workers/storefront/api/coupons.ts). Written out here, as the console's api-types.ts does:
 * that module is the Worker's, and its types reach into the Worker's bindings, which the
 * pages' typecheck does not have. test/worker/coupon-page-types.test.ts holds them to the
 * server's own, in the Worker's program. No DOM here, so that program can read it.
 */
export interface CouponView {
  title: string;
  description: string;
  type: CouponType;
  amountOff: number;
  percentOff: number;
  maxDiscount: number;
  minSpend: number;
  skus: string[];
  stackable: boolean;
  validFrom: number;
  validUntil: number;
}

/** A coupon in the shopper's wallet, as `GET /api/me/coupons` shows it. */
export interface WalletCoupon extends CouponView {
  id: string;
  templateId: string;
  status: "available" | "held" | "used";
  usable: boolean;
  orderId: string | null;
  claimedAt: number;
  usedAt: number | null;
  /** Issue 15: online coupons are spent at checkout; in_store ones at a store's till. */
  redeem: "online" | "in_store";
  /** in_store: `XXXX-XXXX-C`, what a till types when it cannot scan the QR code. */
  shortCode: string | null;
  livestreamId: string | null;
  stores: StoreRef[] | null;
  redeemedAt: number | null;
  redeemedStore: StoreRef | null;
}

/** A store as a coupon names it. */
export interface StoreRef {
  id: string;
  name: string;
}

/** A coupon that can be claimed now, as `GET /api/coupons` lists it. */
export interface CouponOffer extends CouponView {
  templateId: string;
  perShopperLimit: number;
  remaining: number;
}
