import { describe, expect, it } from "vitest";
import type { Comparison, SampleRatioCheck } from "../../src/experiments/statistics.ts";
import { admin, readError } from "./admin-support.ts";

/** The endpoint's answer: the domain's own types (src/experiments/statistics.ts). */
type Stats = { srm: SampleRatioCheck; comparisons: Comparison[] };

describe("POST /admin/api/experiments/stats (issue 13)", () => {
  it("answers the two-proportion test of issue 13's worked example, and no mismatch on an even split", async () => {
    const response = await admin("/experiments/stats", {
      body: {
        metric: "proportion",
        variants: [
          { name: "static countdown", users: 1000, conversions: 200 },
          { name: "dynamic countdown", users: 1000, conversions: 250 },
        ],
      },
    });
    expect(response.status).toBe(200);
    const stats = await response.json<Stats>();
    expect(stats.srm).toEqual({ chiSquare: 0, pValue: 1, mismatch: false });
    const [comparison] = stats.comparisons;
    expect(comparison!.variant).toBe("dynamic countdown");
    expect(comparison!.statistic).toBeCloseTo(2.6774, 4);
    expect(comparison!.pValue).toBeCloseTo(0.00742, 5);
    expect(comparison!.uplift).toBeCloseTo(0.25, 10);
  });

  it("answers Welch's t-test for a mean metric, and flags a skewed split against its weights", async () => {
    const response = await admin("/experiments/stats", {
      body: {
        metric: "mean",
        variants: [
          { name: "blue", users: 5000, weight: 50, mean: 18, stddev: Math.sqrt(2.5) },
          { name: "red", users: 5500, weight: 50, mean: 18.5, stddev: Math.sqrt(8.2) },
        ],
      },
    });
    expect(response.status).toBe(200);
    const stats = await response.json<Stats>();
    expect(stats.srm.mismatch).toBe(true);
    expect(stats.srm.chiSquare).toBeCloseTo(23.8095, 3);
    expect(stats.comparisons[0]!.difference).toBeCloseTo(0.5, 10);
    expect(stats.comparisons[0]!.ciLow).toBeLessThan(stats.comparisons[0]!.ciHigh);
  });

  it("lists every problem of a bad request, at its field", async () => {
    const response = await admin("/experiments/stats", {
      body: {
        metric: "proportion",
        variants: [
          { name: "a", users: 10, conversions: 11 },
          { name: "b", users: 10 },
        ],
      },
    });
    expect(response.status).toBe(400);
    const error = await readError(response);
    expect(error.problems).toEqual([
      "variants.0.conversions: must not exceed users",
      "variants.1.conversions: required for a proportion metric",
    ]);
    expect((await admin("/experiments/stats", { body: { metric: "median", variants: [] } })).status).toBe(400);
  });
});
