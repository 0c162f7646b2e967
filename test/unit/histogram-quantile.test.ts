import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { histogramQuantile } from "../../src/metrics/histogram-quantile.ts";

const ISSUE_BUCKETS = [
  { le: 0.1, count: 50 },
  { le: 0.25, count: 90 },
  { le: 0.5, count: 99 },
  { le: 1, count: 100 },
  { le: Number.POSITIVE_INFINITY, count: 100 },
];

describe("histogramQuantile (src/metrics/histogram-quantile.ts), as Prometheus computes it", () => {
  it("gives p99 = 0.5 s and p95 = 0.3889 s for issue 13's buckets, and p50 = 0.1 s", () => {
    expect(histogramQuantile(0.99, ISSUE_BUCKETS)).toBeCloseTo(0.5, 10);
    expect(histogramQuantile(0.95, ISSUE_BUCKETS)).toBeCloseTo(0.3889, 4);
    expect(histogramQuantile(0.5, ISSUE_BUCKETS)).toBeCloseTo(0.1, 10);
  });

  it("answers the highest finite bound for a rank in +Inf, and NaN with no observations", () => {
    const spilled = [
      { le: 0.1, count: 10 },
      { le: 1, count: 20 },
      { le: Number.POSITIVE_INFINITY, count: 40 },
    ];
    expect(histogramQuantile(0.9, spilled)).toBe(1);
    expect(histogramQuantile(0.5, [{ le: Number.POSITIVE_INFINITY, count: 0 }])).toBeNaN();
  });

  it("never decreases as q grows, and stays within the buckets' bounds", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 50 }), { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (added, q) => {
          let count = 0;
          const buckets: Array<{ le: number; count: number }> = [];
          for (const [i, n] of added.entries()) {
            count += n;
            buckets.push({ le: (i + 1) * 0.1, count });
          }
          buckets.push({ le: Number.POSITIVE_INFINITY, count });
          if (count === 0) return;
          const lower = histogramQuantile(q, buckets);
          const higher = histogramQuantile(Math.min(0.999, q + 0.001), buckets);
          expect(higher).toBeGreaterThanOrEqual(lower - 1e-12);
          expect(lower).toBeGreaterThanOrEqual(0);
          expect(lower).toBeLessThanOrEqual(added.length * 0.1 + 1e-12);
        },
      ),
    );
  });
});
