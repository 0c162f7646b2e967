import type { Context } from "hono";
import type { ClaimStamp } from "../../../durable-objects/coupon-pool/index.ts";
import type { Coupon } from "../../../src/coupons/coupon.ts";
import type { CouponTemplate } from "../../../src/coupons/coupon-template.ts";
import { unwrap } from "../../../src/errors.ts";
import type { AppEnv } from "../app-env.ts";
import { recordCouponClaimed } from "../metrics/recorder.ts";
import { couponPool } from "./coupon-holds.ts";
import { emitAfterAnswer } from "./event-queue.ts";
import { requestDevice } from "./request-device.ts";

/**
 * Claims one coupon of `template` for the session's shopper, exactly against its pool (issue 14),
 * and tells the metrics and the events of a new claim (a replayed key tells nothing twice). A
 * livestream's claim (issue 15) stamps the coupon with the livestream and its stores, and its
 * event carries them to the store-coupon figures. The route has checked who may claim what.
 */
export async function claimCoupon(
  c: Context<AppEnv>,
  template: CouponTemplate,
  idempotencyKey: string,
  stamp: ClaimStamp | null = null,
): Promise<{ coupon: Coupon; replayed: boolean }> {
  const shopperId = c.get("shopperId");
  const claimed = unwrap(await couponPool(c.env, template.id).claim(template, shopperId, idempotencyKey, stamp));
  if (!claimed.replayed) {
    recordCouponClaimed();
    emitAfterAnswer(c, {
      id: `${claimed.coupon.id}:claimed`,
      type: "coupon_claimed",
      shopperId,
      at: claimed.coupon.claimedAt,
      device: requestDevice(c),
      couponId: claimed.coupon.id,
      ...(stamp ? { livestreamId: stamp.livestreamId, templateId: template.id } : {}),
    });
  }
  return claimed;
}
