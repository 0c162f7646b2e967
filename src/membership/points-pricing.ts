import { HOLD_MARGIN_MS } from "../coupons/discount.ts";
import { fail, type Result, succeed } from "../errors.ts";
import { fenOfPoints, pointsCap } from "./points-rules.ts";

/**
 * Points held for a checkout (issue 16), as the SKU object prices with them: the hold's key,
 * the points, and until when the hold waits for its order (the settling job returns a hold
 * whose order never took it after this; the order refuses it from HOLD_MARGIN_MS before).
 */
export interface PointsTerms {
  holdKey: string;
  points: number;
  heldUntil: number;
}

/**
 * Points an order carries (issue 16): the hold they came from, how many it holds, and how many
 * take fen off the order (`used`, 1 fen each). `used` is `held` when the order is placed; it
 * can only drop below it when the order's coupons change and the cap with them, and what was
 * held and not used goes back when the hold is spent.
 */
export interface OrderPoints {
  holdKey: string;
  held: number;
  used: number;
}

/**
 * Prices `left` fen (the order after its coupons) with points held for it: at most
 * pointsCap(left) of them (a Try asking more is refused with `maxPoints`, nothing held
 * stays), and not a hold that has run out or is about to (its job may be returning it).
 */
export function priceWithPoints(
  left: number,
  terms: PointsTerms | null | undefined,
  now: number,
): Result<{ points: OrderPoints | null; totalAmount: number }> {
  if (!terms) return succeed({ points: null, totalAmount: left });
  const maxPoints = pointsCap(left);
  if (terms.points > maxPoints) {
    return fail("points_over_cap", `points can pay at most ${maxPoints} fen of this order`, { maxPoints });
  }
  if (now >= terms.heldUntil - HOLD_MARGIN_MS) {
    return fail("points_unavailable", "the hold on these points ran out; try again", { heldUntil: terms.heldUntil });
  }
  return succeed({
    points: { holdKey: terms.holdKey, held: terms.points, used: terms.points },
    totalAmount: left - fenOfPoints(terms.points),
  });
}

/** The same points, priced again on `left` fen when the order's coupons change: used down to the cap, never up. */
export function repricePoints(left: number, points: OrderPoints | null | undefined): { points: OrderPoints | null; totalAmount: number } {
  if (!points) return { points: null, totalAmount: left };
  const used = Math.min(points.held, pointsCap(left));
  return { points: { ...points, used }, totalAmount: left - fenOfPoints(used) };
}

/** What became of a hold's checkout, for the settling job: as CheckoutOutcome for coupons, with the points used. */
export type PointsOutcome = { kind: "paid"; orderId: string; used: number } | { kind: "pending"; expiresAt: number } | { kind: "released" };
