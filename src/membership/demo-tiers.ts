import type { TierConfigInput } from "./tier-config.ts";

/**
 * The member tiers `npm start` seeds (issue 16): silver, gold and diamond by 12-month spend or
 * points, diamond with 365 days of price protection. Gold and diamond grant the demo ¥50-off
 * coupon (double11-300-50, seeded beside it) once on reaching them.
 */
export function demoTiers(): TierConfigInput {
  return {
    id: "tiers",
    timeZone: "Asia/Shanghai",
    tiers: [
      {
        id: "silver",
        name: { "zh-CN": "白银会员", en: "Silver" },
        minSpend: 1_000_00,
        minPoints: 1_000,
        benefits: { protectionDays: 30, pointsMultiplierPercent: 100, memberPricePercentOff: 0, perks: ["生日礼 · Birthday gift"] },
      },
      {
        id: "gold",
        name: { "zh-CN": "黄金会员", en: "Gold" },
        minSpend: 5_000_00,
        minPoints: 5_000,
        benefits: {
          protectionDays: 90,
          pointsMultiplierPercent: 150,
          memberPricePercentOff: 3,
          couponTemplates: ["double11-300-50"],
          welcomePoints: 200,
          perks: ["包邮 · Free shipping"],
        },
      },
      {
        id: "diamond",
        name: { "zh-CN": "钻石会员", en: "Diamond" },
        minSpend: 20_000_00,
        minPoints: 20_000,
        benefits: {
          protectionDays: 365,
          pointsMultiplierPercent: 200,
          memberPricePercentOff: 5,
          couponTemplates: ["double11-300-50"],
          welcomePoints: 1_000,
          perks: ["包邮 · Free shipping", "专属客服 · Personal shopper"],
        },
      },
    ],
  };
}
