import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { creditForDrop, creditKey, type PriceDrop, type ProtectedPurchase, protectionDay } from "../../src/membership/price-protection.ts";

const SHANGHAI = "Asia/Shanghai";
/** 2026-11-11 10:00 in Shanghai. */
const PAID_AT = Date.UTC(2026, 10, 11, 2, 0);
const shanghai = (year: number, month: number, day: number, hour = 12) => Date.UTC(year, month - 1, day, hour - 8);

const purchase: ProtectedPurchase = {
  orderId: "ord_1",
  sku: "headphones",
  unitPrice: 39_900,
  units: 1,
  refundedUnits: 0,
  paid: true,
  paidAt: PAID_AT,
};
const diamond = { windowDays: 365, timeZone: SHANGHAI };

describe("price protection (src/membership/price-protection.ts, issue 16)", () => {
  it("follows the issue's worked example: ¥399 on 2026-11-11, ¥349 on 2027-03-01 pays ¥50, then ¥329 pays ¥20 more, not ¥70", () => {
    const first = creditForDrop(
      purchase,
      { sku: "headphones", price: 34_900, at: shanghai(2027, 3, 1) },
      { ...diamond, creditedDownTo: null },
    );
    expect(first).toMatchObject({ ok: true, credit: { amount: 5_000, creditedDownTo: 34_900 } });
    const second = creditForDrop(
      purchase,
      { sku: "headphones", price: 32_900, at: shanghai(2027, 4, 1) },
      { ...diamond, creditedDownTo: 34_900 },
    );
    expect(second).toMatchObject({ ok: true, credit: { amount: 2_000, creditedDownTo: 32_900 } });
    // The same drop seen again pays nothing.
    const again = creditForDrop(
      purchase,
      { sku: "headphones", price: 34_900, at: shanghai(2027, 4, 2) },
      { ...diamond, creditedDownTo: 32_900 },
    );
    expect(again).toMatchObject({ ok: false, reason: "not_lower" });
  });

  it("counts the window in Shanghai's calendar days: day 365 is 2027-11-10 and pays; day 366, 2027-11-11, pays nothing", () => {
    expect(protectionDay(PAID_AT, shanghai(2026, 11, 11, 23), SHANGHAI)).toBe(1);
    expect(protectionDay(PAID_AT, shanghai(2027, 11, 10, 23), SHANGHAI)).toBe(365);
    expect(protectionDay(PAID_AT, shanghai(2027, 11, 11, 0), SHANGHAI)).toBe(366);
    const drop = (at: number): PriceDrop => ({ sku: "headphones", price: 34_900, at });
    expect(creditForDrop(purchase, drop(shanghai(2027, 11, 10, 23)), { ...diamond, creditedDownTo: null }).ok).toBe(true);
    expect(creditForDrop(purchase, drop(shanghai(2027, 11, 11, 0)), { ...diamond, creditedDownTo: null })).toMatchObject({
      ok: false,
      reason: "outside_window",
    });
  });

  it("credits the units still kept after a partial refund, and nothing for a refunded, unpaid or other product's order", () => {
    const two = { ...purchase, units: 3, refundedUnits: 1 };
    const drop = { sku: "headphones", price: 34_900, at: shanghai(2027, 1, 1) };
    expect(creditForDrop(two, drop, { ...diamond, creditedDownTo: null })).toMatchObject({
      ok: true,
      credit: { amount: 10_000, units: 2 },
    });
    expect(creditForDrop({ ...two, refundedUnits: 3 }, drop, { ...diamond, creditedDownTo: null })).toMatchObject({
      reason: "all_refunded",
    });
    expect(creditForDrop({ ...purchase, paid: false }, drop, { ...diamond, creditedDownTo: null })).toMatchObject({ reason: "not_paid" });
    expect(creditForDrop(purchase, { ...drop, sku: "watch" }, { ...diamond, creditedDownTo: null })).toMatchObject({ reason: "other_sku" });
    expect(creditForDrop(purchase, { ...drop, at: PAID_AT - 1 }, { ...diamond, creditedDownTo: null })).toMatchObject({
      reason: "before_purchase",
    });
  });

  it("whatever the drops and their order, pays in all exactly (price paid − lowest price in the window) × units, never a negative step", () => {
    const drops = fc.array(fc.record({ price: fc.integer({ min: 0, max: 60_000 }), day: fc.integer({ min: 0, max: 400 }) }), {
      maxLength: 12,
    });
    fc.assert(
      fc.property(drops, fc.integer({ min: 1, max: 5 }), (steps, units) => {
        const bought = { ...purchase, units };
        let creditedDownTo: number | null = null;
        let paid = 0;
        const keys = new Set<string>();
        for (const step of steps) {
          const drop = { sku: "headphones", price: step.price, at: PAID_AT + step.day * 86_400_000 };
          const decision = creditForDrop(bought, drop, { ...diamond, creditedDownTo });
          if (!decision.ok) continue;
          expect(decision.credit.amount).toBeGreaterThan(0);
          // A credit is paid under a key of its own: never the key of an earlier credit.
          expect(keys.has(creditKey(bought.orderId, drop))).toBe(false);
          keys.add(creditKey(bought.orderId, drop));
          paid += decision.credit.amount;
          creditedDownTo = decision.credit.creditedDownTo;
        }
        const inWindow = steps.filter((s) => protectionDay(PAID_AT, PAID_AT + s.day * 86_400_000, SHANGHAI) <= 365).map((s) => s.price);
        const lowest = Math.min(bought.unitPrice, ...inWindow);
        expect(paid).toBe((bought.unitPrice - lowest) * units);
      }),
    );
  });
});
