import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { pointsEntries } from "../db/schema.ts";
import { lockShopperPoints } from "./points-holds.ts";
import { appendPoints } from "./points-ledger.ts";
import { leftOfEarnings } from "./points-rules.ts";
import { earningsAndConsumed } from "./points-statement.ts";

/** The ledger key of an earning row's lapse (brief contract): once per row. */
export const expireKey = (entryId: number) => `expire:${entryId}`;

/**
 * Writes off what is left of earning rows whose time is up (issue 16, README "Points"): each
 * row lapses POINTS_LIFETIME_MS after it was earned, and what is left of it is computed oldest
 * first (leftOfEarnings), so points used came out of the oldest rows. One `expired` row per
 * lapsed row, keyed `expire:<entryId>`, of −what was left (0 when nothing was: the row is then
 * done with, and the statement leaves it out). Per shopper under the same lock as holds, so a
 * hold and a lapse never both take the same points. Up to `limit` rows a run; answers how many.
 */
export async function expirePoints(db: Database, now: number, limit: number): Promise<{ rows: number; points: number }> {
  const { rows: due } = await db.execute<{ id: string; shopper_id: string }>(sql`
    select e.id, e.shopper_id from ${pointsEntries} e
    where e.expires_at <= ${new Date(now).toISOString()} and e.amount > 0
      and not exists (select 1 from ${pointsEntries} x where x.idempotency_key = 'expire:' || e.id)
    order by e.expires_at, e.id limit ${limit}`);
  const byShopper = new Map<string, number[]>();
  for (const row of due) byShopper.set(row.shopper_id, [...(byShopper.get(row.shopper_id) ?? []), Number(row.id)]);
  let points = 0;
  for (const [shopperId, ids] of byShopper) {
    points += await db.transaction(async (tx) => {
      await lockShopperPoints(tx, shopperId);
      const { earned, consumed } = await earningsAndConsumed(tx, shopperId);
      const left = leftOfEarnings(earned, consumed);
      let lapsed = 0;
      for (const id of ids) {
        const row = earned.find((e) => e.id === id);
        if (!row) continue;
        const amount = left.get(id) ?? 0;
        const { replayed } = await appendPoints(tx, {
          shopperId,
          amount: -amount,
          reason: "expired",
          idempotencyKey: expireKey(id),
          details: { entryId: id },
          at: row.expiresAt,
        });
        if (!replayed) lapsed += amount;
      }
      return lapsed;
    });
  }
  return { rows: due.length, points };
}
