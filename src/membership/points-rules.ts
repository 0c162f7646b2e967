/**
 * The points rules (issue 16, README "Points"), pure:
 *
 * - Value: 100 points = ¥1, so one point takes one fen off.
 * - Earning: 1 point per whole yuan paid, times the member's multiplier (see points-earning.ts).
 * - Spending: at checkout, after coupons, at most POINTS_CAP_PERCENT of what is left.
 * - Expiry: each earned row lapses POINTS_LIFETIME_MS after it was earned; spends, holds and
 *   reversals use the oldest earned points first, so what lapses is what is left of a row.
 * - Reversal: a refund takes back the order's points in proportion to the money refunded.
 */

/** Points earned lapse a year (365 days) after they were earned. */
export const POINTS_LIFETIME_MS = 365 * 86_400_000;

/** Points may pay at most this percent of what is left to pay after coupons. */
export const POINTS_CAP_PERCENT = 50;

/** How long a checkout's hold waits for its order before the settling job may return it. */
export const POINTS_HOLD_MS = 2 * 60_000;

/** The fen `points` take off: one each. */
export const fenOfPoints = (points: number) => points;

/** The most points an order with `left` fen to pay (after coupons) may use. */
export function pointsCap(left: number): number {
  return Math.floor((Math.max(0, left) * POINTS_CAP_PERCENT) / 100);
}

/**
 * The points a refund takes back. Reversals are cumulative: after refunds of `refunded` fen of
 * an order of `totalAmount` fen that earned `earned` points, floor(earned × refunded / total)
 * is taken back in all; this refund takes what that adds to `reversedBefore`. So partial
 * refunds never take back more than was earned, and the last of a full refund takes exactly
 * the rest.
 */
export function pointsToReverse(input: {
  earned: number;
  totalAmount: number;
  refundedBefore: number;
  amount: number;
  reversedBefore: number;
}): number {
  const { earned, totalAmount, refundedBefore, amount, reversedBefore } = input;
  if (earned <= 0 || totalAmount <= 0) return 0;
  const refunded = Math.min(totalAmount, refundedBefore + amount);
  // BigInt: earned × refunded may pass 2^53 for large orders.
  const due = Number((BigInt(earned) * BigInt(refunded)) / BigInt(totalAmount));
  return Math.max(0, due - reversedBefore);
}

/** An earning row as expiry reads it. */
export interface EarnedRow {
  id: number;
  amount: number;
  expiresAt: number;
}

/**
 * What is left of `row` when it lapses, oldest first: the shopper's earning rows that lapse no
 * later than it (`earnedThrough`, in points, this row included) less everything used so far
 * (`consumed`: the sum of every row that is not an earning row, negated: holds, spends,
 * reversals and earlier expiries), at most the row's own amount, never below zero.
 */
export function leftToExpire(row: Pick<EarnedRow, "amount">, earnedThrough: number, consumed: number): number {
  return Math.min(row.amount, Math.max(0, earnedThrough - Math.max(0, consumed)));
}

/**
 * What is left of each earning row, oldest first (by expiry, then id): `consumed` is taken
 * from the oldest rows before the newer ones (see leftToExpire).
 */
export function leftOfEarnings(rows: readonly EarnedRow[], consumed: number): Map<number, number> {
  const ordered = [...rows].sort((a, b) => a.expiresAt - b.expiresAt || a.id - b.id);
  const left = new Map<number, number>();
  let through = 0;
  for (const row of ordered) {
    through += row.amount;
    left.set(row.id, leftToExpire(row, through, consumed));
  }
  return left;
}
