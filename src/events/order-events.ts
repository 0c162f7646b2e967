import type { OrderEvent, OrderStatus } from "../orders/order.ts";
import type { ShopperEvent } from "./event.ts";

/** The shopper event each order status is. */
const EVENT_OF_STATUS = {
  pending_payment: "order_created",
  paid: "order_paid",
  cancelled: "order_cancelled",
  expired: "order_expired",
  // Issue 19: a presale's deposit paid, and its balance window closed unpaid.
  deposit_paid: "presale_deposit_paid",
  forfeited: "presale_forfeited",
} as const satisfies Record<OrderStatus, ShopperEvent["type"]>;

/**
 * The shopper events of an outbox entry that moved an order into a status: one per order and
 * status, `<order id>:<status>` its id, at the time the order entered it. The outbox writes
 * them in the transaction that writes the order, so the events and the orders never disagree,
 * and a replayed batch adds nothing (src/events/event-store.ts).
 */
export function orderShopperEvent({ order }: OrderEvent): ShopperEvent {
  return {
    id: `${order.id}:${order.status}`,
    type: EVENT_OF_STATUS[order.status],
    shopperId: order.shopperId,
    at: order.updatedAt,
    // Server-side: the object does not know the shopper's device.
    device: "unknown",
    sku: order.sku,
    orderId: order.id,
    qty: order.qty,
    // A presale's deposit events carry the deposit: what was paid, or what the forfeit is about.
    amount: order.presale && (order.status === "deposit_paid" || order.status === "forfeited") ? order.presale.deposit : order.totalAmount,
  };
}
