import { count, eq, sql, sum } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { orderPayments, orderStatusHistory, orders } from "../db/schema.ts";
import { insertEvents } from "../events/event-store.ts";
import { orderShopperEvent } from "../events/order-events.ts";
import { earnOrderPoints } from "../membership/points-earning.ts";
import type { PaymentLineKind } from "../presale/presale-terms.ts";
import type { Order, OrderEvent, OrderStatus } from "./order.ts";

/**
 * Writes a batch of outbox events to Postgres in one transaction (the group commit of a
 * SKU object's outbox): the orders, their status history, and the shopper events of each
 * status entered (src/events/order-events.ts). Idempotent and order-insensitive: a batch written twice, batches
 * that overlap, or a stale snapshot arriving after a newer one leave each order at its
 * highest version and the history with one row per status.
 *
 * Each table gets one statement with one parameter, the batch as JSON, unpacked by
 * `jsonb_to_recordset`: building a bind parameter per column per row cost the SKU object's
 * isolate more than anything else on the checkout path (issue 7's profile).
 */
export async function writeOrderEvents(db: Database, events: OrderEvent[]): Promise<void> {
  if (events.length === 0) return;

  // One row per order: Postgres refuses to update the same row twice in one statement.
  const latest = new Map<string, OrderEvent>();
  for (const event of events) {
    const kept = latest.get(event.order.id);
    if (!kept || isNewer(event, kept)) latest.set(event.order.id, event);
  }
  const orderRows = [...latest.values()].map(({ order }) => ({
    id: order.id,
    sku: order.sku,
    shopper_id: order.shopperId,
    qty: order.qty,
    unit_prices: order.unitPrices,
    ranks: order.ranks,
    total_amount: order.totalAmount,
    currency: order.currency,
    tier: order.tier,
    status: order.status,
    idempotency_key: order.idempotencyKey,
    created_at: new Date(order.createdAt).toISOString(),
    updated_at: new Date(order.updatedAt).toISOString(),
    expires_at: order.expiresAt === null ? null : new Date(order.expiresAt).toISOString(),
    payment_ref: order.paymentRef,
    version: order.version,
    gift_id: order.gift?.id ?? null,
    discount_lines: order.discounts,
    invoice_kind: order.invoiceKind,
    presale: order.presale ?? null,
  }));

  // One row per (order, status), the earliest event's: that is when the order entered it.
  const firstEntered = new Map<string, OrderEvent>();
  for (const event of events) {
    const key = `${event.order.id}\u0000${event.order.status}`;
    const kept = firstEntered.get(key);
    if (!kept || isNewer(kept, event)) firstEntered.set(key, event);
  }
  const historyRows = [...firstEntered.values()].map(({ order, reason }) => ({
    order_id: order.id,
    status: order.status,
    reason,
    at: new Date(order.updatedAt).toISOString(),
  }));

  // The payments the batch's snapshots record (issue 19), one row per (order, kind): any snapshot
  // from the payment on tells of it, and the table keeps the first written.
  const paymentRows = new Map<string, PaymentRow>();
  for (const { order } of events) for (const row of paymentLines(order)) paymentRows.set(`${row.order_id}\u0000${row.kind}`, row);

  await db.transaction(async (tx) => {
    // `order by` the key: concurrent writers lock shared rows in the same order and cannot deadlock.
    await tx.execute(sql`
      insert into ${orders} (${sql.raw(ORDER_COLUMNS.map(([name]) => name).join(", "))})
      select ${sql.raw(ORDER_COLUMNS.map(([name]) => `r.${name}`).join(", "))}
      from jsonb_to_recordset(${JSON.stringify(orderRows)}::jsonb)
        as r(${sql.raw(ORDER_COLUMNS.map(([name, type]) => `${name} ${type}`).join(", "))})
      order by r.id collate "C"
      on conflict (id) do update set
        ${sql.raw(MUTABLE_ORDER_COLUMNS.map((name) => `${name} = excluded.${name}`).join(", "))}
      -- Forward only: a replayed or stale snapshot leaves the newer row as it is.
      where ${orders.version} < excluded.version`);
    await tx.execute(sql`
      insert into ${orderStatusHistory} (order_id, status, reason, at)
      select r.order_id, r.status, r.reason, r.at
      from jsonb_to_recordset(${JSON.stringify(historyRows)}::jsonb)
        as r(order_id text, status text, reason text, at timestamptz)
      order by r.order_id collate "C", r.status collate "C"
      on conflict (order_id, status) do nothing`);
    // The payment lines with the status that says they were paid, in the same transaction.
    if (paymentRows.size > 0) {
      await tx.execute(sql`
        insert into ${orderPayments} (order_id, kind, amount, payment_ref, paid_at)
        select r.order_id, r.kind, r.amount, r.payment_ref, r.paid_at
        from jsonb_to_recordset(${JSON.stringify([...paymentRows.values()])}::jsonb)
          as r(order_id text, kind text, amount bigint, payment_ref text, paid_at timestamptz)
        order by r.order_id collate "C", r.kind collate "C"
        on conflict (order_id, kind) do nothing`);
    }
    // The shopper events of the same changes (issue 13): order_created, order_paid, …
    await insertEvents(tx, [...firstEntered.values()].map(orderShopperEvent), Date.now());
    // Points for the orders paid (issue 16): one statement for the batch, nothing without a payment.
    await earnOrderPoints(
      tx,
      historyRows.filter((row) => row.status === "paid").map((row) => ({ id: row.order_id, at: Date.parse(row.at) })),
    );
  });
}

/** The orders table's columns as the batch carries them, with their SQL types. */
const ORDER_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ["id", "text"],
  ["sku", "text"],
  ["shopper_id", "text"],
  ["qty", "integer"],
  ["unit_prices", "jsonb"],
  ["ranks", "jsonb"],
  ["total_amount", "bigint"],
  ["currency", "text"],
  ["tier", "text"],
  ["status", "text"],
  ["idempotency_key", "text"],
  ["created_at", "timestamptz"],
  ["updated_at", "timestamptz"],
  ["expires_at", "timestamptz"],
  ["payment_ref", "text"],
  ["version", "integer"],
  ["gift_id", "text"],
  ["discount_lines", "jsonb"],
  ["invoice_kind", "text"],
  ["presale", "jsonb"],
];

/** Identity (id, sku, shopper, idempotency key, creation time) and the gift never change; coupons may, until paid. */
const MUTABLE_ORDER_COLUMNS = [
  "qty",
  "unit_prices",
  "ranks",
  "total_amount",
  "currency",
  "tier",
  "status",
  "updated_at",
  "expires_at",
  "payment_ref",
  "version",
  "discount_lines",
  "invoice_kind",
  "presale",
];

type PaymentRow = { order_id: string; kind: PaymentLineKind; amount: number; payment_ref: string | null; paid_at: string };

/**
 * The payments an order's snapshot tells of: an ordinary paid order its one `full` line; a
 * presale order its `deposit` line once the deposit is paid and its `balance` line once the
 * balance is (issue 19). A forfeited order keeps its deposit line: the money was taken.
 */
export function paymentLines(order: Order): PaymentRow[] {
  const line = order.presale;
  if (!line) {
    if (order.status !== "paid") return [];
    return [row(order.id, "full", order.totalAmount, order.paymentRef, order.updatedAt)];
  }
  const rows: PaymentRow[] = [];
  if (line.depositPaidAt !== null) rows.push(row(order.id, "deposit", line.deposit, line.depositRef, line.depositPaidAt));
  if (line.balancePaidAt !== null) rows.push(row(order.id, "balance", line.balance, order.paymentRef, line.balancePaidAt));
  return rows;
}

function row(orderId: string, kind: PaymentLineKind, amount: number, ref: string | null, at: number): PaymentRow {
  return { order_id: orderId, kind, amount, payment_ref: ref, paid_at: new Date(at).toISOString() };
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
    unitsByStatus: { pending_payment: 0, deposit_paid: 0, paid: 0, cancelled: 0, expired: 0, forfeited: 0 },
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
