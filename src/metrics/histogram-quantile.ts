/**
 * A quantile from cumulative histogram buckets, as Prometheus's `histogram_quantile` computes it
 * (issue 13): find the bucket the rank falls in and interpolate linearly within it, from the
 * bucket below's bound (0 for the first); a rank in the `+Inf` bucket answers the highest finite
 * bound. Worked example: buckets {0.1: 50, 0.25: 90, 0.5: 99, 1: 100, +Inf: 100} give
 * p99 = 0.5 s and p95 = 0.3889 s.
 */
export interface Bucket {
  /** The bucket's upper bound (`le`), Infinity for `+Inf`. */
  le: number;
  /** Observations at or below it (cumulative). */
  count: number;
}

/** The `q` quantile (0..1) of the buckets, or NaN when there are no observations. */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0 || sorted.length === 0) return Number.NaN;
  if (q <= 0) return 0;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of sorted) {
    if (bucket.count >= rank) {
      if (bucket.le === Number.POSITIVE_INFINITY) return lowerBound;
      if (bucket.count === lowerCount) return bucket.le;
      return lowerBound + ((bucket.le - lowerBound) * (rank - lowerCount)) / (bucket.count - lowerCount);
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}
