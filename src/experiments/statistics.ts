import chisquareCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import tCdf from "@stdlib/stats-base-dists-t-cdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";

/**
 * The statistics of an A/B test (issue 13), the first variant the control: the difference of
 * each variant from it with a 95 % interval, the uplift, a two-sided p-value (two-proportion
 * z-test for conversion rates, Welch's t-test for means such as revenue per shopper), and a
 * sample-ratio-mismatch check. The distributions are @stdlib's (Apache-2.0), not hand-written.
 */

/** A variant's shoppers and conversions (a proportion metric). */
export interface ProportionArm {
  name: string;
  users: number;
  conversions: number;
  /** Its share of traffic as configured (any positive scale); equal when left out. */
  weight?: number;
}

/** A variant's shoppers and the mean and standard deviation of a metric per shopper. */
export interface MeanArm {
  name: string;
  users: number;
  mean: number;
  stddev: number;
  weight?: number;
}

export interface Comparison {
  variant: string;
  /** Variant minus control, in the metric's unit (a rate, or the mean's unit). */
  difference: number;
  /** The difference relative to the control's value; null when the control's is 0. */
  uplift: number | null;
  /** The test statistic: z for proportions, Welch's t for means. */
  statistic: number;
  pValue: number;
  /** The 95 % interval of the difference. */
  ciLow: number;
  ciHigh: number;
}

export interface SampleRatioCheck {
  chiSquare: number;
  pValue: number;
  /** True when p < 0.001: the split is not what was configured, and results should not be trusted. */
  mismatch: boolean;
}

/** The threshold below which a sample-ratio p-value means the split is broken. */
export const SRM_ALPHA = 0.001;
const Z_95 = normalQuantile(0.975, 0, 1);

/**
 * Two-proportion z-test of each variant against the control (pooled standard error for the
 * test, unpooled for the interval). Worked example: 200/1000 against 250/1000 gives z = 2.6774,
 * p = 0.00742.
 */
export function compareProportions(arms: readonly ProportionArm[]): Comparison[] {
  const [control, ...variants] = arms;
  if (!control) return [];
  const p1 = rate(control);
  return variants.map((arm) => {
    const p2 = rate(arm);
    const pooled = (control.conversions + arm.conversions) / (control.users + arm.users);
    const pooledError = Math.sqrt(pooled * (1 - pooled) * (1 / control.users + 1 / arm.users));
    const error = Math.sqrt((p1 * (1 - p1)) / control.users + (p2 * (1 - p2)) / arm.users);
    const difference = p2 - p1;
    const z = pooledError === 0 ? 0 : difference / pooledError;
    return {
      variant: arm.name,
      difference,
      uplift: p1 === 0 ? null : difference / p1,
      statistic: z,
      pValue: 2 * (1 - normalCdf(Math.abs(z), 0, 1)),
      ciLow: difference - Z_95 * error,
      ciHigh: difference + Z_95 * error,
    };
  });
}

/**
 * Welch's t-test of each variant's mean against the control's (unequal variances, the
 * Welch–Satterthwaite degrees of freedom). Worked example: samples 23, 21, 25, 20, 27 and
 * 18, 19, 17, 20, 16 (means 23.2 and 18, variances 8.2 and 2.5) give t = 3.5546 on 6.23
 * degrees of freedom, p = 0.01127.
 */
export function compareMeans(arms: readonly MeanArm[]): Comparison[] {
  const [control, ...variants] = arms;
  if (!control) return [];
  return variants.map((arm) => {
    const { t, df, error } = welch(control, arm);
    const difference = arm.mean - control.mean;
    const margin = tQuantile(0.975, df) * error;
    return {
      variant: arm.name,
      difference,
      uplift: control.mean === 0 ? null : difference / control.mean,
      statistic: t,
      pValue: 2 * (1 - tCdf(Math.abs(t), df)),
      ciLow: difference - margin,
      ciHigh: difference + margin,
    };
  });
}

/** Welch's t, its degrees of freedom and the standard error of the difference (variant − control). */
export function welch(control: MeanArm, arm: MeanArm): { t: number; df: number; error: number } {
  const a = control.stddev ** 2 / control.users;
  const b = arm.stddev ** 2 / arm.users;
  const error = Math.sqrt(a + b);
  const df = (a + b) ** 2 / (a ** 2 / (control.users - 1) + b ** 2 / (arm.users - 1));
  return { t: error === 0 ? 0 : (arm.mean - control.mean) / error, df, error };
}

/**
 * Sample-ratio mismatch: a chi-square goodness-of-fit test of the shoppers each variant got
 * against the split configured (equal weights when none are given), k − 1 degrees of freedom.
 */
export function sampleRatioCheck(arms: ReadonlyArray<{ users: number; weight?: number }>): SampleRatioCheck {
  const total = arms.reduce((sum, arm) => sum + arm.users, 0);
  const weights = arms.map((arm) => arm.weight ?? 1);
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  if (arms.length < 2 || total === 0 || weightSum <= 0) return { chiSquare: 0, pValue: 1, mismatch: false };
  const chiSquare = arms.reduce((sum, arm, i) => {
    const expected = (total * weights[i]!) / weightSum;
    return sum + (arm.users - expected) ** 2 / expected;
  }, 0);
  const pValue = 1 - chisquareCdf(chiSquare, arms.length - 1);
  return { chiSquare, pValue, mismatch: pValue < SRM_ALPHA };
}

function rate(arm: ProportionArm): number {
  return arm.users === 0 ? 0 : arm.conversions / arm.users;
}

/** A value and its 95 % interval. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
}

/**
 * A conversion rate with its 95 % Wilson score interval: unlike the textbook p ± 1.96·SE it
 * stays within [0, 1] and keeps its coverage for small samples and rates near 0, which a
 * fresh experiment has. Worked example: 200/1000 gives 0.2 in [0.1764, 0.2259].
 */
export function proportionEstimate(conversions: number, users: number): Estimate | null {
  if (users <= 0) return null;
  const p = conversions / users;
  const z2 = Z_95 ** 2;
  const scale = 1 + z2 / users;
  const center = (p + z2 / (2 * users)) / scale;
  const half = (Z_95 / scale) * Math.sqrt((p * (1 - p)) / users + z2 / (4 * users ** 2));
  return { value: p, low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/** A mean with its 95 % t interval (n − 1 degrees of freedom); null below 2 users. */
export function meanEstimate(arm: Pick<MeanArm, "users" | "mean" | "stddev">): Estimate | null {
  if (arm.users < 2) return null;
  const margin = tQuantile(0.975, arm.users - 1) * (arm.stddev / Math.sqrt(arm.users));
  return { value: arm.mean, low: arm.mean - margin, high: arm.mean + margin };
}
