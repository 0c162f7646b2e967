import { noUnits, type OrderArchive, type OrderTally } from "../../src/orders/order-archive.ts";
import { HOLDING_STATUSES, type Order, type OrderStatus } from "../../src/orders/order.ts";
import type { Sql } from "./sqlite-storage.ts";

/** `IN (…)` of the holding statuses, from the one list of them (they are fixed words, not input). */
const HOLDING = [...HOLDING_STATUSES].map((status) => `'${status}'`).join(", ");

/**
 * The SKU object's orders as written to its SQLite storage, looked up one at a time (issue
 * 12): the order book keeps only live holds and unwritten changes in memory, so a sale of a
 * million orders costs the object no more memory, nor a longer start, than one of a thousand.
 * Lookups run on schema version 4's indexes (store.ts); the tables exist once the object has
 * a sale.
 */
export class StoredOrders implements OrderArchive {
  private readonly sql: Sql;
  /**
   * One shopper's rows, read once for a Try: it asks for the shopper's key and then for their
   * units in the same turn, and one indexed read answers both (a new shopper's finds nothing).
   * Kept only to the end of the turn, so a later write is never hidden by it.
   */
  private turnRows: { shopperId: string; rows: ShopperRow[] } | null = null;

  constructor(sql: Sql) {
    this.sql = sql;
  }

  byId(orderId: string): Order | null {
    return this.first(this.sql.exec<{ data: string }>(`SELECT data FROM orders WHERE id = ?`, orderId).toArray());
  }

  byKey(shopperId: string, idempotencyKey: string): Order | null {
    const row = this.rowsOf(shopperId).find((candidate) => candidate.idempotency_key === idempotencyKey);
    return row ? readOrder(row.data) : null;
  }

  /** Summed over the shopper's few rows, found by the (shopper_id, idempotency_key) index. */
  unitsHeldBy(shopperId: string): number {
    return this.rowsOf(shopperId).reduce((units, row) => units + (HOLDING_STATUSES.has(row.status) ? row.qty : 0), 0);
  }

  /** The shopper's rows, from one indexed read per turn (see `turnRows`). */
  private rowsOf(shopperId: string): ShopperRow[] {
    if (this.turnRows?.shopperId === shopperId) return this.turnRows.rows;
    const rows = this.sql
      .exec<ShopperRow>(
        `SELECT idempotency_key, status, json_extract(data, '$.qty') AS qty, data FROM orders WHERE shopper_id = ?`,
        shopperId,
      )
      .toArray();
    this.turnRows = { shopperId, rows };
    queueMicrotask(() => {
      this.turnRows = null;
    });
    return rows;
  }

  /**
   * The tally written with the orders (SaleStore.record). Where there is none (a sale with no
   * order written yet, or storage just upgraded to version 4) the orders are counted, once:
   * the count is kept, so the next wake reads it. Only an opening book asks, with nothing
   * unwritten, so the count is the orders' as written.
   */
  tally(): OrderTally {
    const stored = this.sql.exec<{ tally: string | null }>(`SELECT tally FROM sale_state WHERE id = 1`).toArray()[0]?.tally;
    if (stored) return JSON.parse(stored) as OrderTally;
    const counted = this.count();
    this.sql.exec(`UPDATE sale_state SET tally = ? WHERE id = 1`, JSON.stringify(counted));
    return counted;
  }

  /** Unpaid holds, and presale orders whose deposit is paid (issue 19): each on its partial index. */
  liveHolds(): Order[] {
    return this.sql
      .exec<{ data: string }>(
        `SELECT data FROM orders WHERE status = 'pending_payment' UNION ALL SELECT data FROM orders WHERE status = 'deposit_paid'`,
      )
      .toArray()
      .map((row) => readOrder(row.data));
  }

  /** Every order counted, one full read of the table: only when no tally is stored. */
  private count(): OrderTally {
    const tally: OrderTally = { orders: 0, unitsByStatus: noUnits(), giftsOut: {} };
    const byStatus = this.sql
      .exec<{ status: string; orders: number; units: number }>(
        `SELECT status, count(*) AS orders, coalesce(sum(json_extract(data, '$.qty')), 0) AS units FROM orders GROUP BY status`,
      )
      .toArray();
    for (const row of byStatus) {
      tally.orders += row.orders;
      if (isStatus(row.status)) tally.unitsByStatus[row.status] += row.units;
    }
    const gifts = this.sql
      .exec<{ gift_id: string; orders: number }>(
        `SELECT json_extract(data, '$.gift.id') AS gift_id, count(*) AS orders FROM orders
         WHERE status IN (${HOLDING}) AND json_extract(data, '$.gift.id') IS NOT NULL GROUP BY gift_id`,
      )
      .toArray();
    for (const row of gifts) tally.giftsOut[row.gift_id] = row.orders;
    return tally;
  }

  private first(rows: Array<{ data: string }>): Order | null {
    const row = rows[0];
    return row ? readOrder(row.data) : null;
  }
}

/** What a Try needs of one of its shopper's stored orders. */
type ShopperRow = {
  idempotency_key: string;
  status: OrderStatus;
  qty: number;
  data: string;
};

/** An order as stored; those stored before gifts (issue 6), coupons (issue 14) or the invoice choice (issue 16) existed have none. */
export function readOrder(data: string): Order {
  const order = JSON.parse(data) as Order;
  return { ...order, gift: order.gift ?? null, discounts: order.discounts ?? [], invoiceKind: order.invoiceKind ?? null };
}

function isStatus(status: string): status is OrderStatus {
  return status in noUnits();
}
