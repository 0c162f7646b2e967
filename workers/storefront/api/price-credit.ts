import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { AppError } from "../../../src/errors.ts";
import { pricesSince } from "../../../src/membership/price-history.ts";
import {
  type CreditDecision,
  creditForDrop,
  creditKey,
  type NoCreditReason,
  type PriceCredit,
  type PriceDrop,
} from "../../../src/membership/price-protection.ts";
import { type ProtectedOrder, protectedOrder, recordClaim } from "../../../src/membership/protected-orders.ts";
import { TierCatalog } from "../../../src/membership/tier-catalog.ts";
import { refundOrder } from "./refund-order.ts";

/** A credit paid for one drop. */
export interface PaidCredit {
  claimId: string;
  sku: string;
  paidUnitPrice: number;
  refundId: string;
  dropPrice: number;
  dropAt: number;
  perUnit: number;
  units: number;
  amount: number;
}

export type ClaimOutcome =
  | { orderId: string; credits: PaidCredit[]; reason: null; message: null }
  | { orderId: string; credits: []; reason: NoCreditReason; message: string };

/** How often one claim re-reads and tries again after another claim of the same order got in first. */
const ATTEMPTS = 6;

/** Thrown inside the refund's transaction when the order was credited meanwhile: rolls it back, to be weighed again. */
class CreditedMeanwhile extends Error {}

/**
 * Weighs one order against every price its SKU was sold at since it was paid and pays each
 * credit the rule (src/membership/price-protection.ts) owes, oldest drop first (issue 16). A
 * credit is a refund through the payment provider (refundOrder, reason price_protection, 0
 * units, keyed by creditKey) with the claim row and its webhook in the refund's transaction.
 *
 * Exactly once under concurrent claims (the shopper's and the scan's, many at once): inside the
 * refund's transaction the order's row is locked and the credit weighed again against the claims
 * committed by then; a credit that changed rolls back and is weighed afresh, and a second refund
 * under the same creditKey meets the key's unique index (or replays). `shopperId` limits the
 * claim to the shopper's own order (another's is 404).
 */
export async function claimPriceProtection(
  env: Env,
  orderId: string,
  claim: { source: "shopper" | "scan"; at: number; shopperId?: string; timeZone?: string },
): Promise<ClaimOutcome> {
  // The scan passes the shop's time zone it read once; a shopper's claim reads it here.
  const timeZone = claim.timeZone ?? (await new TierCatalog(env.SALES).current()).timeZone;
  const credits: PaidCredit[] = [];
  let refusal: { reason: NoCreditReason; message: string } = { reason: "not_lower", message: "no lower price was recorded" };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const read = await withDatabase(databaseSettings(env), async (db) => {
      const order = await protectedOrder(db, orderId);
      if (!order || (claim.shopperId !== undefined && order.shopperId !== claim.shopperId)) return null;
      const drops = order.purchase.paid ? await pricesSince(db, order.purchase.sku, order.purchase.paidAt, claim.at) : [];
      return { order, drops };
    });
    if (!read) throw new AppError("not_found", `no order ${orderId} of this shopper`);
    const owed = firstCredit(read.order, read.drops, timeZone);
    if (!owed.ok) {
      refusal = owed.decision;
      break;
    }
    const paid = await pay(env, read.order, owed.drop, owed.credit, timeZone, claim).catch((error: unknown) => {
      if (error instanceof CreditedMeanwhile) return null;
      if (describeDatabaseFailure(error).sqlstate === "23505") return null;
      throw error;
    });
    if (paid) credits.push(paid);
  }
  if (credits.length > 0) return { orderId, credits, reason: null, message: null };
  return { orderId, credits: [], ...refusal };
}

/** The oldest drop that pays the order something now, or why none does (the last drop's reason, or the order's own). */
function firstCredit(
  order: ProtectedOrder,
  drops: readonly PriceDrop[],
  timeZone: string,
): { ok: true; drop: PriceDrop; credit: PriceCredit } | { ok: false; decision: { reason: NoCreditReason; message: string } } {
  const window = { windowDays: order.windowDays, timeZone, creditedDownTo: order.creditedDownTo };
  let last: CreditDecision | null = null;
  for (const drop of drops) {
    last = creditForDrop(order.purchase, drop, window);
    if (last.ok) return { ok: true, drop, credit: last.credit };
  }
  if (!order.purchase.paid) return { ok: false, decision: { reason: "not_paid", message: "only a paid order is price-protected" } };
  if (order.windowDays === 0) {
    return { ok: false, decision: { reason: "outside_window", message: "your member tier has no price protection" } };
  }
  if (last && !last.ok) return { ok: false, decision: { reason: last.reason, message: last.message } };
  return { ok: false, decision: { reason: "not_lower", message: "the price has not dropped below what you paid since" } };
}

async function pay(
  env: Env,
  order: ProtectedOrder,
  drop: PriceDrop,
  credit: PriceCredit,
  timeZone: string,
  claim: { source: "shopper" | "scan"; at: number },
): Promise<PaidCredit | null> {
  const key = creditKey(order.purchase.orderId, drop);
  const claimId = `ppc_${crypto.randomUUID().replaceAll("-", "")}`;
  const { refund, replayed } = await refundOrder(
    env,
    {
      orderId: order.purchase.orderId,
      amount: credit.amount,
      units: 0,
      reason: "price_protection",
      idempotencyKey: key,
      actor: "price-protection",
    },
    claim.at,
    [
      async (tx, refund) => {
        // The order's row is locked now: weigh the credit again against what is committed.
        const now = await protectedOrder(tx, order.purchase.orderId);
        const again =
          now && creditForDrop(now.purchase, drop, { windowDays: now.windowDays, timeZone, creditedDownTo: now.creditedDownTo });
        if (!again?.ok || again.credit.amount !== credit.amount) throw new CreditedMeanwhile();
        await recordClaim(tx, {
          id: claimId,
          order,
          drop,
          credit,
          creditKey: key,
          source: claim.source,
          refundId: refund.id,
          at: claim.at,
        });
      },
    ],
  );
  if (replayed) return null;
  return {
    claimId,
    sku: order.purchase.sku,
    paidUnitPrice: order.purchase.unitPrice,
    refundId: refund.id,
    dropPrice: drop.price,
    dropAt: drop.at,
    perUnit: credit.perUnit,
    units: credit.units,
    amount: refund.amount,
  };
}
