import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clientTag, FrameBudget } from "../../src/live/socket-limits.ts";

describe("FrameBudget", () => {
  it("takes a burst at once, then refuses until time refills it at the set rate", () => {
    const budget = new FrameBudget(0, 8, 1);
    expect(Array.from({ length: 10 }, () => budget.take(0))).toEqual([...Array(8).fill(true), false, false]);
    expect(budget.take(999)).toBe(false);
    expect(budget.take(1_000)).toBe(true);
    expect(budget.take(1_000)).toBe(false);
    expect(Array.from({ length: 9 }, () => budget.take(60_000)).filter(Boolean)).toHaveLength(8);
  });

  it("never lets more than burst + rate × elapsed frames through, whatever the timing", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(700), { maxLength: 200 }), (gaps) => {
        const budget = new FrameBudget(0, 8, 1);
        let now = 0;
        let taken = 0;
        for (const gap of gaps) {
          now += gap;
          if (budget.take(now)) taken += 1;
          expect(taken).toBeLessThanOrEqual(8 + Math.floor(now / 1000));
        }
      }),
    );
  });

  it("never goes backwards with a clock that does", () => {
    const budget = new FrameBudget(10_000, 1, 1);
    expect(budget.take(10_000)).toBe(true);
    expect(budget.take(5_000)).toBe(false);
  });
});

describe("clientTag", () => {
  it("names the client by address, bounded, and groups clients without one", () => {
    expect(clientTag("203.0.113.9")).toBe("client:203.0.113.9");
    expect(clientTag(null)).toBe("client:unknown");
    expect(clientTag("x".repeat(500)).length).toBeLessThanOrEqual(256);
  });
});
