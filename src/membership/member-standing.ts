import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { members } from "../db/schema.ts";
import type { Tier, TierBenefits, TierConfig } from "./tier-config.ts";
import { progressToNext, type Standing, tierFor } from "./tiers.ts";

/** A transaction or the database. */
type Executor = Pick<Database, "execute">;

const YEAR_MS = 365 * 86_400_000;

/**
 * The points that count towards a tier: what was earned (orders, e-invoices, uploaded
 * invoices, a CRM's grants) less what refunds reversed. Spending, holds and expiry do not
 * lower it (spending points must not cost a member their tier), and a tier's own welcome
 * points do not count (a tier must not lift itself).
 */
export const TIER_POINTS_REASONS = ["order_paid", "electronic_invoice", "invoice_upload", "crm_grant", "order_refunded"] as const;

/**
 * Rolling 12-month standing of each shopper, set-based (one statement for any number): spend is
 * the total of their orders paid in the 365 days up to `at` (by the time the order became
 * paid), less every refund of those orders; points are the TIER_POINTS_REASONS rows of the same
 * 365 days. Never negative.
 */
export async function standingsOf(db: Executor, shopperIds: readonly string[], at: number): Promise<Map<string, Standing>> {
  const result = new Map<string, Standing>(shopperIds.map((id) => [id, { spend12m: 0, points12m: 0 }]));
  if (shopperIds.length === 0) return result;
  const since = new Date(at - YEAR_MS).toISOString();
  const until = new Date(at).toISOString();
  const ids = JSON.stringify(shopperIds);
  const reasons = JSON.stringify(TIER_POINTS_REASONS);
  const rows = await db.execute<{ shopper_id: string; spend: string; points: string }>(sql`
    with ids as (select distinct value as shopper_id from jsonb_array_elements_text(${ids}::jsonb)),
    spend as (
      select o.shopper_id, sum(o.total_amount - coalesce(r.amount, 0)) as spend
      from orders o
      join order_status_history h on h.order_id = o.id and h.status = 'paid'
      left join (select order_id, sum(amount) as amount from order_refunds group by order_id) r on r.order_id = o.id
      where o.shopper_id in (select shopper_id from ids) and o.status = 'paid' and h.at > ${since} and h.at <= ${until}
      group by o.shopper_id
    ),
    points as (
      select shopper_id, sum(amount) as points from points_entries
      where shopper_id in (select shopper_id from ids) and at > ${since} and at <= ${until}
        and reason in (select value from jsonb_array_elements_text(${reasons}::jsonb))
      group by shopper_id
    )
    select ids.shopper_id, coalesce(spend.spend, 0) as spend, coalesce(points.points, 0) as points
    from ids left join spend using (shopper_id) left join points using (shopper_id)`);
  for (const row of rows.rows) {
    result.set(row.shopper_id, { spend12m: Math.max(0, Number(row.spend)), points12m: Math.max(0, Number(row.points)) });
  }
  return result;
}

/** A member's standing as the shopper, the console and the CRM read it (brief contract 4). */
export interface MemberStanding {
  tier: string | null;
  tierName: { "zh-CN": string; en: string } | null;
  spend12m: number;
  points12m: number;
  /** The next tier and what is missing to reach it; null at the top (or with no tiers). */
  next: {
    tier: string;
    tierName: { "zh-CN": string; en: string };
    spendToGo: number | null;
    pointsToGo: number | null;
    percent: number;
  } | null;
  /** What the member's tier gives (as the members row keeps it when the tier is no longer configured). */
  benefits: TierBenefits;
  tierSince: number | null;
  recomputedAt: number | null;
}

const NO_BENEFITS: TierBenefits = {
  protectionDays: 0,
  pointsMultiplierPercent: 100,
  memberPricePercentOff: 0,
  couponTemplates: [],
  welcomePoints: 0,
  perks: [],
};

/**
 * A member's standing from their `members` row (the truth others read: tier, multiplier,
 * protection days) and the tier configuration (names, progress, the other benefits). Without
 * `config` (a caller that has not read KV) the names are the tier ids and the benefits those
 * the row keeps. A shopper with no row yet stands nowhere.
 */
export async function memberStanding(db: Executor, shopperId: string, config?: TierConfig | null): Promise<MemberStanding> {
  const rows = await db.execute<{
    tier: string | null;
    tier_since: string | null;
    points_multiplier_percent: number;
    protection_days: number;
    spend_12m: string;
    points_12m: number;
    recomputed_at: string | null;
  }>(sql`select tier, tier_since, points_multiplier_percent, protection_days, spend_12m, points_12m, recomputed_at
    from ${members} where shopper_id = ${shopperId}`);
  const row = rows.rows[0];
  const standing: Standing = { spend12m: Number(row?.spend_12m ?? 0), points12m: Number(row?.points_12m ?? 0) };
  const tierId = row?.tier ?? null;
  const tier: Tier | null = config?.tiers.find((t) => t.id === tierId) ?? null;
  const kept = {
    ...NO_BENEFITS,
    pointsMultiplierPercent: row?.points_multiplier_percent ?? 100,
    protectionDays: row?.protection_days ?? 0,
  };
  const progress = config ? progressToNext(config, standing) : null;
  // The next tier is the one above the member's recorded tier, if the configuration still ranks it so.
  const next = progress && (tierFor(config!, standing)?.id ?? null) === tierId ? progress : null;
  return {
    tier: tierId,
    tierName: tierId === null ? null : (tier?.name ?? { "zh-CN": tierId, en: tierId }),
    ...standing,
    next: next && {
      tier: next.tier.id,
      tierName: next.tier.name,
      spendToGo: next.spendToGo,
      pointsToGo: next.pointsToGo,
      percent: next.percent,
    },
    benefits: tier
      ? { ...tier.benefits, protectionDays: kept.protectionDays, pointsMultiplierPercent: kept.pointsMultiplierPercent }
      : kept,
    tierSince: row?.tier_since ? new Date(row.tier_since).getTime() : null,
    recomputedAt: row?.recomputed_at ? new Date(row.recomputed_at).getTime() : null,
  };
}

/** The benefits granted a member, newest first (at most 100), for the console's member lookup. */
export async function grantsOf(
  db: Executor,
  shopperId: string,
): Promise<Array<{ kind: string; source: string; tier: string | null; key: string; at: number }>> {
  const rows = await db.execute<{ kind: string; source: string; tier: string | null; idempotency_key: string; granted_at: string }>(sql`
    select kind, source, tier, idempotency_key, granted_at from benefit_grants where shopper_id = ${shopperId}
    order by granted_at desc, id desc limit 100`);
  return rows.rows.map((row) => ({
    kind: row.kind,
    source: row.source,
    tier: row.tier,
    key: row.idempotency_key,
    at: new Date(row.granted_at).getTime(),
  }));
}
