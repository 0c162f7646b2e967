import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { equalSplit, secureRandom, seededRandom, twiceTheMeanBound, twiceTheMeanSplit } from "../../src/teams/split.ts";

/** A pool and a number of members it can be split among (at least 1 fen each). */
const pool = fc
  .integer({ min: 1, max: 12 })
  .chain((members) => fc.record({ members: fc.constant(members), total: fc.integer({ min: members, max: 10_000_000 }) }));
const sum = (shares: number[]) => shares.reduce((a, b) => a + b, 0);

describe("splitting a team's pool (src/teams/split.ts, issue 14)", () => {
  it("follows issue 14's worked example: 10,001 fen among 4 is [2501, 2500, 2500, 2500]", () => {
    expect(equalSplit(10_001, 4)).toEqual([2501, 2500, 2500, 2500]);
    expect(equalSplit(10_000, 4)).toEqual([2500, 2500, 2500, 2500]);
    expect(equalSplit(10_003, 4)).toEqual([2501, 2501, 2501, 2500]);
    expect(equalSplit(4, 4)).toEqual([1, 1, 1, 1]);
  });

  it("splits equally: sums exactly, every share at least 1 fen, no two shares more than 1 fen apart, the larger ones first", () => {
    fc.assert(
      fc.property(pool, ({ total, members }) => {
        const shares = equalSplit(total, members);
        expect(shares).toHaveLength(members);
        expect(sum(shares)).toBe(total);
        expect(Math.min(...shares)).toBeGreaterThanOrEqual(1);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
        expect([...shares].sort((a, b) => b - a)).toEqual(shares);
      }),
    );
  });

  it("splits at random by twice the mean: sums exactly, every share at least 1 fen and within its step's bound, the last takes the rest", () => {
    fc.assert(
      fc.property(pool, fc.integer(), ({ total, members }, seed) => {
        const shares = twiceTheMeanSplit(total, members, seededRandom(seed));
        expect(shares).toHaveLength(members);
        expect(sum(shares)).toBe(total);
        let remaining = total;
        shares.forEach((share, index) => {
          expect(Number.isSafeInteger(share)).toBe(true);
          expect(share).toBeGreaterThanOrEqual(1);
          const left = members - index;
          if (left > 1) expect(share).toBeLessThanOrEqual(twiceTheMeanBound(remaining, left));
          else expect(share).toBe(remaining);
          remaining -= share;
        });
      }),
    );
  });

  it("is deterministic for a seeded random, and reaches both ends of each step's range", () => {
    fc.assert(
      fc.property(pool, fc.integer(), ({ total, members }, seed) => {
        expect(twiceTheMeanSplit(total, members, seededRandom(seed))).toEqual(twiceTheMeanSplit(total, members, seededRandom(seed)));
      }),
    );
    // 10,000 fen among 4: the first draw is in [1, floor(2 × 10000 / 4) − 1] = [1, 4999].
    expect(twiceTheMeanBound(10_000, 4)).toBe(4999);
    expect(twiceTheMeanSplit(10_000, 4, () => 0)).toEqual([1, 1, 1, 9997]);
    const top = () => 1 - 2 ** -32;
    // 4999 leaves 5001 among 3 (bound 3333), then 1668 among 2 (bound 1667), the last 1.
    expect(twiceTheMeanSplit(10_000, 4, top)).toEqual([4999, 3333, 1667, 1]);
  });

  it("gives the smallest pools one fen each, and a single member the whole pool", () => {
    expect(twiceTheMeanSplit(4, 4, secureRandom)).toEqual([1, 1, 1, 1]);
    expect(twiceTheMeanSplit(500, 1, secureRandom)).toEqual([500]);
    expect(equalSplit(500, 1)).toEqual([500]);
  });

  it("draws each share with a mean near the pool's mean: no member's position favours them", () => {
    const random = seededRandom(14);
    const totals = [0, 0, 0, 0];
    const runs = 20_000;
    for (let run = 0; run < runs; run++) {
      twiceTheMeanSplit(10_000, 4, random).forEach((share, i) => {
        totals[i]! += share;
      });
    }
    // Every position's share is centred on the mean (2500): within 3% over 20,000 runs.
    for (const total of totals) expect(Math.abs(total / runs - 2500)).toBeLessThan(75);
  });

  it("refuses fewer fen than members, no members, and amounts that are not whole fen", () => {
    expect(() => equalSplit(3, 4)).toThrow(RangeError);
    expect(() => twiceTheMeanSplit(3, 4, secureRandom)).toThrow(RangeError);
    expect(() => equalSplit(10, 0)).toThrow(RangeError);
    expect(() => twiceTheMeanSplit(10, 0, secureRandom)).toThrow(RangeError);
    expect(() => equalSplit(10.5, 2)).toThrow(RangeError);
    expect(() => twiceTheMeanSplit(10, 2.5, secureRandom)).toThrow(RangeError);
    expect(() => twiceTheMeanSplit(10, 2, () => 1)).toThrow(RangeError);
    expect(() => twiceTheMeanSplit(10, 2, () => Number.NaN)).toThrow(RangeError);
  });

  it("draws secure randoms in [0, 1)", () => {
    for (let i = 0; i < 1000; i++) {
      const draw = secureRandom();
      expect(draw).toBeGreaterThanOrEqual(0);
      expect(draw).toBeLessThan(1);
    }
  });
});
