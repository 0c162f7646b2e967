import { describe, expect, it } from "vitest";
import { saleDraftSchema, validateSale } from "../../src/sales/sale-config.ts";

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);
const presale = (overrides: Record<string, unknown> = {}) => ({
  depositPerUnit: 5_000,
  depositWorthPerUnit: 15_000,
  depositStartsAt: T0,
  depositEndsAt: T0 + 24 * H,
  balanceStartsAt: T0 + 48 * H,
  balanceEndsAt: T0 + 72 * H,
  forfeit: "keep",
  ...overrides,
});
const draft = (overrides: Record<string, unknown> = {}, presaleOverrides: Record<string, unknown> = {}) => ({
  sku: "presale-rules",
  title: "Presale",
  listPrice: 59_900,
  stock: 100,
  startsAt: T0 + 24 * H,
  endsAt: T0 + 96 * H,
  tiers: [
    { fromRank: 1, toRank: 10, unitPrice: 49_900 },
    { fromRank: 11, toRank: 100, unitPrice: 59_900 },
  ],
  presale: presale(presaleOverrides),
  ...overrides,
});

function problems(overrides: Record<string, unknown> = {}, presaleOverrides: Record<string, unknown> = {}): string[] {
  const result = validateSale(saleDraftSchema, draft(overrides, presaleOverrides));
  return result.ok ? [] : result.problems;
}

describe("a presale's cross-field rules (issue 19)", () => {
  it("accepts windows that touch where the rules allow equality, and a worth equal to the lowest price", () => {
    expect(problems()).toEqual([]);
    expect(problems({ startsAt: T0 + 24 * H, endsAt: T0 + 72 * H }, { balanceStartsAt: T0 + 24 * H, depositWorthPerUnit: 49_900 })).toEqual(
      [],
    );
    // An ordinary sale is untouched by the rules.
    expect(problems({ presale: null, shards: 4 })).toEqual([]);
  });

  it("refuses a deposit above the price, judged by the lowest tier price", () => {
    expect(problems({}, { depositPerUnit: 50_000, depositWorthPerUnit: 50_000 })).toEqual([
      "presale.depositPerUnit: the deposit is above the price: must be at most the lowest unit price (49900 fen)",
      "presale.depositWorthPerUnit: must be at most the lowest unit price (49900 fen)",
    ]);
    expect(problems({}, { depositWorthPerUnit: 4_000 })).toEqual(["presale.depositWorthPerUnit: must be at least the deposit (5000 fen)"]);
  });

  it("refuses windows out of order, each at the field to fix", () => {
    expect(problems({}, { depositEndsAt: T0 })).toEqual(["presale.depositEndsAt: must be after presale.depositStartsAt"]);
    expect(problems({}, { depositEndsAt: T0 + 25 * H })).toEqual([
      "presale.depositEndsAt: must be at or before the sale's startsAt (the deposit window comes before the sale)",
    ]);
    expect(problems({}, { balanceStartsAt: T0 + 23 * H, balanceEndsAt: T0 + 23 * H })).toEqual([
      "presale.balanceStartsAt: must be at or after the sale's startsAt",
      "presale.balanceEndsAt: must be after presale.balanceStartsAt",
    ]);
    expect(problems({}, { balanceEndsAt: T0 + 97 * H })).toEqual([
      "presale.balanceEndsAt: must be at or before the sale's endsAt (a forfeited unit goes back on a sale still open)",
    ]);
  });

  it("lists every problem at once, with the schema's own and the shard rule", () => {
    const listed = problems({ shards: 2 }, { depositPerUnit: 60_000, depositEndsAt: T0 - 1, balanceEndsAt: 1.5, forfeit: "maybe" });
    expect(listed).toEqual(
      expect.arrayContaining([
        "presale.balanceEndsAt: must be epoch milliseconds",
        expect.stringMatching(/^presale\.forfeit: /),
        "presale.depositWorthPerUnit: must be at least the deposit (60000 fen)",
        "presale.depositPerUnit: the deposit is above the price: must be at most the lowest unit price (49900 fen)",
        "presale.depositEndsAt: must be after presale.depositStartsAt",
        "shards: a presale sells from one object: set shards to 1 or remove the presale",
      ]),
    );
    expect(listed).toHaveLength(6);
  });
});
