import { describe, expect, it } from "vitest";
import { formatMoney } from "../../src/money.ts";
import { demoSales } from "../../src/sales/demo-sales.ts";
import { salePhase } from "../../src/sales/phase.ts";
import { unitPriceForRank } from "../../src/sales/pricing.ts";
import { saleConfigSchema } from "../../src/sales/sale-config.ts";

const base = () => ({ ...demoSales(1_000_000)[0]! });

describe("sale configuration", () => {
  it("accepts the demo sales", () => {
    for (const sale of demoSales(Date.now())) expect(saleConfigSchema.safeParse(sale).success).toBe(true);
  });

  it.each([
    ["end before start", { startsAt: 2_000, endsAt: 1_000 }, "endsAt"],
    ["negative stock", { stock: -5 }, "stock"],
    ["fractional stock", { stock: 2.5 }, "stock"],
    ["price below zero", { listPrice: -1 }, "listPrice"],
    ["fractional price", { listPrice: 10.5 }, "listPrice"],
    ["an unknown field", { colour: "red" }, ""],
    [
      "tiers with a gap",
      {
        tiers: [
          { fromRank: 1, toRank: 10, unitPrice: 1 },
          { fromRank: 12, toRank: 20, unitPrice: 2 },
        ],
      },
      "tiers.1.fromRank",
    ],
    [
      "overlapping tiers",
      {
        tiers: [
          { fromRank: 1, toRank: 10, unitPrice: 1 },
          { fromRank: 5, toRank: 20, unitPrice: 2 },
        ],
      },
      "tiers.1.fromRank",
    ],
    ["a tier past the stock", { stock: 10, tiers: [{ fromRank: 1, toRank: 11, unitPrice: 1 }] }, "tiers.0.toRank"],
  ])("refuses %s, naming the field", (_, change, path) => {
    const result = saleConfigSchema.safeParse({ ...base(), ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toContain(path);
  });
});

describe("phase and price by sale rank", () => {
  const sale = saleConfigSchema.parse({ ...base(), startsAt: 1_000, endsAt: 2_000 });

  it.each([
    [999, 10, "upcoming"],
    [1_000, 10, "live"],
    [1_500, 0, "sold_out"],
    [2_000, 10, "ended"],
  ] as const)("at %i with %i left is %s", (now, remaining, phase) => {
    expect(salePhase(sale, remaining, now)).toBe(phase);
  });

  it("prices each rank by its tier, and list price past the tiers", () => {
    expect(unitPriceForRank(sale, 1)).toBe(29_950);
    expect(unitPriceForRank(sale, 100)).toBe(29_950);
    expect(unitPriceForRank(sale, 101)).toBe(41_930);
    expect(unitPriceForRank(sale, 250)).toBe(41_930);
    expect(unitPriceForRank(sale, 251)).toBe(59_900);
  });

  it("formats minor units without floating point", () => {
    expect(formatMoney(29_950)).toBe("¥299.50");
    expect(formatMoney(5)).toBe("¥0.05");
    expect(formatMoney(123_456_789)).toBe("¥1,234,567.89");
  });
});
