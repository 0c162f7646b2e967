import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { pointsEntries } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { appendPoints } from "./points-ledger.ts";
import type { PointsTerms } from "./points-pricing.ts";
import { POINTS_HOLD_MS } from "./points-rules.ts";

export type { PointsTerms };

/** A transaction or the database. */
type Executor = Pick<Database, "execute">;

/** The checkout a hold is for: its SKU, shopper and Idempotency-Key (what the SKU object finds the order by). */
export interface PointsCheckout {
  shopperId: string;
  sku: string;
  idempotencyKey: string;
}

/**
 * A hold's ledger key: one per checkout for the Try (`hold:<sku>:<shopper>:<checkoutKey>`),
 * and one per change on the order page (`…:<requestKey>` after it).
 */
export function holdKeyOf(checkout: PointsCheckout, change?: string): string {
  const base = `hold:${checkout.sku}:${checkout.shopperId}:${checkout.idempotencyKey}`;
  return change ? `${base}:${change}` : base;
}

/** Spending and returning a hold share this key, so exactly one of them happens. */
export const settleKeyOf = (holdKey: string) => `settle:${holdKey}`;

/**
 * Serializes one shopper's holds and expiries (a transaction-scoped advisory lock): a balance
 * read under it cannot be spent twice by two checkouts at once.
 */
export async function lockShopperPoints(tx: Executor, shopperId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`points:${shopperId}`}, 0))`);
}

type HoldRow = { amount: number; shopper_id: string; details: { heldUntil?: number }; settled: boolean };

async function findHold(tx: Executor, holdKey: string): Promise<HoldRow | null> {
  const { rows } = await tx.execute<HoldRow>(sql`
    select h.amount, h.shopper_id, h.details,
      exists (select 1 from ${pointsEntries} s where s.idempotency_key = ${settleKeyOf(holdKey)}) as settled
    from ${pointsEntries} h where h.idempotency_key = ${holdKey} and h.reason = 'checkout_hold'`);
  return rows[0] ?? null;
}

/**
 * Try, for points: holds `points` of the shopper's balance for the checkout, as a
 * `checkout_hold` row of −points, under the shopper's lock so holds at once never overdraw.
 * Once per key: asked again, the same hold is answered (`fresh: false`), unless it was given
 * back already (`points_unavailable`: the checkout it was for is over) or named other points
 * (`idempotency_conflict`).
 */
export async function holdPoints(
  db: Database,
  checkout: PointsCheckout,
  holdKey: string,
  points: number,
  at: number,
  replacing: string | null = null,
): Promise<{ terms: PointsTerms; fresh: boolean }> {
  if (!Number.isSafeInteger(points) || points <= 0) throw new AppError("invalid_request", "points must be a whole number of at least 1");
  return db.transaction(async (tx) => {
    await lockShopperPoints(tx, checkout.shopperId);
    const kept = await findHold(tx, holdKey);
    if (kept) {
      if (kept.shopper_id !== checkout.shopperId || -kept.amount !== points) {
        throw new AppError("idempotency_conflict", "this Idempotency-Key already held other points");
      }
      const heldUntil = Number(kept.details.heldUntil ?? 0);
      if (kept.settled)
        throw new AppError("points_unavailable", "the points held for this checkout were given back already", { heldUntil });
      return { terms: { holdKey, points, heldUntil }, fresh: false };
    }
    const { rows } = await tx.execute<{ balance: string }>(
      sql`select coalesce(sum(amount), 0) as balance from ${pointsEntries} where shopper_id = ${checkout.shopperId}`,
    );
    // A hold that replaces the order's hold may use its points: only one of the two stays on
    // the order, and the other goes back (the order page's change, or the settling job).
    const replaced = replacing ? await findHold(tx, replacing) : null;
    const reusable = replaced && !replaced.settled && replaced.shopper_id === checkout.shopperId ? -replaced.amount : 0;
    const available = Number(rows[0]?.balance ?? 0) + reusable;
    if (available < points) throw new AppError("points_insufficient", `only ${Math.max(0, available)} points available`, { available });
    const heldUntil = at + POINTS_HOLD_MS;
    await appendPoints(tx, {
      shopperId: checkout.shopperId,
      amount: -points,
      reason: "checkout_hold",
      idempotencyKey: holdKey,
      details: { sku: checkout.sku, checkoutKey: checkout.idempotencyKey, heldUntil },
      at,
    });
    return { terms: { holdKey, points, heldUntil }, fresh: true };
  });
}

/** What became of a hold: its order was paid using `used` of its points, or it went back whole. */
export type HoldSettlement = { kind: "spent"; used: number; orderId: string } | { kind: "returned"; orderId?: string | null };

/**
 * Confirm or Cancel, for points: settles a hold once. Spent: a `hold_spent` row giving back
 * what the order did not use (0 when it used them all); returned: a `hold_returned` row
 * giving back all of it. Both are keyed `settle:<holdKey>`, so whichever comes first is the
 * one that happens (`changed: false` for the other). A hold that does not exist is nothing.
 */
export async function settleHold(db: Executor, holdKey: string, settlement: HoldSettlement, at: number): Promise<{ changed: boolean }> {
  const hold = await findHold(db, holdKey);
  if (!hold || hold.settled) return { changed: false };
  const held = -hold.amount;
  const spent = settlement.kind === "spent";
  const { replayed } = await appendPoints(db, {
    shopperId: hold.shopper_id,
    amount: spent ? Math.max(0, held - settlement.used) : held,
    reason: spent ? "hold_spent" : "hold_returned",
    idempotencyKey: settleKeyOf(holdKey),
    orderId: settlement.orderId ?? null,
    details: { holdKey, ...(spent ? { used: settlement.used } : {}) },
    at,
  });
  return { changed: !replayed };
}

/** A hold not yet settled whose wait is over (`heldUntil` ≤ `before`): for the settling job. */
export interface DueHold {
  holdKey: string;
  shopperId: string;
  points: number;
  sku: string;
  checkoutKey: string;
  heldUntil: number;
}

/** Up to `limit` holds not settled whose wait ended before `before`, oldest first. */
export async function dueHolds(db: Executor, before: number, limit: number): Promise<DueHold[]> {
  const { rows } = await db.execute<{ key: string; shopper_id: string; amount: number; details: Record<string, unknown> }>(sql`
    select h.idempotency_key as key, h.shopper_id, h.amount, h.details from ${pointsEntries} h
    where h.reason = 'checkout_hold' and (h.details->>'heldUntil')::bigint <= ${before}
      and not exists (select 1 from ${pointsEntries} s where s.idempotency_key = 'settle:' || h.idempotency_key)
    order by h.at, h.id limit ${limit}`);
  return rows.map((row) => ({
    holdKey: row.key,
    shopperId: row.shopper_id,
    points: -Number(row.amount),
    sku: String(row.details.sku),
    checkoutKey: String(row.details.checkoutKey),
    heldUntil: Number(row.details.heldUntil),
  }));
}
