import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import type { ExperimentConfig, ExperimentStatus, PrimaryMetric } from "./experiment-config.ts";
import {
  type Comparison,
  compareMeans,
  compareProportions,
  type Estimate,
  meanEstimate,
  proportionEstimate,
  type SampleRatioCheck,
  sampleRatioCheck,
} from "./statistics.ts";

/**
 * An experiment's results (issue 13), from Postgres in one aggregate query: every shopper
 * with an exposure (experiment_exposures, one per shopper), and their order events after
 * that first exposure (and before the experiment stopped), per variant. Attribution is by
 * exposure, not by the `experiments` an event carries: order events are the server's and
 * know no assignment; a shopper's order counts for the variant they were first shown.
 */

/** One variant's counts, as the query returns them. */
export interface VariantTally {
  variant: string;
  /** Shoppers exposed. */
  shoppers: number;
  /** Of them, shoppers with an `order_created` after their first exposure: conversion to checkout. */
  checkouts: number;
  /** Shoppers with an `order_paid` after it: conversion to payment. */
  payments: number;
  /** Revenue per shopper exposed (the sum of their `order_paid` amounts, fen; 0 for most): total, mean, sample standard deviation. */
  revenue: { total: number; mean: number; stddev: number };
}

export interface VariantResult extends VariantTally {
  name: string;
  /** The configured weight (for the sample-ratio check). */
  weight: number;
  /** The primary metric's value for this variant with its 95 % interval: a rate (Wilson), or revenue per shopper in fen (t); null with too few shoppers. */
  primary: Estimate | null;
}

export interface ExperimentResults {
  experiment: string;
  status: ExperimentStatus;
  metric: PrimaryMetric;
  startedAt: number | null;
  stoppedAt: number | null;
  computedAt: number;
  /** In configured order; the first is the control. */
  variants: VariantResult[];
  /** Each variant after the first against it: difference (a rate, or fen per shopper), uplift, z or Welch's t, p-value, 95 % interval. Left out for a variant without enough shoppers. */
  comparisons: Comparison[];
  /** Shoppers per variant against the configured weights: `mismatch` when p < 0.001. */
  srm: SampleRatioCheck;
}

/** The counts per variant of one experiment, in one query on the exposures and the shoppers' order events. */
export async function tallyExperiment(db: Pick<Database, "execute">, experiment: ExperimentConfig): Promise<VariantTally[]> {
  const stoppedAt = experiment.stoppedAt === null ? null : new Date(experiment.stoppedAt).toISOString();
  const { rows } = await db.execute<{
    variant: string;
    shoppers: number;
    checkouts: number;
    payments: number;
    revenue_total: number;
    revenue_mean: number;
    revenue_stddev: number | null;
  }>(sql`
    with exposed as (
      select shopper_id, variant, exposed_at from experiment_exposures
      where experiment = ${experiment.key} and (${stoppedAt}::timestamptz is null or exposed_at <= ${stoppedAt}::timestamptz)
    ), per_shopper as (
      select x.variant,
        bool_or(e.type = 'order_created') as checked_out,
        bool_or(e.type = 'order_paid') as paid,
        coalesce(sum(e.amount) filter (where e.type = 'order_paid'), 0)::float8 as revenue
      from exposed x
      left join events e on e.shopper_id = x.shopper_id
        and e.type in ('order_created', 'order_paid')
        and e.at >= x.exposed_at
        and (${stoppedAt}::timestamptz is null or e.at <= ${stoppedAt}::timestamptz)
      group by x.variant, x.shopper_id
    )
    select variant,
      count(*)::int as shoppers,
      (count(*) filter (where checked_out))::int as checkouts,
      (count(*) filter (where paid))::int as payments,
      sum(revenue)::float8 as revenue_total,
      avg(revenue)::float8 as revenue_mean,
      stddev_samp(revenue)::float8 as revenue_stddev
    from per_shopper group by variant`);
  return rows.map((row) => ({
    variant: row.variant,
    shoppers: Number(row.shoppers),
    checkouts: Number(row.checkouts),
    payments: Number(row.payments),
    revenue: { total: Number(row.revenue_total), mean: Number(row.revenue_mean), stddev: Number(row.revenue_stddev ?? 0) },
  }));
}

/**
 * The statistics of the tallies, against the experiment's variants in their configured
 * order (a variant nobody has seen yet counts zero; a variant no longer configured is
 * left out). Conversion metrics: two-proportion z-tests; revenue: Welch's t-tests.
 */
export function experimentResults(experiment: ExperimentConfig, tallies: readonly VariantTally[], computedAt: number): ExperimentResults {
  const byVariant = new Map(tallies.map((t) => [t.variant, t]));
  const metric = experiment.primaryMetric;
  const variants: VariantResult[] = experiment.variants.map((v) => {
    const tally = byVariant.get(v.key) ?? {
      variant: v.key,
      shoppers: 0,
      checkouts: 0,
      payments: 0,
      revenue: { total: 0, mean: 0, stddev: 0 },
    };
    const primary =
      metric === "revenue"
        ? meanEstimate({ users: tally.shoppers, ...tally.revenue })
        : proportionEstimate(conversionsOf(metric, tally), tally.shoppers);
    return { ...tally, name: v.name, weight: v.weight, primary };
  });
  const [control, ...others] = variants;
  const comparisons = control ? others.flatMap((arm) => compare(metric, control, arm)) : [];
  return {
    experiment: experiment.key,
    status: experiment.status,
    metric,
    startedAt: experiment.startedAt,
    stoppedAt: experiment.stoppedAt,
    computedAt,
    variants,
    comparisons,
    srm: sampleRatioCheck(variants.map((v) => ({ users: v.shoppers, weight: v.weight }))),
  };
}

function conversionsOf(metric: Exclude<PrimaryMetric, "revenue">, tally: VariantTally): number {
  return metric === "checkout" ? tally.checkouts : tally.payments;
}

/** One variant against the control, when both have enough shoppers for the test to mean anything. */
function compare(metric: PrimaryMetric, control: VariantResult, arm: VariantResult): Comparison[] {
  if (metric === "revenue") {
    // Welch's t needs two shoppers a side and some spread (no revenue anywhere yet has none).
    if (control.shoppers < 2 || arm.shoppers < 2 || control.revenue.stddev + arm.revenue.stddev === 0) return [];
    const mean = (v: VariantResult) => ({ name: v.variant, users: v.shoppers, mean: v.revenue.mean, stddev: v.revenue.stddev });
    return compareMeans([mean(control), mean(arm)]);
  }
  if (control.shoppers < 1 || arm.shoppers < 1) return [];
  const rate = (v: VariantResult) => ({ name: v.variant, users: v.shoppers, conversions: conversionsOf(metric, v) });
  return compareProportions([rate(control), rate(arm)]);
}
