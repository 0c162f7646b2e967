import { describe, expect, it } from "vitest";
import { type EventGroup, FAVOURITE_LIMIT, lifetimeFacts, paidSkus } from "../../src/profile/lifetime.ts";

const group = (type: string, sku: string | null, category: string | null, events: number, at: number, amount = 0): EventGroup => ({
  type,
  sku,
  category,
  events,
  amount,
  firstAt: at,
  lastAt: at + 1_000,
});

describe("a shopper's lifetime facts (src/profile/lifetime.ts)", () => {
  it("is empty for a shopper with no events", () => {
    expect(lifetimeFacts([])).toEqual({ firstSeen: null, paidOrders: 0, spend: 0, favouriteCategories: [] });
  });

  it("takes first seen from any event, paid orders and spend from order_paid only", () => {
    const facts = lifetimeFacts([
      group("page_view", null, null, 4, 5_000),
      group("order_created", "sku-a", null, 3, 2_000, 90_000),
      group("order_paid", "sku-a", null, 2, 6_000, 59_800),
      group("order_cancelled", "sku-a", null, 1, 7_000, 29_900),
    ]);
    expect(facts).toMatchObject({ firstSeen: 2_000, paidOrders: 2, spend: 59_800 });
  });

  it("ranks categories by purchases, then views, then name; a purchase takes its sale's category, else the one the shopper viewed it under", () => {
    const groups = [
      group("product_view", "sku-shoe", "shoes", 5, 1_000),
      group("product_view", "sku-bag", "bags", 5, 1_000),
      group("product_view", "sku-phone", "phones", 9, 1_000),
      group("product_view", "sku-bag", "totes", 1, 9_000), // the bag's latest view, under a new category
      group("order_paid", "sku-earbuds", null, 1, 2_000, 100),
      group("order_paid", "sku-bag", null, 1, 3_000, 100),
      group("order_paid", "sku-unknown", null, 4, 3_000, 100),
    ];
    const facts = lifetimeFacts(groups, new Map([["sku-earbuds", "audio"]]));
    expect(facts.favouriteCategories).toEqual([
      { category: "totes", purchases: 1, views: 1 },
      { category: "audio", purchases: 1, views: 0 },
      { category: "phones", purchases: 0, views: 9 },
    ]);
    expect(facts.favouriteCategories).toHaveLength(FAVOURITE_LIMIT);
    expect(facts.paidOrders).toBe(6);
    // Ties in purchases and views go by name.
    expect(
      lifetimeFacts([group("product_view", "x", "b", 1, 0), group("product_view", "y", "a", 1, 0)]).favouriteCategories.map(
        (f) => f.category,
      ),
    ).toEqual(["a", "b"]);
  });

  it("names the paid SKUs whose category to look up, most bought first", () => {
    expect(
      paidSkus([group("order_paid", "b", null, 1, 0), group("order_paid", "a", null, 3, 0), group("product_view", "c", "x", 9, 0)]),
    ).toEqual(["a", "b"]);
  });
});
