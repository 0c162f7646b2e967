import { fail, type Result, succeed } from "../errors.ts";

/**
 * Refunds of a paid order (issue 16), whole or in parts: money back, and units given back
 * (0 for money alone, as a price-protection credit is). Together they never pass what was paid
 * or bought: the rule below is checked with the order's row locked, so two refunds at once
 * cannot both take the last of it.
 */
export type RefundReason = "return" | "price_protection" | "goodwill";

export interface RefundRequest {
  orderId: string;
  /** Fen to give back, > 0. */
  amount: number;
  /** Units given back with it, ≥ 0. */
  units: number;
  reason: RefundReason;
  /** The refund's identity: asking again with the same key refunds once. */
  idempotencyKey: string;
  /** Who asked: a staff email, `price-protection`, … */
  actor: string;
}

/** A refund as recorded. */
export interface OrderRefund {
  id: string;
  orderId: string;
  shopperId: string;
  sku: string;
  amount: number;
  units: number;
  reason: string;
  idempotencyKey: string;
  providerRef: string | null;
  actor: string;
  at: number;
}

/** What is left to refund of an order. */
export interface Refundable {
  amount: number;
  units: number;
}

/** The order as the refund rule needs it, and what was refunded of it so far. */
export interface RefundedSoFar {
  status: string;
  totalAmount: number;
  qty: number;
  refundedAmount: number;
  refundedUnits: number;
}

export function refundableOf(order: RefundedSoFar): Refundable {
  return { amount: order.totalAmount - order.refundedAmount, units: order.qty - order.refundedUnits };
}

/** Whether `request` may be refunded of `order` now, or why not. */
export function checkRefund(order: RefundedSoFar, request: Pick<RefundRequest, "amount" | "units">): Result<Refundable> {
  const left = refundableOf(order);
  const details = { refundableAmount: left.amount, refundableUnits: left.units };
  if (order.status !== "paid") return fail("not_refundable", `only a paid order is refunded; this one is ${order.status}`, details);
  if (request.amount > left.amount)
    return fail("not_refundable", `${request.amount} fen is more than the ${left.amount} fen left to refund`, details);
  if (request.units > left.units)
    return fail("not_refundable", `${request.units} units is more than the ${left.units} left to give back`, details);
  return succeed({ amount: left.amount - request.amount, units: left.units - request.units });
}
