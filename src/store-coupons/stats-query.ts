import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import type { Bucket } from "./buckets.ts";
import type { ClaimCount, RedemptionCount } from "./figures.ts";

/**
 * The store-coupon figures' reads of Postgres `events` (issue 15, src/events/event.ts):
 * `coupon_claimed` events that carry `props.livestreamId` (a livestream's claim), and
 * `coupon_redeemed` events that carry `props.storeId` (a redemption at a till; a coupon spent at
 * online checkout carries none and is not counted). Coupons are counted once each (distinct
 * `props.couponId`), whatever the events' ids: a claim or redemption reported twice under two
 * ids is still one coupon. Each read uses the `events_type_at` index (type, then the window).
 */

type Executor = Pick<Database, "execute">;

/** The half-open window [from, to), epoch ms, and optionally one livestream or one store. */
export interface StatsFilter {
  from: number;
  to: number;
  livestreamId?: string;
  storeId?: string;
}

const at = (ms: number) => new Date(ms).toISOString();

function where(type: "coupon_claimed" | "coupon_redeemed", filter: StatsFilter): SQL {
  const parts = [
    sql`type = ${type}`,
    sql`at >= ${at(filter.from)}::timestamptz`,
    sql`at < ${at(filter.to)}::timestamptz`,
    type === "coupon_claimed" ? sql`props ? 'livestreamId'` : sql`props ? 'storeId'`,
  ];
  if (filter.livestreamId !== undefined) parts.push(sql`props->>'livestreamId' = ${filter.livestreamId}`);
  if (filter.storeId !== undefined) parts.push(sql`props->>'storeId' = ${filter.storeId}`);
  return sql.join(parts, sql` and `);
}

/** Coupons claimed per livestream in the window (a store filter does not apply: a claim names no store). */
export async function claimCounts(db: Executor, filter: StatsFilter): Promise<ClaimCount[]> {
  const { rows } = await db.execute<{ livestream_id: string; claimed: string | number }>(sql`
    select props->>'livestreamId' as livestream_id, count(distinct props->>'couponId') as claimed
    from events
    where ${where("coupon_claimed", { ...filter, storeId: undefined })}
    group by 1`);
  return rows.map((row) => ({ livestreamId: row.livestream_id, claimed: Number(row.claimed) }));
}

/** Coupons redeemed at tills in the window, per livestream and store. */
export async function redemptionCounts(db: Executor, filter: StatsFilter): Promise<RedemptionCount[]> {
  const { rows } = await db.execute<{ livestream_id: string | null; store_id: string; redeemed: string | number }>(sql`
    select props->>'livestreamId' as livestream_id, props->>'storeId' as store_id, count(distinct props->>'couponId') as redeemed
    from events
    where ${where("coupon_redeemed", filter)}
    group by 1, 2`);
  return rows.map((row) => ({ livestreamId: row.livestream_id, storeId: row.store_id, redeemed: Number(row.redeemed) }));
}

/**
 * Redemptions per hour or day of `timeZone` in the window, only the buckets that have any
 * (buckets.ts `fillSeries` adds the empty ones): Postgres's `date_trunc` with a time zone cuts
 * at the zone's midnights and hours, as buckets.ts does.
 */
export async function redemptionSeries(
  db: Executor,
  filter: StatsFilter,
  bucket: Bucket,
  timeZone: string,
): Promise<Array<{ at: number; redeemed: number }>> {
  const { rows } = await db.execute<{ bucket_ms: string | number; redeemed: string | number }>(sql`
    select (extract(epoch from date_trunc(${bucket}, at, ${timeZone})) * 1000)::bigint as bucket_ms,
      count(distinct props->>'couponId') as redeemed
    from events
    where ${where("coupon_redeemed", filter)}
    group by 1
    order by 1`);
  return rows.map((row) => ({ at: Number(row.bucket_ms), redeemed: Number(row.redeemed) }));
}

/** The names of these stores (closed-down ones too: their history is still shown), by id. */
export async function storeNames(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.execute<{ id: string; name: string }>(sql`
    select id, name from stores where id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`);
  return new Map(rows.map((row) => [row.id, row.name]));
}
