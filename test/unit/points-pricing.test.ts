import { describe, expect, it } from "vitest";
import type { CouponTerms } from "../../src/coupons/discount.ts";
import { OrderBook } from "../../src/orders/order-book.ts";
import { Inventory } from "../../src/sales/inventory.ts";
import { saleConfigSchema } from "../../src/sales/sale-config.ts";

// Points in the SKU object's order book (issue 16): priced after coupons, capped at half of
// what is left, carried by the order, and what became of them answered for the settling job.
const NOW = Date.UTC(2026, 10, 11);
const sale = saleConfigSchema.parse({
  sku: "pts-book",
  title: "Points book",
  listPrice: 10_000,
  stock: 10,
  startsAt: NOW - 60_000,
  endsAt: NOW + 3_600_000,
  perShopperLimit: 5,
  holdSeconds: 600,
});
const book = () => new OrderBook(sale, new Inventory(sale.stock));
const terms = (points: number, holdKey = `hold:${points}`) => ({ holdKey, points, heldUntil: NOW + 120_000 });
const coupon: CouponTerms = {
  couponId: "cpn_c1_aaaaaaaaaaaa",
  templateId: "c1",
  title: "¥20 off",
  type: "amount_off",
  amountOff: 2_000,
  percentOff: 0,
  maxDiscount: 0,
  minSpend: 0,
  skus: [],
  stackable: true,
  heldUntil: NOW + 120_000,
};

describe("points in the order book", () => {
  it("takes 1 fen a point after the coupons, at most half of what is left", () => {
    const b = book();
    const placed = b.tryCheckout({ shopperId: "s1", idempotencyKey: "k1", qty: 1, coupons: [coupon], points: terms(4_000) }, NOW);
    expect(placed.ok && placed.value.order).toMatchObject({
      totalAmount: 4_000,
      points: { holdKey: "hold:4000", held: 4_000, used: 4_000 },
    });
    const over = b.tryCheckout({ shopperId: "s1", idempotencyKey: "k2", qty: 1, coupons: [], points: terms(5_001) }, NOW);
    expect(over).toMatchObject({ ok: false, error: { code: "points_over_cap", details: { maxPoints: 5_000 } } });
    // Refused, the unit went back.
    expect(b.totals.held).toBe(1);
  });

  it("refuses a hold about to run out, and a retry naming other points", () => {
    const b = book();
    const late = b.tryCheckout({ shopperId: "s1", idempotencyKey: "k1", qty: 1, points: { ...terms(100), heldUntil: NOW + 1_000 } }, NOW);
    expect(late).toMatchObject({ ok: false, error: { code: "points_unavailable" } });
    expect(b.tryCheckout({ shopperId: "s1", idempotencyKey: "k2", qty: 1, points: terms(100) }, NOW).ok).toBe(true);
    const other = b.tryCheckout({ shopperId: "s1", idempotencyKey: "k2", qty: 1, points: terms(200) }, NOW);
    expect(other).toMatchObject({ ok: false, error: { code: "idempotency_conflict" } });
  });

  it("uses fewer points when the coupons leave less, and answers what became of the hold", () => {
    const b = book();
    const placed = b.tryCheckout({ shopperId: "s1", idempotencyKey: "k1", qty: 1, points: terms(5_000) }, NOW);
    if (!placed.ok) throw new Error("placed");
    const id = placed.value.order.id;
    const priced = b.applyCoupons(id, "s1", [coupon], NOW);
    expect(priced.ok && priced.value.order).toMatchObject({ totalAmount: 4_000, points: { held: 5_000, used: 4_000 } });
    expect(b.pointsOutcome("s1", "k1", "hold:5000")).toEqual({ kind: "pending", expiresAt: NOW + 600_000 });
    expect(b.pointsOutcome("s1", "k1", "hold:other")).toEqual({ kind: "released" });
    b.confirm(id, "s1", "pay_1", NOW + 1_000);
    expect(b.pointsOutcome("s1", "k1", "hold:5000")).toEqual({ kind: "paid", orderId: id, used: 4_000 });
  });

  it("changes an unpaid order's points on the order page, dropping the hold it replaces", () => {
    const b = book();
    const placed = b.tryCheckout({ shopperId: "s1", idempotencyKey: "k1", qty: 1, points: terms(1_000, "hold:a") }, NOW);
    if (!placed.ok) throw new Error("placed");
    const id = placed.value.order.id;
    const changed = b.applyPoints(id, "s1", terms(3_000, "hold:b"), NOW);
    expect(changed.ok && changed.value).toMatchObject({ order: { totalAmount: 7_000 }, dropped: "hold:a" });
    const none = b.applyPoints(id, "s1", null, NOW);
    expect(none.ok && none.value).toMatchObject({ order: { totalAmount: 10_000 }, dropped: "hold:b" });
    expect(none.ok && none.value.order.points).toBeUndefined();
    b.cancel(id, "s1", NOW);
    expect(b.applyPoints(id, "s1", terms(1, "hold:c"), NOW)).toMatchObject({ ok: false, error: { code: "order_not_payable" } });
    expect(b.pointsOutcome("s1", "k1", "hold:b")).toEqual({ kind: "released" });
  });
});
