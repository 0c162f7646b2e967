import { describe, expectTypeOf, it } from "vitest";
import type { CouponOffer, WalletCoupon } from "../../web/client/shared/coupon-types.ts";
import type { presentCoupon } from "../../workers/storefront/api/coupons.ts";

// The pages cannot import the handlers' modules (they need workerd's globals), so they state
// the coupon API's shapes themselves (web/client/shared/coupon-types.ts); here, in the
// Worker's program, each must be the server's own, or the typecheck fails.
describe("the coupon pages' view of the API", () => {
  it("reads coupons with the server's own types", () => {
    expectTypeOf<WalletCoupon>().toEqualTypeOf<ReturnType<typeof presentCoupon>>();
    type Terms = Omit<
      ReturnType<typeof presentCoupon>,
      | "id"
      | "templateId"
      | "status"
      | "usable"
      | "orderId"
      | "claimedAt"
      | "usedAt"
      | "redeem"
      | "shortCode"
      | "livestreamId"
      | "stores"
      | "redeemedAt"
      | "redeemedStore"
    >;
    expectTypeOf<Omit<CouponOffer, "templateId" | "perShopperLimit" | "remaining">>().toEqualTypeOf<Terms>();
  });
});
