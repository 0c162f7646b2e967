import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CouponTerms } from "../../src/coupons/discount.ts";
import { memberUnitPrice, priceWithMember } from "../../src/membership/member-pricing.ts";
import { OrderBook } from "../../src/orders/order-book.ts";
import { Inventory } from "../../src/sales/inventory.ts";
import { type SaleConfigInput, saleConfigSchema } from "../../src/sales/sale-config.ts";

// Member prices in the SKU object's order book (issue 16): on a sale with `memberPrices`, the
// tier's percent comes off the units first, rounded down; coupons and points follow.
const NOW = Date.UTC(2026, 10, 11);
const saleOf = (overrides: Partial<SaleConfigInput> = {}) =>
  saleConfigSchema.parse({
    sku: "member-book",
    title: "Member book",
    listPrice: 39_900,
    stock: 50,
    startsAt: NOW - 60_000,
    endsAt: NOW + 3_600_000,
    perShopperLimit: 10,
    memberPrices: true,
    ...overrides,
  });
const book = (overrides: Partial<SaleConfigInput> = {}) => {
  const sale = saleOf(overrides);
  return new OrderBook(sale, new Inventory(sale.stock));
};
const gold = { tier: "gold", percentOff: 3 };
const fullReduction: CouponTerms = {
  couponId: "cpn_mj_aaaaaaaaaaaa",
  templateId: "mj",
  title: "满300减50",
  type: "amount_off",
  amountOff: 5_000,
  percentOff: 0,
  maxDiscount: 0,
  minSpend: 30_000,
  skus: [],
  stackable: true,
  heldUntil: NOW + 120_000,
};

describe("member prices (src/membership/member-pricing.ts)", () => {
  it("takes the tier's percent of the subtotal, rounded down to whole fen", () => {
    // Gold, 3 % of ¥399.00 = 1,197 fen; 3 % of 9,999 fen = 299.97, so 299.
    expect(priceWithMember(39_900, gold, true)).toEqual({ memberPrice: { tier: "gold", percentOff: 3, amount: 1_197 }, left: 38_703 });
    expect(priceWithMember(9_999, gold, true).memberPrice?.amount).toBe(299);
    expect(memberUnitPrice(39_900, 3)).toBe(38_703);
    // No member, or a sale that did not opt in: the list price.
    expect(priceWithMember(39_900, null, true)).toEqual({ memberPrice: null, left: 39_900 });
    expect(priceWithMember(39_900, gold, false)).toEqual({ memberPrice: null, left: 39_900 });
  });

  it("prices a gold member's order on an opted-in sale, and nobody else's", () => {
    const b = book();
    const member = b.tryCheckout({ shopperId: "gold", idempotencyKey: "k1", qty: 2, member: gold }, NOW);
    expect(member.ok && member.value.order).toMatchObject({
      unitPrices: [39_900, 39_900],
      memberPrice: { tier: "gold", percentOff: 3, amount: 2_394 },
      totalAmount: 77_406,
    });
    const other = b.tryCheckout({ shopperId: "nobody", idempotencyKey: "k1", qty: 1, member: null }, NOW);
    expect(other.ok && other.value.order.totalAmount).toBe(39_900);
    expect(other.ok && other.value.order.memberPrice).toBeUndefined();
    // A sale without the flag ignores terms passed to it anyway.
    const plain = book({ memberPrices: false }).tryCheckout({ shopperId: "gold", idempotencyKey: "k1", qty: 1, member: gold }, NOW);
    expect(plain.ok && plain.value.order.totalAmount).toBe(39_900);
  });

  it("comes before the coupons: 满300减50 is weighed against the member price", () => {
    // ¥310.00 less 5 % is ¥294.50: below the ¥300 threshold, so the coupon is refused for a member.
    const b = book({ listPrice: 31_000 });
    const member = { tier: "diamond", percentOff: 5 };
    const refused = b.tryCheckout({ shopperId: "d", idempotencyKey: "k1", qty: 1, member, coupons: [fullReduction] }, NOW);
    expect(refused).toMatchObject({ ok: false, error: { code: "coupon_not_applicable", details: { minSpend: 30_000, subtotal: 29_450 } } });
    expect(b.totals.held).toBe(0);
    // ¥399.00 less 5 % is ¥379.05, then ¥50 off: ¥329.05.
    const c = book();
    const placed = c.tryCheckout({ shopperId: "d", idempotencyKey: "k1", qty: 1, member, coupons: [fullReduction] }, NOW);
    expect(placed.ok && placed.value.order).toMatchObject({ memberPrice: { amount: 1_995 }, totalAmount: 32_905 });
    // The order page's change of coupons keeps the member price.
    if (!placed.ok) throw new Error("placed");
    const none = c.applyCoupons(placed.value.order.id, "d", [], NOW);
    expect(none.ok && none.value.order).toMatchObject({ memberPrice: { amount: 1_995 }, totalAmount: 37_905 });
  });

  it("replays a retried key's order even if the tier changed meanwhile", () => {
    const b = book();
    const first = b.tryCheckout({ shopperId: "g", idempotencyKey: "k1", qty: 1, member: gold }, NOW);
    const retry = b.tryCheckout({ shopperId: "g", idempotencyKey: "k1", qty: 1, member: null }, NOW);
    expect(retry.ok && retry.value).toMatchObject({
      replayed: true,
      order: { id: first.ok ? first.value.order.id : "", totalAmount: 38_703 },
    });
  });

  it("accounts for every fen in the order book: total + member price + coupons + points = subtotal", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (listPrice, qty, percentOff, amountOff, points) => {
          const b = book({ listPrice });
          const coupons: CouponTerms[] = amountOff > 0 ? [{ ...fullReduction, minSpend: 0, amountOff }] : [];
          const terms = points > 0 ? { holdKey: "h", points, heldUntil: NOW + 120_000 } : null;
          const placed = b.tryCheckout(
            { shopperId: "s", idempotencyKey: "k", qty, coupons, points: terms, member: percentOff > 0 ? { tier: "t", percentOff } : null },
            NOW,
          );
          if (!placed.ok) return placed.error.code === "points_over_cap"; // too many points for what is left: refused whole
          const order = placed.value.order;
          const subtotal = order.unitPrices.reduce((sum, price) => sum + price, 0);
          const member = order.memberPrice?.amount ?? 0;
          const off = order.discounts.reduce((sum, d) => sum + d.amount, 0);
          return (
            order.totalAmount >= 0 &&
            member === Math.floor((subtotal * percentOff) / 100) &&
            order.totalAmount + member + off + (order.points?.used ?? 0) === subtotal
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
