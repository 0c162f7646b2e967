import type { AdCampaignInput } from "./campaign.ts";

/**
 * The demo ad campaign `npm start` seeds (issue 18): active from an hour ago for 30 days, on the
 * home banner and the sale slot, exported for WeChat Moments and Douyin, with one creative whose
 * image is generated and rendered at seed time (scripts/ads/seed-demo-ads.ts).
 */
export const DEMO_AD_CAMPAIGN_ID = "demo-double11";

export function demoAdCampaign(now: number, imageId: string): AdCampaignInput {
  return {
    id: DEMO_AD_CAMPAIGN_ID,
    name: "Double 11 banner",
    status: "active",
    startsAt: now - 60 * 60_000,
    endsAt: now + 30 * 24 * 60 * 60_000,
    budget: { impressions: 100_000 },
    placements: ["home_banner", "sale_slot"],
    offsite: ["wechat_moments", "douyin_feed"],
    targeting: { segments: "all", devices: "all", locales: "all" },
    frequencyCap: { impressions: 3, hours: 24 },
    creatives: [
      {
        id: "double11-red",
        variant: "a",
        headline: { "zh-CN": "双11 限时秒杀，全场五折起", en: "Double 11 flash sale: up to 50% off" },
        targetUrl: "/",
        imageId,
      },
    ],
    experiment: null,
    version: 1,
    updatedAt: now,
    updatedBy: "seed",
  };
}
