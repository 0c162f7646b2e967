import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { priceProtectionClaims } from "../db/schema.ts";
import { recordCrmEvents } from "./crm-events.ts";
import type { PriceCredit, PriceDrop, ProtectedPurchase } from "./price-protection.ts";

/** A transaction or the database. */
type Executor = Pick<Database, "execute">;

/** An order as price protection weighs it: the purchase, its member's window, and what it was credited down to. */
export interface ProtectedOrder {
  purchase: ProtectedPurchase;
  shopperId: string;
  /** The member's protection days now (members.protection_days; 0: none). */
  windowDays: number;
  /** The lowest drop price credited to the order so far; null: none. */
  creditedDownTo: number | null;
}

/**
 * One order as price protection weighs it, read in one statement: the unit price is the
 * order's total ÷ its units (after its coupons, floored to whole fen), paid when it became
 * paid (order_status_history), its units less those refunded. Null: no such order.
 */
export async function protectedOrder(db: Executor, orderId: string): Promise<ProtectedOrder | null> {
  const rows = await db.execute<{
    sku: string;
    shopper_id: string;
    status: string;
    qty: number;
    total_amount: string;
    paid_at: string | null;
    refunded_units: string;
    protection_days: number | null;
    credited_down_to: string | null;
  }>(sql`
    select o.sku, o.shopper_id, o.status, o.qty, o.total_amount,
      (select at from order_status_history h where h.order_id = o.id and h.status = 'paid') as paid_at,
      (select coalesce(sum(units), 0) from order_refunds r where r.order_id = o.id) as refunded_units,
      (select protection_days from members m where m.shopper_id = o.shopper_id) as protection_days,
      (select min(drop_price) from ${priceProtectionClaims} c where c.order_id = o.id) as credited_down_to
    from orders o where o.id = ${orderId}`);
  const row = rows.rows[0];
  if (!row) return null;
  return {
    purchase: {
      orderId,
      sku: row.sku,
      unitPrice: Math.floor(Number(row.total_amount) / row.qty),
      units: row.qty,
      refundedUnits: Number(row.refunded_units),
      paid: row.status === "paid" && row.paid_at !== null,
      paidAt: row.paid_at === null ? 0 : new Date(row.paid_at).getTime(),
    },
    shopperId: row.shopper_id,
    windowDays: row.protection_days ?? 0,
    creditedDownTo: row.credited_down_to === null ? null : Number(row.credited_down_to),
  };
}

/**
 * Paid orders the scan should weigh (at most `limit`), one set-based statement: their member
 * has a window, a lower price of their SKU was recorded after payment and on a day within the
 * window (in `timeZone`), below the order's unit price and below what it was credited down to,
 * and some units are still kept. The rule itself (src/membership/price-protection.ts) decides.
 */
export async function ordersToProtect(db: Executor, at: number, timeZone: string, limit: number): Promise<string[]> {
  const rows = await db.execute<{ id: string }>(sql`
    select distinct o.id from orders o
    join members m on m.shopper_id = o.shopper_id and m.protection_days > 0
    join order_status_history h on h.order_id = o.id and h.status = 'paid'
    join sku_prices p on p.sku = o.sku and p.at >= h.at and p.at <= ${new Date(at).toISOString()}
      and (p.at at time zone ${timeZone})::date - (h.at at time zone ${timeZone})::date + 1 <= m.protection_days
    where o.status = 'paid'
      and p.price < o.total_amount / o.qty
      and p.price < coalesce((select min(drop_price) from ${priceProtectionClaims} c where c.order_id = o.id), o.total_amount)
      and (select coalesce(sum(units), 0) from order_refunds r where r.order_id = o.id) < o.qty
    limit ${limit}`);
  return rows.rows.map((row) => row.id);
}

/** A credit paid: its claim row, written in the refund's transaction, with its webhook. */
export async function recordClaim(
  tx: Executor,
  claim: {
    id: string;
    order: ProtectedOrder;
    drop: PriceDrop;
    credit: PriceCredit;
    creditKey: string;
    source: "shopper" | "scan";
    refundId: string;
    at: number;
  },
): Promise<void> {
  const { order, drop, credit } = claim;
  await tx.execute(sql`
    insert into ${priceProtectionClaims}
      (id, order_id, shopper_id, sku, credit_key, paid_unit_price, drop_price, drop_at, per_unit, units, amount, source, refund_id, at)
    values (${claim.id}, ${order.purchase.orderId}, ${order.shopperId}, ${order.purchase.sku}, ${claim.creditKey},
      ${order.purchase.unitPrice}, ${drop.price}, ${new Date(drop.at).toISOString()}, ${credit.perUnit}, ${credit.units},
      ${credit.amount}, ${claim.source}, ${claim.refundId}, ${new Date(claim.at).toISOString()})`);
  await recordCrmEvents(tx, [
    {
      type: "member.price_protection_credited",
      shopperId: order.shopperId,
      at: claim.at,
      key: claim.creditKey,
      data: {
        orderId: order.purchase.orderId,
        sku: order.purchase.sku,
        paidUnitPrice: order.purchase.unitPrice,
        dropPrice: drop.price,
        amount: credit.amount,
        units: credit.units,
      },
    },
  ]);
}
