import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leftToExpire, pointsCap, pointsToReverse } from "../../src/membership/points-rules.ts";

describe("pointsToReverse", () => {
  it("takes back everything on a full refund: both rows of a ¥399 order paid with an electronic invoice", () => {
    expect(pointsToReverse({ earned: 798, totalAmount: 39_900, refundedBefore: 0, amount: 39_900, reversedBefore: 0 })).toBe(798);
  });

  it("takes back in proportion, floored: ¥100 of a ¥399 order that earned 399 points takes 100", () => {
    expect(pointsToReverse({ earned: 399, totalAmount: 39_900, refundedBefore: 0, amount: 10_000, reversedBefore: 0 })).toBe(100);
    // A third of ¥1 of an order that earned 1 point takes nothing yet; the rest of the order takes the point.
    expect(pointsToReverse({ earned: 1, totalAmount: 300, refundedBefore: 0, amount: 100, reversedBefore: 0 })).toBe(0);
    expect(pointsToReverse({ earned: 1, totalAmount: 300, refundedBefore: 100, amount: 200, reversedBefore: 0 })).toBe(1);
  });

  it("takes nothing of an order that earned nothing", () => {
    expect(pointsToReverse({ earned: 0, totalAmount: 39_900, refundedBefore: 0, amount: 39_900, reversedBefore: 0 })).toBe(0);
  });

  it("over any sequence of partial refunds: never negative, never more than earned in all, exactly what was earned once all is refunded", () => {
    const order = fc
      .record({ earned: fc.integer({ min: 0, max: 2_000_000 }), totalAmount: fc.integer({ min: 1, max: 2_000_000_000 }) })
      .chain(({ earned, totalAmount }) =>
        fc.record({
          earned: fc.constant(earned),
          totalAmount: fc.constant(totalAmount),
          // Each refund as a share of what is left; the last one, when `full`, takes the rest.
          shares: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }),
          full: fc.boolean(),
        }),
      );
    fc.assert(
      fc.property(order, ({ earned, totalAmount, shares, full }) => {
        let refunded = 0;
        let reversed = 0;
        const amounts = shares.map((share) => Math.max(1, Math.floor((totalAmount - refunded) * share)));
        for (const [i, share] of amounts.entries()) {
          const left = totalAmount - refunded;
          if (left === 0) break;
          const amount = full && i === amounts.length - 1 ? left : Math.min(left, share);
          const points = pointsToReverse({ earned, totalAmount, refundedBefore: refunded, amount, reversedBefore: reversed });
          expect(points).toBeGreaterThanOrEqual(0);
          refunded += amount;
          reversed += points;
          expect(reversed).toBeLessThanOrEqual(earned);
          // In proportion at every step: what the money refunded so far says, floored.
          expect(reversed).toBe(Math.floor((earned * refunded) / totalAmount));
        }
        if (refunded === totalAmount) expect(reversed).toBe(earned);
      }),
      { numRuns: 500 },
    );
  });
});

describe("pointsCap", () => {
  it("lets points pay at most half of what is left after coupons, in whole fen", () => {
    expect(pointsCap(39_900)).toBe(19_950);
    expect(pointsCap(1)).toBe(0);
    expect(pointsCap(0)).toBe(0);
  });
});

describe("leftToExpire", () => {
  it("lapses what is left of the oldest rows first", () => {
    // Earned 100 then 50; 120 used: the first row has nothing left, the second 30.
    expect(leftToExpire({ amount: 100 }, 100, 120)).toBe(0);
    expect(leftToExpire({ amount: 50 }, 150, 120)).toBe(30);
    // Nothing used: all of it lapses; a balance pushed below zero lapses nothing more.
    expect(leftToExpire({ amount: 50 }, 50, 0)).toBe(50);
    expect(leftToExpire({ amount: 50 }, 50, 500)).toBe(0);
  });
});
