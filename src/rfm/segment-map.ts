import type { Segment } from "./segment-names.ts";

/**
 * Which named segment an R, F, M score lands in (issue 17): the usual R × FM grid (the
 * RFM segments of Putler's chart, as most RFM tools draw it). FM is F and M together, their
 * mean rounded half up: ⌈(F + M) / 2⌉. Rows are R 1..5 (5: bought most recently), columns
 * FM 1..5 (5: buys most often and spends most). The README draws the same table.
 *
 *            FM 1            FM 2                 FM 3                 FM 4       FM 5
 *   R 5   new             potential_loyalists  potential_loyalists  champions  champions
 *   R 4   promising       potential_loyalists  potential_loyalists  loyal      loyal
 *   R 3   about_to_sleep  about_to_sleep       need_attention       loyal      loyal
 *   R 2   hibernating     hibernating          at_risk              at_risk    cant_lose
 *   R 1   lost            hibernating          at_risk              at_risk    cant_lose
 *
 * The one cell of the grid's lowest corner, R 1 and FM 1 (long gone, bought little), is "lost";
 * the rest of that corner is "hibernating".
 */
export const SEGMENT_GRID: readonly (readonly Segment[])[] = [
  // R 1
  ["lost", "hibernating", "at_risk", "at_risk", "cant_lose"],
  // R 2
  ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"],
  // R 3
  ["about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"],
  // R 4
  ["promising", "potential_loyalists", "potential_loyalists", "loyal", "loyal"],
  // R 5
  ["new", "potential_loyalists", "potential_loyalists", "champions", "champions"],
];

/** F and M as one score 1..5: their mean, rounded half up. */
export function fmScore(f: number, m: number): number {
  return Math.ceil((f + m) / 2);
}

/** The segment of scores r, f, m (each 1..5). */
export function segmentOf(r: number, f: number, m: number): Segment {
  const row = SEGMENT_GRID[r - 1];
  const segment = row?.[fmScore(f, m) - 1];
  if (!segment) throw new RangeError(`RFM scores must be 1..5, not ${r}, ${f}, ${m}`);
  return segment;
}
