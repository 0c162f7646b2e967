/**
 * Tie-aware quintile scores 1–5 (issue 17's RFM). A bare `NTILE(5)` cuts the sorted list into
 * five equal runs, so equal values can land on both sides of a cut: of the frequencies
 * [1,1,1,1,1,1,2,2,3,10] it scores the first two 1s apart from the other four. Here a value is
 * scored by its percentile rank, the textbook one that counts ties as half below:
 *
 *   PR(v) = (below + equal / 2) / n,    score(v) = 1 + ⌊5 · PR(v)⌋
 *
 * with `below` the values strictly less than v, `equal` the values equal to it (v included) and
 * `n` all values. Equal values have the same PR, so ties never split; a larger value has every
 * smaller one and its whole tie group below it, so its PR is strictly larger (monotone); and
 * 0 < PR < 1, so the score is always 1..5 with no clamping. Ties sit at the middle of the run
 * they fill, neither pushed down to its start nor up to its end: a population all equal scores
 * 3, and in the issue's example the six 1s score 2, the 2s 4, the 3 and the 10 score 5.
 *
 * The recompute computes the same in SQL with window functions (src/rfm/recompute.ts:
 * `rank() - 1` is `below`, `count(*) over (partition by v)` is `equal`), in integers:
 * score = 1 + ⌊5 · (2·below + equal) / (2·n)⌋.
 */

/** The score of a value with `below` values strictly less, `equal` equal to it (itself included), among `n`. */
export function quintileScore(below: number, equal: number, n: number): number {
  return 1 + Math.floor((5 * (2 * below + equal)) / (2 * n));
}

/** The score of each value of `values`, in their order. */
export function quintileScores(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = values.length;
  const firstIndex = new Map<number, number>();
  const count = new Map<number, number>();
  sorted.forEach((value, i) => {
    if (!firstIndex.has(value)) firstIndex.set(value, i);
    count.set(value, (count.get(value) ?? 0) + 1);
  });
  return values.map((value) => quintileScore(firstIndex.get(value)!, count.get(value)!, n));
}

/**
 * Recency scored the other way round: the fewer days since the last paid order, the higher
 * (recent = 5). Scoring the negated days keeps every property above.
 */
export function recencyScores(days: readonly number[]): number[] {
  return quintileScores(days.map((d) => -d));
}
