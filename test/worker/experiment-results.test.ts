import { describe, expect, it } from "vitest";
import { admin } from "./admin-support.ts";
import { type ExperimentConfig, type ExperimentResults, runningExperiment } from "./experiment-support.ts";
import { withPostgres } from "./postgres-support.ts";

/**
 * Results through the whole path (issue 13): exposures and order events in Postgres, the one
 * aggregate query, the statistics, the admin route. Shoppers are written straight into the
 * two tables with generate_series, as the events consumer would have written them.
 */

interface Arm {
  variant: string;
  shoppers: number;
  /** How many of them created an order after their exposure (and paid it, for `amount`). */
  converted: number;
  /** Each converter's paid amount (fen); none when 0. */
  amount?: (i: number) => number;
}

/** Writes the arms' shoppers: an exposure an hour ago each, and an order created (and paid) since for the first `converted`. */
async function seedArms(experiment: string, arms: Arm[]): Promise<void> {
  await withPostgres(async (pool) => {
    for (const arm of arms) {
      const prefix = `${experiment}-${arm.variant}-`;
      await pool.query(
        `insert into experiment_exposures (experiment, shopper_id, variant, exposed_at, device, locale)
         select $1, $2 || i, $3, now() - interval '1 hour', 'phone', 'zh-CN' from generate_series(1, $4::int) as i`,
        [experiment, prefix, arm.variant, arm.shoppers],
      );
      if (arm.converted === 0) continue;
      await pool.query(
        `insert into events (id, type, shopper_id, at, received_at, device, amount)
         select 'ord_' || $1 || i || ':pending_payment', 'order_created', $1 || i, now() - interval '30 minutes', now(), 'unknown', 100
         from generate_series(1, $2::int) as i`,
        [prefix, arm.converted],
      );
      if (!arm.amount) continue;
      const amounts = Array.from({ length: arm.converted }, (_, i) => arm.amount!(i));
      await pool.query(
        `insert into events (id, type, shopper_id, at, received_at, device, amount)
         select 'ord_' || $1 || i || ':paid', 'order_paid', $1 || i, now() - interval '20 minutes', now(), 'unknown', ($2::bigint[])[i]
         from generate_series(1, $3::int) as i`,
        [prefix, amounts, arm.converted],
      );
    }
  });
}

async function results(key: string): Promise<ExperimentResults> {
  const response = await admin(`/experiments/${key}/results`);
  expect(response.status).toBe(200);
  return response.json<ExperimentResults>();
}

/** A running countdown experiment: canvas (control) against static. */
function running(overrides: Partial<ExperimentConfig> = {}): Promise<ExperimentConfig> {
  return runningExperiment({
    surface: "countdown",
    variants: [
      { key: "dynamic", name: "Canvas countdown", weight: 50 },
      { key: "static", name: "Static countdown", weight: 50 },
    ],
    ...overrides,
  });
}

describe("GET /admin/api/experiments/{key}/results (issue 13)", () => {
  it("gives issue 13's worked example through Postgres: 200/1000 against 250/1000 → z = 2.6774, p = 0.00742", async () => {
    const experiment = await running();
    await seedArms(experiment.key, [
      { variant: "dynamic", shoppers: 1000, converted: 200 },
      { variant: "static", shoppers: 1000, converted: 250 },
    ]);
    const answer = await results(experiment.key);
    expect(answer.metric).toBe("checkout");
    expect(answer.variants.map((v) => [v.variant, v.shoppers, v.checkouts])).toEqual([
      ["dynamic", 1000, 200],
      ["static", 1000, 250],
    ]);
    // Wilson 95 % intervals of 20 % and 25 % out of 1,000.
    expect(answer.variants[0]!.primary!.value).toBe(0.2);
    expect(answer.variants[0]!.primary!.low).toBeCloseTo(0.1764, 4);
    expect(answer.variants[0]!.primary!.high).toBeCloseTo(0.2259, 4);
    const [comparison] = answer.comparisons;
    expect(comparison!.variant).toBe("static");
    expect(comparison!.statistic).toBeCloseTo(2.6774, 4);
    expect(comparison!.pValue).toBeCloseTo(0.00742, 5);
    expect(comparison!.uplift).toBeCloseTo(0.25, 10);
    expect(comparison!.ciLow).toBeCloseTo(0.05 - 0.036536, 5);
    expect(answer.srm).toEqual({ chiSquare: 0, pValue: 1, mismatch: false });
  });

  it("flags a sample-ratio mismatch: 5,000 against 4,600 on a 50/50 split", async () => {
    const experiment = await running();
    await seedArms(experiment.key, [
      { variant: "dynamic", shoppers: 5000, converted: 0 },
      { variant: "static", shoppers: 4600, converted: 0 },
    ]);
    const { srm, comparisons } = await results(experiment.key);
    // (5000 − 4800)² / 4800 × 2 = 16.667 on 1 df.
    expect(srm.chiSquare).toBeCloseTo(16.6667, 3);
    expect(srm.pValue).toBeLessThan(0.001);
    expect(srm.mismatch).toBe(true);
    expect(comparisons[0]!.pValue).toBe(1);
  });

  it("compares revenue per shopper with Welch's t-test (zeros for those who did not buy)", async () => {
    const experiment = await running({ primaryMetric: "revenue" });
    // 10 shoppers a side: 5 paid 100–140 yuan in the control, 5 paid 180–220 yuan in the variant.
    await seedArms(experiment.key, [
      { variant: "dynamic", shoppers: 10, converted: 5, amount: (i) => 10_000 + i * 1_000 },
      { variant: "static", shoppers: 10, converted: 5, amount: (i) => 18_000 + i * 1_000 },
    ]);
    const answer = await results(experiment.key);
    expect(answer.variants.map((v) => v.revenue.total)).toEqual([60_000, 100_000]);
    expect(answer.variants.map((v) => v.primary!.value)).toEqual([6_000, 10_000]);
    const [comparison] = answer.comparisons;
    expect(comparison!.difference).toBe(4_000);
    // By hand: sample sd 6,411.79 and 10,593.50 fen, SE = √((s₁² + s₂²)/10) = 3,915.78, t = 4,000 / 3,915.78 = 1.0215.
    expect(comparison!.statistic).toBeCloseTo(1.0215, 4);
    expect(comparison!.pValue).toBeGreaterThan(0.3);
    expect(comparison!.ciLow).toBeLessThan(0);
  });

  it("counts nothing after the experiment stopped, nor exposures from then on", async () => {
    const experiment = await running();
    await seedArms(experiment.key, [
      { variant: "dynamic", shoppers: 4, converted: 2 },
      { variant: "static", shoppers: 4, converted: 0 },
    ]);
    await admin(`/experiments/${experiment.key}/stop`, { method: "POST" });
    await withPostgres((pool) =>
      pool.query(
        `insert into experiment_exposures (experiment, shopper_id, variant, exposed_at, device) values ($1, $2, 'static', now() + interval '1 minute', 'phone')`,
        [experiment.key, `${experiment.key}-late`],
      ),
    );
    const answer = await results(experiment.key);
    expect(answer.status).toBe("stopped");
    expect(answer.variants.map((v) => [v.shoppers, v.checkouts])).toEqual([
      [4, 2],
      [4, 0],
    ]);
  });

  it("answers an experiment nobody has seen with zeros, and 404 for none", async () => {
    const experiment = await running();
    const answer = await results(experiment.key);
    expect(answer.variants.map((v) => [v.shoppers, v.primary])).toEqual([
      [0, null],
      [0, null],
    ]);
    expect(answer.comparisons).toEqual([]);
    expect((await admin("/experiments/nobody-here/results")).status).toBe(404);
  });
});
