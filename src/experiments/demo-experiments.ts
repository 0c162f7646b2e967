import type { ExperimentConfigInput } from "./experiment-config.ts";

/**
 * The seed's four experiments (issue 13, PRODUCT.md rows 2 and 11), which `npm start` puts
 * into local KV beside the demo sales when they are not there yet, so the console's changes
 * to them survive a restart: three running from the start, the loading animation as a draft
 * to start from the console. Each has its storefront surface (src/experiments/surfaces.ts).
 */
export function demoExperiments(now: number): ExperimentConfigInput[] {
  const running = { status: "running" as const, startedAt: now, stoppedAt: null, version: 1, updatedAt: now, updatedBy: "npm start" };
  return [
    {
      key: "countdown-dynamic-vs-static",
      seed: "countdown-dynamic-vs-static",
      name: "Countdown: millisecond canvas or static time (动态 vs 静态倒计时)",
      description: "Does a ticking countdown hurry shoppers to checkout more than the closing time shown once?",
      surface: "countdown",
      primaryMetric: "checkout",
      variants: [
        { key: "dynamic", name: "Canvas, to the millisecond", weight: 50 },
        { key: "static", name: "Static closing time", weight: 50 },
      ],
      ...running,
    },
    {
      key: "buy-button-red-vs-blue",
      seed: "buy-button-red-vs-blue",
      name: "Buy button: red or blue (红色 vs 蓝色按钮)",
      description: "The Buy button's colour, on every sale page.",
      surface: "buy_button",
      primaryMetric: "checkout",
      variants: [
        { key: "red", name: "Red", weight: 50 },
        { key: "blue", name: "Blue", weight: 50 },
      ],
      ...running,
    },
    {
      key: "promo-amount-vs-discount",
      seed: "promo-amount-vs-discount",
      name: "Promotion wording: 立减50元 or 5折优惠",
      description: "The same discount as an amount off or as a fraction of the price; judged by paid orders.",
      surface: "promo_label",
      primaryMetric: "payment",
      variants: [
        { key: "amount_off", name: "立减 (amount off)", weight: 50 },
        { key: "discount", name: "折 (fraction off)", weight: 50 },
      ],
      ...running,
    },
    {
      key: "loading-spinner-vs-skeleton",
      seed: "loading-spinner-vs-skeleton",
      name: "Loading: spinner or skeleton (菊花图 vs 骨架屏)",
      description: "What the sale page and the home page show while their live numbers load. A draft: start it from the console.",
      surface: "loading",
      primaryMetric: "checkout",
      variants: [
        { key: "spinner", name: "Spinner", weight: 50 },
        { key: "skeleton", name: "Skeleton", weight: 50 },
      ],
      status: "draft",
      startedAt: null,
      stoppedAt: null,
      version: 1,
      updatedAt: now,
      updatedBy: "npm start",
    },
    {
      // Issue 18, part E: "Recommended for you" ranked by popularity (the control) or the two-tower model.
      key: "recs-popularity-vs-two-tower",
      seed: "recs-popularity-vs-two-tower",
      name: "Recommended for you: popularity or the model (为你推荐)",
      description: "What ranks the home and sale pages' shelf. A draft: start it from the console once a model is active.",
      surface: "recommendations",
      primaryMetric: "checkout",
      variants: [
        { key: "popularity", name: "Popularity", weight: 50 },
        { key: "two_tower", name: "Two-tower model", weight: 50 },
      ],
      status: "draft",
      startedAt: null,
      stoppedAt: null,
      version: 1,
      updatedAt: now,
      updatedBy: "npm start",
    },
    {
      // Issue 18, part A: an ad campaign's creatives by their variant letter; a campaign names it to split its shoppers.
      key: "ad-creative-a-vs-b",
      seed: "ad-creative-a-vs-b",
      name: "Ad creative: A or B (广告素材 A/B)",
      description: "Which of a campaign's creatives a shopper sees. A draft: name it in a campaign with creatives a and b, then start it.",
      surface: "ad_creative",
      primaryMetric: "checkout",
      variants: [
        { key: "a", name: "Creative A", weight: 50 },
        { key: "b", name: "Creative B", weight: 50 },
      ],
      status: "draft",
      startedAt: null,
      stoppedAt: null,
      version: 1,
      updatedAt: now,
      updatedBy: "npm start",
    },
  ];
}
