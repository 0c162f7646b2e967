/**
 * Percentiles of response times (issue 17), by the nearest-rank method: the p-th percentile of
 * n values is the value at rank ⌈p/100 × n⌉ (1-based) of the values sorted ascending. It is
 * always one of the measured times (no interpolation inventing a wait nobody had), at least p %
 * of the values are at or below it and fewer than p % below it, and it never falls as p rises
 * (test/unit/response-metrics.test.ts checks each with fast-check). Of no values there is none: null.
 */

/** The percentiles the board shows. */
export const BOARD_PERCENTILES = [50, 90, 95] as const;

/** The nearest-rank p-th percentile (0 < p ≤ 100) of values sorted ascending, or null for none. */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`a percentile is in (0, 100], not ${p}`);
  if (sorted.length === 0) return null;
  // p × n first: a whole p gives a whole product, and a whole product divided by 100 is exact
  // where it is whole (0.9 × 10 would be 9.000000000000002 in floating point: rank 10, wrongly).
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[rank - 1] ?? null;
}

/** p50, p90 and p95 of unsorted values. */
export function boardPercentiles(values: readonly number[]): { p50: number | null; p90: number | null; p95: number | null } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: nearestRank(sorted, 50), p90: nearestRank(sorted, 90), p95: nearestRank(sorted, 95) };
}
