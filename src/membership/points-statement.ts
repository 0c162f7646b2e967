import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { pointsEntries } from "../db/schema.ts";
import { type EarnedRow, leftOfEarnings } from "./points-rules.ts";

/** A transaction or the database. */
type Executor = Pick<Database, "execute">;

/** Points that lapse soon: what is left of one earning row, and when. */
export interface ExpiringPoints {
  points: number;
  expiresAt: number;
}

/** One ledger row as the shopper and the console see it. */
export interface PointsEntryView {
  id: number;
  amount: number;
  reason: string;
  orderId: string | null;
  at: number;
  expiresAt: number | null;
}

/** A shopper's points (brief contract 2): `GET /api/me/points` and the console's ledger. */
export interface PointsStatement {
  balance: number;
  /** Points held by checkouts not yet paid or given back (already taken off `balance`). */
  held: number;
  expiringSoon: ExpiringPoints[];
  entries: PointsEntryView[];
}

/** "Soon": what lapses within this many days is listed. */
export const EXPIRING_SOON_DAYS = 30;

/**
 * A shopper's earning rows (those that lapse) and everything else summed as what was used:
 * what expiry and the statement compute what is left of each row from (leftOfEarnings).
 */
export async function earningsAndConsumed(tx: Executor, shopperId: string): Promise<{ earned: EarnedRow[]; consumed: number }> {
  const { rows } = await tx.execute<{ id: string; amount: number; expires_at: string | null }>(sql`
    select id, amount, expires_at from ${pointsEntries} where shopper_id = ${shopperId} and (expires_at is not null and amount > 0)
    union all
    select 0, coalesce(sum(amount), 0)::integer, null from ${pointsEntries}
      where shopper_id = ${shopperId} and not (expires_at is not null and amount > 0)`);
  const earned: EarnedRow[] = [];
  let consumed = 0;
  for (const row of rows) {
    if (row.expires_at === null) consumed = -Number(row.amount);
    else earned.push({ id: Number(row.id), amount: Number(row.amount), expiresAt: new Date(row.expires_at).getTime() });
  }
  return { earned, consumed };
}

/** The statement: balance, held, what lapses within EXPIRING_SOON_DAYS, and the latest `limit` rows. */
export async function pointsStatement(db: Executor, shopperId: string, now: number, limit = 50): Promise<PointsStatement> {
  const [{ earned, consumed }, totals, latest] = await Promise.all([
    earningsAndConsumed(db, shopperId),
    db.execute<{ balance: string; held: string }>(sql`
      select coalesce(sum(amount), 0) as balance,
        coalesce(-sum(amount) filter (where reason = 'checkout_hold' and not exists (
          select 1 from ${pointsEntries} s where s.idempotency_key = 'settle:' || ${pointsEntries}.idempotency_key)), 0) as held
      from ${pointsEntries} where shopper_id = ${shopperId}`),
    db.execute<{ id: string; amount: number; reason: string; order_id: string | null; at: string; expires_at: string | null }>(sql`
      select id, amount, reason, order_id, at, expires_at from ${pointsEntries}
      where shopper_id = ${shopperId} and amount <> 0 order by at desc, id desc limit ${limit}`),
  ]);
  const left = leftOfEarnings(earned, consumed);
  const soon = now + EXPIRING_SOON_DAYS * 86_400_000;
  const expiringSoon = earned
    .filter((row) => row.expiresAt > now && row.expiresAt <= soon && (left.get(row.id) ?? 0) > 0)
    .sort((a, b) => a.expiresAt - b.expiresAt)
    .map((row) => ({ points: left.get(row.id) ?? 0, expiresAt: row.expiresAt }));
  return {
    balance: Number(totals.rows[0]?.balance ?? 0),
    held: Number(totals.rows[0]?.held ?? 0),
    expiringSoon,
    entries: latest.rows.map((row) => ({
      id: Number(row.id),
      amount: Number(row.amount),
      reason: row.reason,
      orderId: row.order_id,
      at: new Date(row.at).getTime(),
      expiresAt: row.expires_at === null ? null : new Date(row.expires_at).getTime(),
    })),
  };
}
