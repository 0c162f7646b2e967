import { newOrderId, type Order, type OrderEvent } from "../../src/orders/order.ts";

/** Orders as the SKU object's outbox carries them, for the points tests (issue 16). */
export const T0 = Date.UTC(2026, 10, 11, 0, 0, 0);

let seq = 0;

/** A fresh `pending_payment` order of `totalAmount` fen for `shopperId`. */
export function pendingOrder(shopperId: string, totalAmount: number, overrides: Partial<Order> = {}): Order {
  const sku = `pts-${crypto.randomUUID().slice(0, 8)}`;
  return {
    id: newOrderId(sku),
    sku,
    shopperId,
    qty: 2,
    unitPrices: [totalAmount - Math.floor(totalAmount / 2), Math.floor(totalAmount / 2)],
    discounts: [],
    ranks: [1, 2],
    totalAmount,
    currency: "CNY",
    tier: null,
    status: "pending_payment",
    idempotencyKey: crypto.randomUUID(),
    createdAt: T0,
    updatedAt: T0,
    expiresAt: T0 + 15 * 60_000,
    paymentRef: null,
    version: 1,
    gift: null,
    invoiceKind: null,
    ...overrides,
  };
}

/** The order paid `afterMs` later. */
export function paidOrder(order: Order, afterMs = 30_000): Order {
  return {
    ...order,
    status: "paid",
    updatedAt: order.updatedAt + afterMs,
    expiresAt: null,
    paymentRef: `pay_${order.id}`,
    version: order.version + 1,
  };
}

/** One outbox entry of the order. */
export function outboxEvent(order: Order, reason: string | null = null): OrderEvent {
  seq += 1;
  return { seq, order, reason };
}

/** A shopper id of the test's own. */
export const testShopper = () => `shp_pts${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
