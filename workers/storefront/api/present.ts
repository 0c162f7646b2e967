import type { Order } from "../../../src/orders/order.ts";

/** An order as the API shows it to its shopper. */
export function presentOrder(order: Order) {
  return {
    id: order.id,
    sku: order.sku,
    qty: order.qty,
    unitPrices: order.unitPrices,
    totalAmount: order.totalAmount,
    currency: order.currency,
    tier: order.tier,
    status: order.status,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    expiresAt: order.expiresAt,
    paymentRef: order.paymentRef,
    gift: order.gift,
  };
}
