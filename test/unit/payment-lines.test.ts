import { describe, expect, it } from "vitest";
import { paymentLines } from "../../src/orders/order-sink.ts";
import type { PresaleLine } from "../../src/presale/presale-terms.ts";
import { paidOrder, pendingOrder, T0 } from "../support/paid-orders.ts";

const line = (overrides: Partial<PresaleLine> = {}): PresaleLine => ({
  deposit: 10_000,
  depositWorth: 30_000,
  balance: 89_800,
  balanceOpensAt: T0 + 3_600_000,
  balanceClosesAt: T0 + 7_200_000,
  forfeit: "keep",
  depositPaidAt: null,
  depositRef: null,
  balancePaidAt: null,
  ...overrides,
});

describe("the payment lines an order's snapshot tells of (issue 19)", () => {
  it("an ordinary order: none until paid, then one full line of its total", () => {
    const order = pendingOrder("shp_lines", 119_800);
    expect(paymentLines(order)).toEqual([]);
    const paid = paidOrder(order);
    expect(paymentLines(paid)).toEqual([
      { order_id: order.id, kind: "full", amount: 119_800, payment_ref: paid.paymentRef, paid_at: new Date(paid.updatedAt).toISOString() },
    ]);
  });

  it("a presale order: its deposit once paid, its balance once paid, and a forfeited one keeps its deposit line", () => {
    const pending = pendingOrder("shp_lines", 99_800, { presale: line() });
    expect(paymentLines(pending)).toEqual([]);
    const deposited = { ...pending, status: "deposit_paid" as const, presale: line({ depositPaidAt: T0 + 1, depositRef: "dep_1" }) };
    const depositLine = {
      order_id: pending.id,
      kind: "deposit",
      amount: 10_000,
      payment_ref: "dep_1",
      paid_at: new Date(T0 + 1).toISOString(),
    };
    expect(paymentLines(deposited)).toEqual([depositLine]);
    const settled = {
      ...deposited,
      status: "paid" as const,
      paymentRef: "bal_1",
      presale: { ...deposited.presale, balancePaidAt: T0 + 3_600_000 },
    };
    expect(paymentLines(settled)).toEqual([
      depositLine,
      { order_id: pending.id, kind: "balance", amount: 89_800, payment_ref: "bal_1", paid_at: new Date(T0 + 3_600_000).toISOString() },
    ]);
    expect(paymentLines({ ...deposited, status: "forfeited" })).toEqual([depositLine]);
  });
});
