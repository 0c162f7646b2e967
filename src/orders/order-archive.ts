import { HOLDING_STATUSES, type Order, type OrderStatus } from "./order.ts";

/**
 * The orders of one SKU as last written, for an OrderBook that keeps only what its hot path
 * needs in memory (issue 12): a Double 11 SKU takes a million orders, an object has 128 MB.
 * The book answers from its own changes since the last write first, then from here; the SKU
 * object's archive is its SQLite storage (durable-objects/sku-sale/stored-orders.ts).
 */
export interface OrderArchive {
  byId(orderId: string): Order | null;
  byKey(shopperId: string, idempotencyKey: string): Order | null;
  /** Units of the shopper's orders in a holding status: what the per-shopper limit counts. */
  unitsHeldBy(shopperId: string): number;
  /** The counts a book starts from, read once as it opens. */
  tally(): OrderTally;
  /** Orders awaiting payment: the live holds, which expiry has to see; read once as a book opens. */
  liveHolds(): Order[];
}

/** What the written orders add up to. */
export interface OrderTally {
  /** Orders stored, whatever became of them. */
  orders: number;
  unitsByStatus: Record<OrderStatus, number>;
  /** Gifts out with orders in a holding status, by gift id. */
  giftsOut: Record<string, number>;
}

/** No units in any status: the tally of no orders. */
export function noUnits(): Record<OrderStatus, number> {
  return { pending_payment: 0, deposit_paid: 0, paid: 0, cancelled: 0, expired: 0, forfeited: 0 };
}

/**
 * An archive in memory: every order it was given, by id and by shopper. The default of a
 * book that is never written (a book that keeps everything in its own memory, as in tests),
 * and what a test writes to at the points the SKU object would write to SQLite. The memory
 * benchmark also uses it as the object before issue 12, which held every order.
 */
export class MemoryOrderArchive implements OrderArchive {
  private readonly orders = new Map<string, Order>();
  /** By shopper, then by idempotency key: replays and the per-shopper limit look a shopper up. */
  private readonly byShopper = new Map<string, Map<string, Order>>();

  constructor(orders: Iterable<Order> = []) {
    this.write(orders);
  }

  /** Stores orders as they stand now, replacing earlier versions of the same orders. */
  write(orders: Iterable<Order>): void {
    for (const order of orders) {
      this.orders.set(order.id, order);
      const keys = this.byShopper.get(order.shopperId) ?? new Map<string, Order>();
      keys.set(order.idempotencyKey, order);
      this.byShopper.set(order.shopperId, keys);
    }
  }

  byId(orderId: string): Order | null {
    return this.orders.get(orderId) ?? null;
  }

  byKey(shopperId: string, idempotencyKey: string): Order | null {
    return this.byShopper.get(shopperId)?.get(idempotencyKey) ?? null;
  }

  unitsHeldBy(shopperId: string): number {
    let units = 0;
    for (const order of this.byShopper.get(shopperId)?.values() ?? []) if (HOLDING_STATUSES.has(order.status)) units += order.qty;
    return units;
  }

  tally(): OrderTally {
    const tally: OrderTally = { orders: this.orders.size, unitsByStatus: noUnits(), giftsOut: {} };
    for (const order of this.orders.values()) {
      tally.unitsByStatus[order.status] += order.qty;
      if (order.gift && HOLDING_STATUSES.has(order.status)) tally.giftsOut[order.gift.id] = (tally.giftsOut[order.gift.id] ?? 0) + 1;
    }
    return tally;
  }

  liveHolds(): Order[] {
    return [...this.orders.values()].filter((order) => order.status === "pending_payment" || order.status === "deposit_paid");
  }
}
