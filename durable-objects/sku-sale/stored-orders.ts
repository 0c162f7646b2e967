import { noUnits, type OrderArchive, type OrderTally } from "../../src/orders/order-archive.ts";
import { HOLDING_STATUSES, type Order, type OrderStatus } from "../../src/orders/order.ts";
import type { Sql } from "./sqlite-storage.ts";

/** `IN (…)` of the holding statuses, from the one list of them (they are fixed words, not input). */
const HOLDING = [...HOLDING_STATUSES].map((status) => `'${status}'`).join(", ");

/**
 * The SKU object's orders as written to its SQLite storage, looked up one at a time (issue
 * 12): the order book keeps only live holds and unwritten changes in memory, so a sale of a
 * million orders costs the object no more memory than one of a thousand. Every query runs on
 * an index of schema version 4 (store.ts); the tables exist once the object has a sale.
 */
export class StoredOrders implements OrderArchive {
  private readonly sql: Sql;

  constructor(sql: Sql) {
    this.sql = sql;
  }

  byId(orderId: string): Order | null {
    return this.first(this.sql.exec<{ data: string }>(`SELECT data FROM orders WHERE id = ?`, orderId).toArray());
  }

  byKey(shopperId: string, idempotencyKey: string): Order | null {
    return this.first(
      this.sql
        .exec<{ data: string }>(`SELECT data FROM orders WHERE shopper_id = ? AND idempotency_key = ? LIMIT 1`, shopperId, idempotencyKey)
        .toArray(),
    );
  }

  unitsHeldBy(shopperId: string): number {
    return this.sql
      .exec<{ units: number }>(
        `SELECT coalesce(sum(qty), 0) AS units FROM orders WHERE shopper_id = ? AND status IN (${HOLDING})`,
        shopperId,
      )
      .one().units;
  }

  /** Summed from the (status, qty, gift_id) index alone: no order's row is read. */
  tally(): OrderTally {
    const tally: OrderTally = { orders: 0, unitsByStatus: noUnits(), giftsOut: {} };
    const byStatus = this.sql
      .exec<{ status: string; orders: number; units: number }>(
        `SELECT status, count(*) AS orders, coalesce(sum(qty), 0) AS units FROM orders GROUP BY status`,
      )
      .toArray();
    for (const row of byStatus) {
      tally.orders += row.orders;
      if (isStatus(row.status)) tally.unitsByStatus[row.status] += row.units;
    }
    const gifts = this.sql
      .exec<{ gift_id: string; orders: number }>(
        `SELECT gift_id, count(*) AS orders FROM orders WHERE status IN (${HOLDING}) AND gift_id IS NOT NULL GROUP BY gift_id`,
      )
      .toArray();
    for (const row of gifts) tally.giftsOut[row.gift_id] = row.orders;
    return tally;
  }

  liveHolds(): Order[] {
    return this.sql
      .exec<{ data: string }>(`SELECT data FROM orders WHERE status = 'pending_payment'`)
      .toArray()
      .map((row) => readOrder(row.data));
  }

  private first(rows: Array<{ data: string }>): Order | null {
    const row = rows[0];
    return row ? readOrder(row.data) : null;
  }
}

/** An order as stored; those stored before gifts existed (issue 6) have none. */
export function readOrder(data: string): Order {
  const order = JSON.parse(data) as Order;
  return { ...order, gift: order.gift ?? null };
}

function isStatus(status: string): status is OrderStatus {
  return status in noUnits();
}
