import type { CouponTemplateInput } from "../coupons/coupon-template.ts";
import type { LivestreamInput } from "./livestream.ts";

const DAY = 86_400_000;

/** Where the demo livestream's coupons are redeemed: a Shanghai and a Hangzhou store of the demo stores `npm start` seeds. */
export const DEMO_LIVE_STORES = ["sh-jingan", "hz-hubin"];

/**
 * What `npm start` seeds for livestream coupons (issue 15): one store coupon template and one
 * livestream handing it out, on air for 30 days from the first start, with the claim code
 * LIVE88, so /live, the claim, the wallet's QR code and a till have something to show. Written
 * to KV directly, as the other seeds are (the stores are seeded into Postgres beside them).
 */
export function demoStoreCoupons(now: number): CouponTemplateInput[] {
  return [
    {
      id: "live-store-30",
      title: "到店立减30 · ¥30 off in store",
      description: "Livestream exclusive: ¥30 off any purchase of ¥100 or more in our Shanghai and Hangzhou stores.",
      type: "amount_off",
      amountOff: 3_000,
      minSpend: 10_000,
      validFrom: now - 60_000,
      validUntil: now + 30 * DAY,
      perShopperLimit: 1,
      totalQuantity: 200,
      redeem: "in_store",
    },
  ];
}

/** A livestream (the stream is a public MP4 over https; replace it with your own in the console). */
export function demoLivestreams(now: number): LivestreamInput[] {
  return [
    {
      id: "double11-live",
      title: "双11直播间 · Double 11 live",
      description: "Watch the Double 11 show and claim a coupon for our stores while we are on air.",
      streamUrl: "https://test-videos.co.uk/vids/bigbuckbunny/mp4/h264/360/Big_Buck_Bunny_360_10s_1MB.mp4",
      embed: "video",
      startsAt: now - 60_000,
      endsAt: now + 30 * DAY,
      couponTemplates: ["live-store-30"],
      stores: DEMO_LIVE_STORES,
      claimCode: "LIVE88",
    },
  ];
}
