import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkRefund, type RefundedSoFar } from "../../src/orders/refunds.ts";

const paid = (over: Partial<RefundedSoFar> = {}): RefundedSoFar => ({
  status: "paid",
  totalAmount: 39_900,
  qty: 1,
  refundedAmount: 0,
  refundedUnits: 0,
  ...over,
});

describe("the refund rule", () => {
  it("refunds a paid order whole, or in parts up to what was paid", () => {
    expect(checkRefund(paid(), { amount: 39_900, units: 1 })).toEqual({ ok: true, value: { amount: 0, units: 0 } });
    expect(checkRefund(paid({ refundedAmount: 5_000 }), { amount: 2_000, units: 0 })).toEqual({
      ok: true,
      value: { amount: 32_900, units: 1 },
    });
  });

  it("refuses more than is left, naming what is left", () => {
    const refused = checkRefund(paid({ refundedAmount: 5_000 }), { amount: 34_901, units: 0 });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: "not_refundable", details: { refundableAmount: 34_900, refundableUnits: 1 } },
    });
    expect(checkRefund(paid({ refundedUnits: 1 }), { amount: 1, units: 1 })).toMatchObject({
      ok: false,
      error: { code: "not_refundable" },
    });
  });

  it("refuses an order that is not paid", () => {
    for (const status of ["pending_payment", "cancelled", "expired"]) {
      expect(checkRefund(paid({ status }), { amount: 1, units: 0 })).toMatchObject({ ok: false, error: { code: "not_refundable" } });
    }
  });

  it("never lets a sequence of accepted refunds pass what was paid or bought", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.record({ amount: fc.integer({ min: 1, max: 400_000 }), units: fc.integer({ min: 0, max: 3 }) }), { maxLength: 20 }),
        (totalAmount, qty, requests) => {
          const order = paid({ totalAmount, qty });
          for (const request of requests) {
            if (checkRefund(order, request).ok) {
              order.refundedAmount += request.amount;
              order.refundedUnits += request.units;
            }
          }
          expect(order.refundedAmount).toBeLessThanOrEqual(totalAmount);
          expect(order.refundedUnits).toBeLessThanOrEqual(qty);
        },
      ),
    );
  });
});
