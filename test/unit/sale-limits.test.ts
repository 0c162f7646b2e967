import { describe, expect, it } from "vitest";
import { SALE_LIMITS, saleDraftSchema, validateSale } from "../../src/sales/sale-config.ts";

const draft = (overrides: Record<string, unknown> = {}) => ({
  sku: "bounds-test",
  title: "Bounds",
  listPrice: 59_900,
  stock: 100,
  startsAt: Date.UTC(2026, 10, 11),
  endsAt: Date.UTC(2026, 10, 12),
  perShopperLimit: 2,
  ...overrides,
});

function problems(overrides: Record<string, unknown>): string[] {
  const result = validateSale(saleDraftSchema, draft(overrides));
  return result.ok ? [] : result.problems;
}

describe("a sale's upper bounds (issue 10)", () => {
  it("accepts a sale right at every bound", () => {
    expect(
      problems({
        stock: SALE_LIMITS.maxStock,
        perShopperLimit: SALE_LIMITS.maxPerShopperLimit,
        listPrice: SALE_LIMITS.maxOrderTotal / SALE_LIMITS.maxPerShopperLimit,
        endsAt: SALE_LIMITS.maxEpochMs,
      }),
    ).toEqual([]);
  });

  it("refuses, field by field, what once answered 500 or made a 22.9 MB page", () => {
    expect(problems({ stock: 2 ** 53 })).toContain(`stock: must be at most ${SALE_LIMITS.maxStock}`);
    expect(problems({ stock: 2_000_000 })).toEqual([`stock: must be at most ${SALE_LIMITS.maxStock}`]);
    expect(problems({ perShopperLimit: 1_000_000 })).toContain(`perShopperLimit: must be at most ${SALE_LIMITS.maxPerShopperLimit}`);
    expect(problems({ listPrice: SALE_LIMITS.maxUnitPrice + 1 })[0]).toMatch(/^listPrice: must be at most 1000000000 fen/);
    expect(problems({ tiers: [{ fromRank: 1, toRank: 5, unitPrice: 2 ** 40 }] })[0]).toMatch(/^tiers\.0\.unitPrice: must be at most/);
    expect(problems({ endsAt: 9e15 })).toEqual(["endsAt: must be before the year 2100"]);
    expect(problems({ gifts: [{ id: "g", title: "Gift", startsAt: draft().startsAt, endsAt: draft().endsAt, stock: 2 ** 31 }] })).toEqual([
      `gifts.0.stock: must be at most ${SALE_LIMITS.maxStock}`,
    ]);
  });

  it("refuses a limit and prices that together make an order above the largest total, naming both", () => {
    const listed = problems({ perShopperLimit: 100, listPrice: SALE_LIMITS.maxOrderTotal / 100 + 1 });
    expect(listed).toEqual([
      `perShopperLimit: 100 units at up to ${SALE_LIMITS.maxOrderTotal / 100 + 1} fen would make an order above ${SALE_LIMITS.maxOrderTotal} fen (¥${SALE_LIMITS.maxOrderTotal / 100}); lower the limit or the prices`,
    ]);
    // A tier priced above list counts too.
    expect(problems({ perShopperLimit: 100, tiers: [{ fromRank: 1, toRank: 5, unitPrice: SALE_LIMITS.maxOrderTotal / 50 }] })).toHaveLength(
      1,
    );
  });

  it("lists the total's problem beside the others in one answer", () => {
    const listed = problems({ perShopperLimit: 100, listPrice: SALE_LIMITS.maxUnitPrice, stock: 0 });
    expect(listed).toContain("stock: must be at least 1");
    expect(listed.some((p) => p.startsWith("perShopperLimit:"))).toBe(true);
  });
});
