import type { CouponTemplateInput } from "./coupon-template.ts";

const DAY = 86_400_000;

/**
 * The coupons `npm start` seeds into local KV beside the demo sales (issue 14): a threshold
 * coupon for every sale and a capped percent-off for the watch, each valid for a week, so the
 * sale page, the wallet and the order page's chooser have something to show.
 */
export function demoCoupons(now: number): CouponTemplateInput[] {
  return [
    {
      id: "double11-300-50",
      title: "满300减50 · ¥50 off ¥300",
      description: "Double 11: ¥50 off any order of ¥300 or more.",
      type: "amount_off",
      amountOff: 5_000,
      minSpend: 30_000,
      validFrom: now - 60_000,
      validUntil: now + 7 * DAY,
      perShopperLimit: 1,
      totalQuantity: 1_000,
    },
    {
      id: "watch-10-off",
      title: "手表9折 · 10% off the watch",
      description: "10% off the Smart Watch S3, up to ¥100.",
      type: "percent_off",
      percentOff: 10,
      maxDiscount: 10_000,
      skus: ["demo-smartwatch"],
      validFrom: now - 60_000,
      validUntil: now + 7 * DAY,
      perShopperLimit: 1,
      totalQuantity: 500,
    },
  ];
}
