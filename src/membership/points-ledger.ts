import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { pointsEntries } from "../db/schema.ts";
import { AppError } from "../errors.ts";

/** A transaction or the database: both run the statements below. */
type Executor = Pick<Database, "execute">;

/** Why points moved; each reason names who writes it (README "Points"). */
export type PointsReason =
  | "order_paid"
  | "electronic_invoice"
  | "order_refunded"
  | "checkout_hold"
  | "hold_returned"
  | "hold_spent"
  | "invoice_upload"
  | "crm_grant"
  | "tier_benefit"
  | "expired";

/** One movement of a shopper's points, as the ledger is asked to record it. */
export interface PointsMovement {
  shopperId: string;
  /** Signed whole points: + earned or returned, − spent, held, reversed or expired. */
  amount: number;
  reason: PointsReason;
  /** The movement's identity: recorded once, however often it is asked for. */
  idempotencyKey: string;
  orderId?: string | null;
  details?: Record<string, unknown>;
  /** Epoch ms, server time. */
  at: number;
  /** When earned points lapse (earning rows only). */
  expiresAt?: number | null;
}

/**
 * Appends one movement to the ledger; a movement whose key is already there is not written
 * again (`replayed`), so a retried or raced movement lands once. Rows are never updated.
 */
export async function appendPoints(tx: Executor, movement: PointsMovement): Promise<{ id: number; replayed: boolean }> {
  if (!Number.isSafeInteger(movement.amount)) {
    throw new AppError("invalid_request", `points must be a whole number, not ${movement.amount}`);
  }
  const inserted = await tx.execute<{ id: string }>(sql`
    insert into ${pointsEntries} (shopper_id, amount, reason, idempotency_key, order_id, details, at, expires_at)
    values (${movement.shopperId}, ${movement.amount}, ${movement.reason}, ${movement.idempotencyKey},
      ${movement.orderId ?? null}, ${JSON.stringify(movement.details ?? {})}::jsonb, ${new Date(movement.at).toISOString()},
      ${movement.expiresAt == null ? null : new Date(movement.expiresAt).toISOString()})
    on conflict (idempotency_key) do nothing
    returning id`);
  if (inserted.rows[0]) return { id: Number(inserted.rows[0].id), replayed: false };
  const kept = await tx.execute<{ id: string }>(
    sql`select id from ${pointsEntries} where ${pointsEntries.idempotencyKey} = ${movement.idempotencyKey}`,
  );
  return { id: Number(kept.rows[0]?.id), replayed: true };
}

/** A shopper's balance: the sum of their ledger rows (held points are already taken off). */
export async function pointsBalance(db: Pick<Database, "select">, shopperId: string): Promise<number> {
  const [row] = await db
    .select({ balance: sql<string>`coalesce(sum(${pointsEntries.amount}), 0)` })
    .from(pointsEntries)
    .where(eq(pointsEntries.shopperId, shopperId));
  return Number(row?.balance ?? 0);
}
