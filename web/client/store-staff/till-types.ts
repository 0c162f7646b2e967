import type { CouponType } from "../../../src/coupons/limits.ts";

/**
 * What the till page reads (issue 15), as the redemption API's contract states it (the staff
 * token's `GET /api/stores/{storeId}/staff/me`; `GET /api/stores/{storeId}/coupons/{code}` and
 * `POST /api/stores/{storeId}/redemptions`). Written out here: the page is built against the
 * contract, and its typecheck has no Worker types. No DOM here, so unit tests can read it.
 */

export interface StaffStore {
  id: string;
  name: string;
  address?: string;
  city?: string;
}

/** `GET /api/stores/{storeId}/staff/me`: the store the token signs in to. */
export interface StaffMe {
  store: StaffStore;
  tokenId: string;
  label: string;
}

/** A refusal as the preview states it (and as the redemption would answer it). */
export interface Refusal {
  code: string;
  message: string;
}

/** `GET /api/stores/{storeId}/coupons/{code}`: what the coupon gives and whether it can be redeemed here now. */
export interface CouponPreview {
  id: string;
  title: string;
  description: string;
  type: CouponType;
  amountOff: number;
  percentOff: number;
  maxDiscount: number;
  minSpend: number;
  status: string;
  redeemable: boolean;
  refusal: Refusal | null;
  redeemedAt: number | null;
  redeemedStoreId: string | null;
  shopperHint: string;
}

/** `POST /api/stores/{storeId}/redemptions` → 201. */
export interface Redemption {
  couponId: string;
  storeId: string;
  redeemedAt: number;
  title: string;
  amountOff: number;
  percentOff: number;
  type?: CouponType;
  maxDiscount?: number;
  minSpend?: number;
}
