import type { SaleConfigInput } from "./sale-config.ts";

const MINUTE = 60_000;

/**
 * The sales `npm start` seeds into local KV: one live from the moment the stack starts,
 * one opening a few minutes later, so every page and phase can be seen at once.
 */
export function demoSales(now: number): SaleConfigInput[] {
  return [
    {
      sku: "demo-earbuds",
      title: "Wireless Earbuds Pro · 无线降噪耳机",
      description: "Active noise cancelling, 30 h battery. The first 100 go at half price.",
      category: "audio",
      images: ["earbuds"],
      listPrice: 59_900,
      stock: 300,
      startsAt: now - MINUTE,
      endsAt: now + 6 * 60 * MINUTE,
      tiers: [
        { fromRank: 1, toRank: 100, unitPrice: 29_950, label: "First 100 at half price" },
        { fromRank: 101, toRank: 250, unitPrice: 41_930, label: "Next 150 at 30% off" },
      ],
      perShopperLimit: 2,
      holdSeconds: 600,
    },
    {
      sku: "demo-smartwatch",
      title: "Smart Watch S3 · 智能手表",
      description: "AMOLED display, 14-day battery. Opens shortly: the first 50 at 40% off.",
      category: "wearables",
      images: ["smartwatch"],
      listPrice: 129_900,
      stock: 200,
      startsAt: now + 5 * MINUTE,
      endsAt: now + 6 * 60 * MINUTE,
      tiers: [{ fromRank: 1, toRank: 50, unitPrice: 77_940, label: "First 50 at 40% off" }],
      perShopperLimit: 1,
      holdSeconds: 600,
      // Member prices (issue 16): the demo's gold and diamond members pay 3 % and 5 % less.
      memberPrices: true,
    },
  ];
}
