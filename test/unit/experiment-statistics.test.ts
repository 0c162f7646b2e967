import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { experimentResults } from "../../src/experiments/results.ts";
import { compareMeans, compareProportions, proportionEstimate, sampleRatioCheck, welch } from "../../src/experiments/statistics.ts";

/** Mean and sample standard deviation of a sample, for the worked examples given as raw data. */
function summarize(name: string, values: number[]) {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
  return { name, users: values.length, mean, stddev: Math.sqrt(variance) };
}

describe("A/B statistics (src/experiments/statistics.ts)", () => {
  it("two-proportion z-test: 200/1000 against 250/1000 gives z = 2.6774, p = 0.00742 (issue 13's worked example)", () => {
    const [result] = compareProportions([
      { name: "control", users: 1000, conversions: 200 },
      { name: "variant", users: 1000, conversions: 250 },
    ]);
    expect(result!.variant).toBe("variant");
    expect(result!.statistic).toBeCloseTo(2.6774, 4);
    expect(result!.pValue).toBeCloseTo(0.00742, 5);
    expect(result!.difference).toBeCloseTo(0.05, 10);
    expect(result!.uplift).toBeCloseTo(0.25, 10);
    // Unpooled 95 % interval: 0.05 ± 1.95996 × √(0.2·0.8/1000 + 0.25·0.75/1000) = 0.05 ± 0.036536.
    expect(result!.ciLow).toBeCloseTo(0.05 - 0.036536, 5);
    expect(result!.ciHigh).toBeCloseTo(0.05 + 0.036536, 5);
  });

  it("Welch's t-test: 23, 21, 25, 20, 27 against 18, 19, 17, 20, 16 gives t = 3.5546 on 6.23 df, p = 0.01127 (a published calculator's example)", () => {
    const control = summarize("control", [18, 19, 17, 20, 16]);
    const variant = summarize("variant", [23, 21, 25, 20, 27]);
    const { t, df } = welch(control, variant);
    expect(t).toBeCloseTo(3.5546, 4);
    expect(df).toBeCloseTo(6.2316, 3);
    const [result] = compareMeans([control, variant]);
    expect(result!.difference).toBeCloseTo(5.2, 10);
    expect(result!.pValue).toBeCloseTo(0.011267, 5);
    expect(result!.uplift).toBeCloseTo(5.2 / 18, 10);
    expect(result!.ciLow).toBeGreaterThan(0); // significant at 5 %: the interval excludes 0
  });

  it("sample-ratio mismatch: 5,000 against 5,500 on a 50/50 split is flagged (χ² = 23.81, p ≈ 1.06e-6); 5,000 against 5,100 is not", () => {
    const skewed = sampleRatioCheck([{ users: 5000 }, { users: 5500 }]);
    expect(skewed.chiSquare).toBeCloseTo(23.8095, 3);
    expect(skewed.pValue).toBeCloseTo(1.0633e-6, 9);
    expect(skewed.mismatch).toBe(true);
    expect(sampleRatioCheck([{ users: 5000 }, { users: 5100 }]).mismatch).toBe(false);
    // Weights are the configured split: 9,000 against 1,000 on 90/10 is exactly right.
    expect(
      sampleRatioCheck([
        { users: 9000, weight: 90 },
        { users: 1000, weight: 10 },
      ]),
    ).toEqual({ chiSquare: 0, pValue: 1, mismatch: false });
  });

  it("for one degree of freedom the chi-square p-value equals the two-sided normal one of √χ² (two libraries' functions agree)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 100_000 }), fc.integer({ min: 100, max: 100_000 }), (a, b) => {
        const { chiSquare, pValue } = sampleRatioCheck([{ users: a }, { users: b }]);
        expect(pValue).toBeCloseTo(2 * (1 - standardNormal(Math.sqrt(chiSquare))), 6);
      }),
      { numRuns: 50 },
    );
  });

  it("answers nothing for a lone control, and no uplift over a control at zero", () => {
    expect(compareProportions([{ name: "only", users: 10, conversions: 1 }])).toEqual([]);
    const [fromZero] = compareProportions([
      { name: "control", users: 100, conversions: 0 },
      { name: "variant", users: 100, conversions: 5 },
    ]);
    expect(fromZero!.uplift).toBeNull();
  });
});

/** Φ by the Abramowitz–Stegun 7.1.26 erf approximation (|error| < 1.5e-7): an independent check. */
function standardNormal(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

describe("per-variant estimates and results (issue 13's results path)", () => {
  it("a rate's 95 % Wilson interval: 200/1000 is 0.2 in [0.1764, 0.2259]; 0/10 stays within [0, 1]", () => {
    const estimate = proportionEstimate(200, 1000)!;
    expect(estimate.value).toBe(0.2);
    expect(estimate.low).toBeCloseTo(0.17638, 4);
    expect(estimate.high).toBeCloseTo(0.22592, 4);
    const none = proportionEstimate(0, 10)!;
    expect(none.low).toBeCloseTo(0, 12);
    expect(none.high).toBeCloseTo(0.2775, 4);
    expect(proportionEstimate(0, 0)).toBeNull();
  });

  it("experimentResults: the worked example, zeros for a variant nobody saw, SRM on 5,000 against 4,600", () => {
    const experiment = {
      key: "e",
      name: "e",
      description: "",
      surface: "countdown" as const,
      primaryMetric: "checkout" as const,
      variants: [
        { key: "dynamic", name: "Canvas", weight: 50 },
        { key: "static", name: "Static", weight: 50 },
      ],
      targeting: { shoppers: [], devices: [], locales: [] },
      seed: "e",
      status: "running" as const,
      startedAt: 1,
      stoppedAt: null,
      version: 2,
      updatedAt: 1,
      updatedBy: null,
    };
    const tally = (variant: string, shoppers: number, checkouts: number) => ({
      variant,
      shoppers,
      checkouts,
      payments: 0,
      revenue: { total: 0, mean: 0, stddev: 0 },
    });
    const worked = experimentResults(experiment, [tally("dynamic", 1000, 200), tally("static", 1000, 250)], 5);
    expect(worked.comparisons[0]!.statistic).toBeCloseTo(2.6774, 4);
    expect(worked.comparisons[0]!.pValue).toBeCloseTo(0.00742, 5);
    const unseen = experimentResults(experiment, [tally("dynamic", 10, 1)], 5);
    expect(unseen.variants[1]).toMatchObject({ variant: "static", shoppers: 0, primary: null });
    expect(unseen.comparisons).toEqual([]);
    const skewed = experimentResults(experiment, [tally("dynamic", 5000, 0), tally("static", 4600, 0)], 5);
    expect(skewed.srm.chiSquare).toBeCloseTo(16.667, 3);
    expect(skewed.srm.mismatch).toBe(true);
    const fair = experimentResults(experiment, [tally("dynamic", 5000, 0), tally("static", 4900, 0)], 5);
    expect(fair.srm.mismatch).toBe(false);
  });
});
