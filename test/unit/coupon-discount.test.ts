import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CouponTerms, discountOf, priceWithCoupons } from "../../src/coupons/discount.ts";
import { priceWithMember } from "../../src/membership/member-pricing.ts";

const NOW = 1_000_000;
const coupon = (overrides: Partial<CouponTerms> = {}): CouponTerms => ({
  couponId: `cpn_${overrides.templateId ?? "t"}_aaaaaaaaaaaa`,
  templateId: "t",
  title: "coupon",
  type: "amount_off",
  amountOff: 0,
  percentOff: 0,
  maxDiscount: 0,
  minSpend: 0,
  skus: [],
  stackable: false,
  heldUntil: NOW + 60_000,
  ...overrides,
});

describe("pricing an order with coupons (src/coupons/discount.ts)", () => {
  it("满300减50: ¥50 off an order of at least ¥300, nothing below", () => {
    const fullReduction = coupon({ amountOff: 5_000, minSpend: 30_000 });
    expect(priceWithCoupons("s", 32_000, [fullReduction], NOW)).toMatchObject({ ok: true, value: { totalAmount: 27_000 } });
    expect(priceWithCoupons("s", 30_000, [fullReduction], NOW)).toMatchObject({ ok: true, value: { totalAmount: 25_000 } });
    expect(priceWithCoupons("s", 29_999, [fullReduction], NOW)).toMatchObject({
      ok: false,
      error: { code: "coupon_not_applicable", details: { minSpend: 30_000, subtotal: 29_999 } },
    });
  });

  it("rounds a percent discount down to whole fen and caps it", () => {
    // 12 % of 9,999 fen is 1,199.88: the shopper gets 1,199 off.
    expect(discountOf(coupon({ type: "percent_off", percentOff: 12 }), 9_999)).toBe(1_199);
    expect(discountOf(coupon({ type: "percent_off", percentOff: 12, maxDiscount: 1_000 }), 9_999)).toBe(1_000);
    expect(discountOf(coupon({ type: "percent_off", percentOff: 1 }), 99)).toBe(0);
  });

  it("never takes the total below zero", () => {
    const big = coupon({ amountOff: 50_000 });
    expect(priceWithCoupons("s", 100, [big], NOW)).toMatchObject({ ok: true, value: { totalAmount: 0, discounts: [{ amount: 100 }] } });
  });

  it("stacks only stackable coupons, amount-off first, then percent-off of what is left", () => {
    const amount = coupon({ templateId: "a", amountOff: 2_000, stackable: true });
    const percent = coupon({ templateId: "p", type: "percent_off", percentOff: 10, stackable: true });
    // Given percent first: still 20,000 − 2,000 = 18,000, then 10 % of that, 1,800.
    const priced = priceWithCoupons("s", 20_000, [percent, amount], NOW);
    expect(priced).toMatchObject({ ok: true, value: { totalAmount: 16_200 } });
    expect(priced.ok && priced.value.discounts.map((d) => [d.templateId, d.amount])).toEqual([
      ["a", 2_000],
      ["p", 1_800],
    ]);
    const alone = coupon({ templateId: "x", amountOff: 100 });
    expect(priceWithCoupons("s", 20_000, [amount, alone], NOW)).toMatchObject({ ok: false, error: { code: "coupon_not_stackable" } });
    expect(priceWithCoupons("s", 20_000, [amount, { ...amount, couponId: "cpn_a_bbbbbbbbbbbb" }], NOW)).toMatchObject({
      ok: false,
      error: { code: "coupon_not_applicable" },
    });
  });

  it("refuses another SKU's coupon and a hold about to run out", () => {
    expect(priceWithCoupons("s", 1_000, [coupon({ skus: ["other"] })], NOW)).toMatchObject({
      ok: false,
      error: { code: "coupon_not_applicable" },
    });
    expect(priceWithCoupons("s", 1_000, [coupon({ heldUntil: NOW + 4_999 })], NOW)).toMatchObject({
      ok: false,
      error: { code: "coupon_unavailable" },
    });
  });

  it("always accounts for every fen: total + member price + discounts = subtotal, nothing negative", () => {
    const terms = fc.record({
      type: fc.constantFrom("amount_off" as const, "percent_off" as const),
      amountOff: fc.integer({ min: 1, max: 1_000_000 }),
      percentOff: fc.integer({ min: 1, max: 99 }),
      maxDiscount: fc.integer({ min: 0, max: 100_000 }),
    });
    // The member price (issue 16) comes off first, when there is one: 0 is none.
    const memberPercent = fc.integer({ min: 0, max: 50 });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        memberPercent,
        fc.array(terms, { minLength: 1, maxLength: 3 }),
        (subtotal, percentOff, list) => {
          const member = priceWithMember(subtotal, percentOff > 0 ? { tier: "gold", percentOff } : null, true);
          const coupons = list.map((t, i) => coupon({ ...t, templateId: `t${i}`, couponId: `cpn_t${i}_aaaaaaaaaaaa`, stackable: true }));
          const priced = priceWithCoupons("s", member.left, coupons, NOW);
          if (!priced.ok) return false;
          const memberOff = member.memberPrice?.amount ?? 0;
          const off = priced.value.discounts.reduce((sum, d) => sum + d.amount, 0);
          return (
            priced.value.totalAmount >= 0 &&
            memberOff >= 0 &&
            // Rounded down: never more than the percent says, and short of it by less than a fen.
            memberOff * 100 <= subtotal * percentOff &&
            subtotal * percentOff - memberOff * 100 < 100 &&
            priced.value.discounts.every((d) => d.amount >= 0) &&
            priced.value.totalAmount + memberOff + off === subtotal
          );
        },
      ),
    );
  });
});

describe("the demo coupons npm start seeds", () => {
  it("are valid templates", async () => {
    const { demoCoupons } = await import("../../src/coupons/demo-coupons.ts");
    const { couponTemplateSchema } = await import("../../src/coupons/coupon-template.ts");
    for (const coupon of demoCoupons(Date.UTC(2026, 10, 11))) expect(couponTemplateSchema.safeParse(coupon).success, coupon.id).toBe(true);
  });
});
