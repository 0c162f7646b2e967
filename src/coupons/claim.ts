import { fail, type Result, succeed } from "../errors.ts";
import type { CouponTemplate } from "./coupon-template.ts";

/** What a pool knows when a claim arrives: coupons claimed so far, and by this shopper. */
export interface ClaimCounts {
  claimed: number;
  claimedByShopper: number;
}

/**
 * Whether a shopper may claim one more coupon of a template now. The pool object asks this
 * and counts the claim in the same turn, so under a stampede no more than `totalQuantity`
 * are ever handed out, and no shopper gets more than `perShopperLimit`.
 */
export function mayClaim(template: CouponTemplate, counts: ClaimCounts, now: number): Result<{ remaining: number }> {
  if (now < template.validFrom) return fail("not_started", "this coupon cannot be claimed yet", { startsAt: template.validFrom });
  if (now >= template.validUntil)
    return fail("coupon_expired", "this coupon can no longer be claimed", { validUntil: template.validUntil });
  if (template.paused) return fail("sale_paused", "handing out this coupon is paused; try again later");
  if (counts.claimedByShopper >= template.perShopperLimit) {
    return fail("limit_exceeded", `at most ${template.perShopperLimit} of this coupon per shopper`, {
      limit: template.perShopperLimit,
      holding: counts.claimedByShopper,
    });
  }
  const remaining = template.totalQuantity - counts.claimed;
  if (remaining <= 0) return fail("coupons_gone", "every coupon of this kind has been claimed");
  return succeed({ remaining: remaining - 1 });
}
