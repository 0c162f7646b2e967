import { dayNumber, localDateTimeAt } from "../calendar.ts";

/**
 * Price protection (价保, issue 16), the rule alone: a member who paid for a SKU and sees it sold
 * for less within their protection window (their tier's days, e.g. diamond 365) is credited the
 * difference, once per drop. Credits follow the lowest price credited so far, so a second,
 * deeper drop pays only its own step: bought at ¥399, a drop to ¥349 pays ¥50, a later drop to
 * ¥329 pays ¥20 more (never ¥70), and the same ¥349 seen again pays nothing. The sum a purchase
 * is ever credited is (price paid − lowest price within the window) × units still kept.
 *
 * The window counts calendar days in the shop's time zone, the purchase day being day 1: paid
 * on 2026-11-11, a 365-day window covers drops up to 2027-11-10 (day 365); one on 2027-11-11
 * (day 366) pays nothing. What happens to the credit (store credit, or a refund through the
 * payment provider) and exactly-once under concurrent claims (the key `creditKey`) are for the
 * ledger that applies this decision.
 */

/** What the shopper bought, as the order records it. Money in integer fen. */
export interface ProtectedPurchase {
  orderId: string;
  sku: string;
  /** What one unit cost the shopper (the order's total ÷ units, after its discounts). */
  unitPrice: number;
  units: number;
  /** Units refunded since: no credit for a unit the shopper gave back. */
  refundedUnits: number;
  /** Only a paid order is protected; a cancelled or expired one never was a purchase. */
  paid: boolean;
  paidAt: number;
}

/** A price the SKU was sold at, from when. */
export interface PriceDrop {
  sku: string;
  /** Fen per unit. */
  price: number;
  at: number;
}

export interface PriceCredit {
  /** Fen to credit now. */
  amount: number;
  perUnit: number;
  units: number;
  /** The lowest price credited after this one: the next drop pays from here. */
  creditedDownTo: number;
  /** The day of the window the drop fell on (the purchase day is day 1). */
  day: number;
}

/** Why a drop earns a purchase nothing. */
export type NoCreditReason = "not_paid" | "other_sku" | "before_purchase" | "outside_window" | "all_refunded" | "not_lower";

export type CreditDecision = { ok: true; credit: PriceCredit } | { ok: false; reason: NoCreditReason; message: string };

const none = (reason: NoCreditReason, message: string): CreditDecision => ({ ok: false, reason, message });

/** The day of the window an instant falls on, in `timeZone`: the purchase's local date is day 1. */
export function protectionDay(paidAt: number, at: number, timeZone: string): number {
  return dayNumber(localDateTimeAt(at, timeZone)) - dayNumber(localDateTimeAt(paidAt, timeZone)) + 1;
}

/**
 * The credit one drop earns a purchase, given the lowest price credited to it so far (null:
 * none yet), or why it earns none.
 */
export function creditForDrop(
  purchase: ProtectedPurchase,
  drop: PriceDrop,
  protection: { windowDays: number; timeZone: string; creditedDownTo: number | null },
): CreditDecision {
  if (!purchase.paid) return none("not_paid", "only a paid order is price-protected");
  if (drop.sku !== purchase.sku) return none("other_sku", `the drop is of ${drop.sku}, the order of ${purchase.sku}`);
  if (drop.at < purchase.paidAt) return none("before_purchase", "the price dropped before the order was paid");
  const day = protectionDay(purchase.paidAt, drop.at, protection.timeZone);
  if (day > protection.windowDays) return none("outside_window", `the drop fell on day ${day} of a ${protection.windowDays}-day window`);
  const units = purchase.units - purchase.refundedUnits;
  if (units <= 0) return none("all_refunded", "every unit of the order was refunded");
  const from = Math.min(protection.creditedDownTo ?? purchase.unitPrice, purchase.unitPrice);
  const perUnit = from - drop.price;
  if (perUnit <= 0) return none("not_lower", "the price is not below what the order was paid or credited down to");
  return { ok: true, credit: { amount: perUnit * units, perUnit, units, creditedDownTo: drop.price, day } };
}

/** The key a credit is paid under: one per order and price level, so concurrent claims of one drop pay once. */
export function creditKey(orderId: string, drop: Pick<PriceDrop, "price">): string {
  return `price-protection:${orderId}:${drop.price}`;
}
