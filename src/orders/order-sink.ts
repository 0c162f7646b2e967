import { count, eq, sql, sum, type AnyColumn } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { orderStatusHistory, orders } from "../db/schema.ts";
import type { OrderEvent, OrderStatus } from "./order.ts";

/**
 * Rows per INSERT statement. Postgres takes at most 65,535 bind parameters per statement
 * (orders have 17 columns), so an unusually large batch is split, still in one transaction;
 * any ordinary batch goes in one statement.
 */
const ROWS_PER_STATEMENT = 2_000;

/**
 * Writes a batch of outbox events to Postgres in one transaction (the group commit of a
 * SKU object's outbox). Idempotent and order-insensitive: a batch written twice, batches
 * that overlap, or a stale snapshot arriving after a newer one leave each order at its
 * highest version and the history with one row per status.
 */
export async function writeOrderEvents(db: Database, events: OrderEvent[]): Promise<void> {
  if (events.length === 0) return;

  // One row per order: Postgres refuses to update the same row twice in one statement.
  const latest = new Map<string, OrderEvent>();
  for (const event of events) {
    const kept = latest.get(event.order.id);
    if (!kept || isNewer(event, kept)) latest.set(event.order.id, event);
  }
  // Sorted by key so concurrent writers lock shared rows in the same order and cannot deadlock.
  const orderRows = [...latest.values()]
    .sort((a, b) => compare(a.order.id, b.order.id))
    .map(({ order }) => ({
      id: order.id,
      sku: order.sku,
      shopperId: order.shopperId,
      qty: order.qty,
      unitPrices: order.unitPrices,
      ranks: order.ranks,
      totalAmount: order.totalAmount,
      currency: order.currency,
      tier: order.tier,
      status: order.status,
      idempotencyKey: order.idempotencyKey,
      createdAt: new Date(order.createdAt),
      updatedAt: new Date(order.updatedAt),
      expiresAt: order.expiresAt === null ? null : new Date(order.expiresAt),
      paymentRef: order.paymentRef,
      version: order.version,
      giftId: order.gift?.id ?? null,
    }));

  // One row per (order, status), the earliest event's: that is when the order entered it.
  const firstEntered = new Map<string, OrderEvent>();
  for (const event of events) {
    const key = `${event.order.id}\u0000${event.order.status}`;
    const kept = firstEntered.get(key);
    if (!kept || isNewer(kept, event)) firstEntered.set(key, event);
  }
  const historyRows = [...firstEntered.values()]
    .sort((a, b) => compare(a.order.id, b.order.id) || compare(a.order.status, b.order.status))
    .map(({ order, reason }) => ({
      orderId: order.id,
      status: order.status,
      reason,
      at: new Date(order.updatedAt),
    }));

  await db.transaction(async (tx) => {
    for (const rows of chunks(orderRows)) {
      await tx
        .insert(orders)
        .values(rows)
        .onConflictDoUpdate({
          target: orders.id,
          // Identity (id, sku, shopper, idempotency key, creation time) and the gift never change.
          set: {
            qty: excluded(orders.qty),
            unitPrices: excluded(orders.unitPrices),
            ranks: excluded(orders.ranks),
            totalAmount: excluded(orders.totalAmount),
            currency: excluded(orders.currency),
            tier: excluded(orders.tier),
            status: excluded(orders.status),
            updatedAt: excluded(orders.updatedAt),
            expiresAt: excluded(orders.expiresAt),
            paymentRef: excluded(orders.paymentRef),
            version: excluded(orders.version),
          },
          // Forward only: a replayed or stale snapshot leaves the newer row as it is.
          setWhere: sql`${orders.version} < excluded.version`,
        });
    }
    for (const rows of chunks(historyRows)) {
      await tx
        .insert(orderStatusHistory)
        .values(rows)
        .onConflictDoNothing({ target: [orderStatusHistory.orderId, orderStatusHistory.status] });
    }
  });
}

/** What Postgres holds for one SKU: orders, and units by status. */
export interface OrderTotals {
  orders: number;
  unitsByStatus: Record<OrderStatus, number>;
}

/**
 * The order count and units per status Postgres holds for a SKU, in one aggregate query:
 * the reconciliation command compares them with the SKU object's own counts.
 */
export async function orderTotalsBySku(db: Database, sku: string): Promise<OrderTotals> {
  const rows = await db
    .select({ status: orders.status, orders: count(), units: sum(orders.qty).mapWith(Number) })
    .from(orders)
    .where(eq(orders.sku, sku))
    .groupBy(orders.status);
  const totals: OrderTotals = {
    orders: 0,
    unitsByStatus: { pending_payment: 0, paid: 0, cancelled: 0, expired: 0 },
  };
  for (const row of rows) {
    totals.orders += row.orders;
    totals.unitsByStatus[row.status] = row.units;
  }
  return totals;
}

function isNewer(a: OrderEvent, b: OrderEvent): boolean {
  return a.order.version !== b.order.version ? a.order.version > b.order.version : a.seq > b.seq;
}

// Code-unit order, not locale order: every writer must sort identically.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function excluded(column: AnyColumn) {
  return sql`excluded.${sql.identifier(column.name)}`;
}

function* chunks<T>(rows: T[]): Generator<T[]> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    yield rows.slice(start, start + ROWS_PER_STATEMENT);
  }
}
