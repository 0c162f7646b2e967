import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { orderRefunds, orders, pointsEntries } from "../db/schema.ts";
import { appendPoints } from "./points-ledger.ts";
import { earnInvoiceKey, earnKey } from "./points-earning.ts";
import { pointsToReverse } from "./points-rules.ts";

/** A transaction or the database: both run the statements below. */
type Executor = Pick<Database, "execute">;

/** A refund as the reversal needs it (workers/storefront/api/refund-order.ts writes it first). */
export interface RefundForPoints {
  id: string;
  orderId: string;
  shopperId: string;
  /** Fen refunded by this refund. */
  amount: number;
  at: number;
}

/** The ledger key of a refund's reversal (brief contract 1). */
export const reverseKey = (refundId: string) => `reverse:${refundId}`;

/**
 * Takes back the points of a refunded order in proportion to the money refunded
 * (pointsToReverse), as one `order_refunded` row keyed by the refund, in the refund's
 * transaction: the order's row is locked by then, so refunds of one order reverse one after
 * another and the sum of reversals never passes what was earned. Both earning rows (the
 * order's and its electronic invoice's) count as what was earned. Nothing earned, nothing
 * written.
 */
export async function reverseOrderPoints(tx: Executor, refund: RefundForPoints): Promise<number> {
  const { rows } = await tx.execute<{ total: string; earned: string; reversed: string; refunded_before: string }>(sql`
    select
      (select total_amount from ${orders} where id = ${refund.orderId}) as total,
      (select coalesce(sum(amount), 0) from ${pointsEntries}
        where idempotency_key in (${earnKey(refund.orderId)}, ${earnInvoiceKey(refund.orderId)})) as earned,
      (select coalesce(-sum(amount), 0) from ${pointsEntries}
        where order_id = ${refund.orderId} and reason = 'order_refunded') as reversed,
      (select coalesce(sum(amount), 0) from ${orderRefunds}
        where order_id = ${refund.orderId} and id <> ${refund.id}) as refunded_before`);
  const row = rows[0];
  if (!row) return 0;
  const points = pointsToReverse({
    earned: Number(row.earned),
    totalAmount: Number(row.total),
    refundedBefore: Number(row.refunded_before),
    amount: refund.amount,
    reversedBefore: Number(row.reversed),
  });
  if (points === 0) return 0;
  await appendPoints(tx, {
    shopperId: refund.shopperId,
    amount: -points,
    reason: "order_refunded",
    idempotencyKey: reverseKey(refund.id),
    orderId: refund.orderId,
    details: { refundId: refund.id, refundedAmount: refund.amount },
    at: refund.at,
  });
  return points;
}
