import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { members, orders, pointsEntries } from "../db/schema.ts";
import { recordCrmEvents } from "./crm-events.ts";
import { POINTS_LIFETIME_MS } from "./points-rules.ts";

/** A transaction or the database: both run the statements below. */
type Executor = Pick<Database, "execute">;

/** An order that entered `paid` in an outbox batch: its id, and when it was paid. */
export interface PaidOrder {
  id: string;
  /** Epoch ms, the order's `updatedAt` when it became paid. */
  at: number;
}

/** The ledger key of an order's points, and of its electronic invoice's bonus (brief contract 1). */
export const earnKey = (orderId: string) => `earn:${orderId}`;
export const earnInvoiceKey = (orderId: string) => `earn-invoice:${orderId}`;

/**
 * Earns the points of orders just paid (issue 16), in the outbox's transaction, in one
 * statement for the whole batch: an `order_paid` row per order of
 * floor(floor(total / 100) × the member's multiplier % / 100), and a second row of the same
 * amount (`electronic_invoice`) when the order's invoice is electronic; each once by its key,
 * so a replayed or overlapping batch earns nothing more. The shoppers' standing is marked for
 * recomputing in the same statement, and the CRM is told of each row written (only those: a
 * replay tells nothing twice) with one more.
 */
export async function earnOrderPoints(tx: Executor, paid: readonly PaidOrder[]): Promise<void> {
  if (paid.length === 0) return;
  const batch = JSON.stringify(paid.map((p) => ({ id: p.id, at: new Date(p.at).toISOString() })));
  const lifetime = `${POINTS_LIFETIME_MS} milliseconds`;
  const earned = await tx.execute<{
    id: string;
    shopper_id: string;
    amount: number;
    reason: string;
    key: string;
    order_id: string;
    at: string;
  }>(sql`
    with paid as (
      select r.id, r.at from jsonb_to_recordset(${batch}::jsonb) as r(id text, at timestamptz)
    ),
    -- Capped at the column's integer: an absurd total must not make the whole batch refuse.
    earning as (
      select o.id, o.shopper_id, p.at, o.invoice_kind,
        least((o.total_amount / 100) * coalesce(m.points_multiplier_percent, 100) / 100, 2147483647)::integer as points
      from paid p
      join ${orders} o on o.id = p.id and o.status = 'paid'
      left join ${members} m on m.shopper_id = o.shopper_id
    ),
    movements as (
      select shopper_id, points, 'order_paid' as reason, 'earn:' || id as key, id, at from earning
      union all
      select shopper_id, points, 'electronic_invoice', 'earn-invoice:' || id, id, at from earning where invoice_kind = 'electronic'
    ),
    inserted as (
      insert into ${pointsEntries} (shopper_id, amount, reason, idempotency_key, order_id, details, at, expires_at)
      select shopper_id, points, reason, key, id, '{}'::jsonb, at, at + ${lifetime}::interval
      from movements where points > 0
      order by key collate "C"
      on conflict (idempotency_key) do nothing
      returning id, shopper_id, amount, reason, idempotency_key as key, order_id, at
    ),
    standing as (
      insert into ${members} (shopper_id, recompute_due)
      select distinct shopper_id, true from earning order by shopper_id
      on conflict (shopper_id) do update set recompute_due = true
    )
    select id, shopper_id, amount, reason, key, order_id, at from inserted`);
  await recordCrmEvents(
    tx,
    earned.rows.map((row) => ({
      type: "member.points_earned" as const,
      shopperId: row.shopper_id,
      key: row.key,
      at: new Date(row.at).getTime(),
      data: { points: Number(row.amount), reason: row.reason, orderId: row.order_id, entryId: Number(row.id) },
    })),
  );
}
