import { sql } from "drizzle-orm";
import { databaseSettings } from "../../../src/config.ts";
import { type Database, withDatabase } from "../../../src/db/client.ts";
import { members, orderRefunds, orders } from "../../../src/db/schema.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError, unwrap } from "../../../src/errors.ts";
import { reverseOrderPoints } from "../../../src/membership/points-reversal.ts";
import { checkRefund, type OrderRefund, type RefundRequest } from "../../../src/orders/refunds.ts";

export type { OrderRefund };
import { paymentProvider } from "../../../src/payments/index.ts";

type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * Steps run in the refund's own transaction, after its row is written: the points ledger's
 * reversal (issue 16) and anything else that must stand or fall with the refund.
 */
export type RefundStep = (tx: Transaction, refund: OrderRefund) => Promise<void>;
const REFUND_STEPS: RefundStep[] = [(tx, refund) => reverseOrderPoints(tx, refund).then(() => undefined)];

/**
 * Refunds a paid order through the payment provider, once per idempotency key: in one
 * transaction it locks the order's row, checks the refund against what is left (so two at
 * once cannot both take the last of it), writes the refund, marks the shopper's tier for
 * recomputing, runs the refund steps, and asks the provider last, so a provider that fails
 * leaves nothing written. A commit lost after the provider paid is safe to retry: the
 * provider refunds once per key, and the row is written then.
 */
export async function refundOrder(
  env: Env,
  request: RefundRequest,
  at = Date.now(),
  /** This call's own steps, run after REFUND_STEPS in the same transaction (a price-protection claim's row). */
  steps: readonly RefundStep[] = [],
): Promise<{ refund: OrderRefund; replayed: boolean }> {
  const attempt = () =>
    withDatabase(databaseSettings(env), (db) =>
      db.transaction(async (tx) => {
        const locked = await tx.execute<{
          status: string;
          total_amount: string;
          qty: number;
          shopper_id: string;
          sku: string;
          payment_ref: string | null;
        }>(sql`select status, total_amount, qty, shopper_id, sku, payment_ref from ${orders} where id = ${request.orderId} for update`);
        const order = locked.rows[0];
        if (!order) throw new AppError("not_found", `no order ${request.orderId} is recorded`);
        // Read under the order's lock: the same key sent twice at once waits here for the first
        // to commit, then finds its refund rather than failing on the key's unique index.
        const [kept] = await tx.select().from(orderRefunds).where(sql`${orderRefunds.idempotencyKey} = ${request.idempotencyKey}`);
        if (kept) {
          if (kept.orderId !== request.orderId || kept.amount !== request.amount || kept.units !== request.units) {
            throw new AppError("idempotency_conflict", "the Idempotency-Key was already used for another refund", {
              orderId: kept.orderId,
            });
          }
          return { refund: refundOf(kept), replayed: true };
        }
        const so = await tx.execute<{ amount: string; units: string }>(
          sql`select coalesce(sum(amount), 0) as amount, coalesce(sum(units), 0) as units from ${orderRefunds} where order_id = ${request.orderId}`,
        );
        unwrap(
          checkRefund(
            {
              status: order.status,
              totalAmount: Number(order.total_amount),
              qty: order.qty,
              refundedAmount: Number(so.rows[0]?.amount ?? 0),
              refundedUnits: Number(so.rows[0]?.units ?? 0),
            },
            request,
          ),
        );
        const refund: OrderRefund = {
          id: `rfd_${crypto.randomUUID().replaceAll("-", "")}`,
          orderId: request.orderId,
          shopperId: order.shopper_id,
          sku: order.sku,
          amount: request.amount,
          units: request.units,
          reason: request.reason,
          idempotencyKey: request.idempotencyKey,
          providerRef: order.payment_ref,
          actor: request.actor,
          at,
        };
        await tx.insert(orderRefunds).values({ ...refund, at: new Date(at) });
        await tx
          .insert(members)
          .values({ shopperId: refund.shopperId, recomputeDue: true })
          .onConflictDoUpdate({ target: members.shopperId, set: { recomputeDue: true } });
        for (const step of [...REFUND_STEPS, ...steps]) await step(tx, refund);
        if (order.payment_ref) {
          await paymentProvider(env.PAYMENT_PROVIDER).refund(order.payment_ref, request.reason, {
            amount: request.amount,
            idempotencyKey: request.idempotencyKey,
          });
        }
        return { refund, replayed: false };
      }),
    );
  try {
    return await attempt();
  } catch (error) {
    // The same key raced on another order's refund: that one committed first, so asked again
    // this one finds it (and answers 422 for the other order) instead of a 500.
    if (describeDatabaseFailure(error).constraint !== "order_refunds_idempotency_key_unique") throw error;
    return attempt();
  }
}

function refundOf(row: typeof orderRefunds.$inferSelect): OrderRefund {
  return { ...row, at: row.at.getTime() };
}
