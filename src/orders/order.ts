import type { DiscountLine } from "../coupons/discount.ts";
import type { MemberPriceLine } from "../membership/member-pricing.ts";
import type { OrderPoints } from "../membership/points-pricing.ts";
import type { PresaleLine } from "../presale/presale-terms.ts";

/**
 * An order as the SKU's Durable Object holds it: the TCC record of one checkout.
 * Try creates it in `pending_payment` holding `qty` units; Confirm makes it `paid`;
 * Cancel (by the shopper) makes it `cancelled`; the hold running out makes it `expired`.
 * A presale order (issue 19) pays twice: Confirm of its deposit makes it `deposit_paid`, which
 * holds its units like an unpaid order and counts against the shopper's limit, until Confirm of
 * its balance makes it `paid`, or its balance window closing unpaid makes it `forfeited` (final,
 * the units back on sale).
 * Money is integer minor units (fen); times are epoch milliseconds, server time.
 */
export type OrderStatus = "pending_payment" | "deposit_paid" | "paid" | "cancelled" | "expired" | "forfeited";

export interface Order {
  id: string;
  sku: string;
  shopperId: string;
  qty: number;
  /** The price of each unit, in the order of its sale rank. */
  unitPrices: number[];
  /**
   * The member price (issue 16): the shopper's tier's percent off the units' prices, before
   * the coupons, on a sale with `memberPrices`. Absent or null: none (and every order before it).
   */
  memberPrice?: MemberPriceLine | null;
  /**
   * The coupons the order carries (issue 14), each with the fen it takes off; `totalAmount`
   * is the units' prices less these. Orders stored before coupons existed have none.
   */
  discounts: DiscountLine[];
  /**
   * Points taking fen off after the coupons (issue 16): held while unpaid, spent once paid,
   * given back when cancelled or expired. Absent or null: none (and every order before points).
   */
  points?: OrderPoints | null;
  /** The sale ranks (1-based) of the units this order holds or bought. */
  ranks: number[];
  totalAmount: number;
  /**
   * A presale order's deposit and balance (issue 19), fixed when it is placed: `totalAmount`
   * is `deposit + balance`. Absent or null: an ordinary order (and every order before presales).
   */
  presale?: PresaleLine | null;
  currency: "CNY";
  /** The label of the price tier of the order's first unit, if it was in a tier. */
  tier: string | null;
  status: OrderStatus;
  idempotencyKey: string;
  createdAt: number;
  updatedAt: number;
  /** When an unpaid order is released; null once paid or ended. */
  expiresAt: number | null;
  /** The payment provider's reference once paid. */
  paymentRef: string | null;
  /** Bumped on every status change: lets writers apply snapshots forward only. */
  version: number;
  /**
   * The limited-time gift that goes with the order (issue 6), fixed when it is placed; a
   * cancelled or expired order gives it back to the gift's stock. Orders stored before
   * gifts existed have none (read as null).
   */
  gift: OrderGift | null;
  /**
   * The invoice (fapiao) chosen when paying (issue 16): "electronic" earns the order double
   * points. Null until paid, and for orders stored before the choice existed.
   */
  invoiceKind: InvoiceKind | null;
}

/** Paper or electronic invoice (fapiao); paying without choosing means paper. */
export type InvoiceKind = "paper" | "electronic";

/** A gift as an order names it. */
export interface OrderGift {
  id: string;
  title: string;
}

/** Statuses an order never leaves. */
export const FINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(["paid", "cancelled", "expired", "forfeited"]);

/** Statuses whose units count against stock and against the shopper's limit. */
export const HOLDING_STATUSES: ReadonlySet<OrderStatus> = new Set(["pending_payment", "deposit_paid", "paid"]);

/** Every status, in the order an order can reach them. */
export const ORDER_STATUSES: readonly OrderStatus[] = ["pending_payment", "deposit_paid", "paid", "cancelled", "expired", "forfeited"];

/** `ord_<sku>[~<shard>]_<random>`: a sharded sale's order names its shard too (src/sales/shards.ts). */
const ORDER_ID = /^ord_([a-z0-9][a-z0-9-]{1,62})(~\d{1,2})?_([0-9A-Za-z]{16,32})$/;

/**
 * A new order id. It names the object that holds it (the SKU's, or a shard's: `sku~2`) so
 * any Worker can route it there.
 */
export function newOrderId(objectName: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const random = Array.from(bytes, (b) => b.toString(36).padStart(2, "0"))
    .join("")
    .slice(0, 24);
  return `ord_${objectName}_${random}`;
}

/** The SKU an order id belongs to, or null when the id is not one of ours. */
export function skuOfOrderId(id: string): string | null {
  return ORDER_ID.exec(id)?.[1] ?? null;
}

/** The name of the object holding an order (the SKU's, or its shard's), or null when the id is not one of ours. */
export function objectOfOrderId(id: string): string | null {
  const match = ORDER_ID.exec(id);
  return match ? `${match[1]}${match[2] ?? ""}` : null;
}

/**
 * One entry of a SKU object's outbox: the order as it stands after a change, written to
 * Postgres later. Snapshots carry `version`, so applying them twice or out of order never
 * moves an order backwards.
 */
export interface OrderEvent {
  /** The outbox sequence number within its SKU object (monotonic). */
  seq: number;
  order: Order;
  /** Why the status changed, for the status history (e.g. "hold expired"). */
  reason: string | null;
}
