import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { benefitGrants, members } from "../db/schema.ts";
import { type BenefitGrant, recordBenefitGrant } from "./benefit-grants.ts";
import { recordCrmEvents } from "./crm-events.ts";
import { standingsOf } from "./member-standing.ts";
import { appendPoints } from "./points-ledger.ts";
import type { Tier, TierConfig } from "./tier-config.ts";
import { rankOf, type Standing, tierFor } from "./tiers.ts";

type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** What one member's recompute did. */
export interface Recomputed {
  shopperId: string;
  from: string | null;
  to: string | null;
  standing: Standing;
  /** Grants this recompute recorded (moving up). */
  granted: BenefitGrant[];
  /** The member's tier coupons not yet delivered (this recompute's, or an earlier delivery that failed): delivered after the commit. */
  undelivered: BenefitGrant[];
}

/**
 * The grants reaching `tier` makes, each keyed `tier:<shopper>:<tier>:<benefit>`: the same
 * member reaching the same tier again (after falling back) makes the same keys, so gets nothing
 * twice.
 */
export function tierGrants(shopperId: string, tier: Tier, at: number): BenefitGrant[] {
  const key = (benefit: string) => `tier:${shopperId}:${tier.id}:${benefit}`;
  const base = { shopperId, source: "tier" as const, tier: tier.id, at };
  return [
    ...tier.benefits.couponTemplates.map((templateId) => ({
      ...base,
      kind: "coupon" as const,
      details: { templateId },
      idempotencyKey: key(`coupon-${templateId}`),
    })),
    ...(tier.benefits.welcomePoints > 0
      ? [{ ...base, kind: "points" as const, details: { points: tier.benefits.welcomePoints }, idempotencyKey: key("points") }]
      : []),
    ...tier.benefits.perks.map((title, i) => ({ ...base, kind: "perk" as const, details: { title }, idempotencyKey: key(`perk-${i}`) })),
  ];
}

/**
 * Recomputes one member's tier in the caller's transaction (issue 16). The member's row is
 * locked first (created if missing), then the standing read, so an order paid or refunded
 * meanwhile is either counted now or marks the row due again after this commits; two
 * recomputes of one member at once run one after the other. Writes the row (tier, multiplier,
 * protection days, standing; due cleared); a change of tier writes `member.tier_changed`;
 * moving up records the new tier's grants (once per key, ever) and credits its points here.
 */
export async function recomputeMember(tx: Transaction, shopperId: string, config: TierConfig, at: number): Promise<Recomputed> {
  await tx.execute(sql`insert into ${members} (shopper_id) values (${shopperId}) on conflict (shopper_id) do nothing`);
  const locked = await tx.execute<{ tier: string | null; version: number }>(
    sql`select tier, version from ${members} where shopper_id = ${shopperId} for update`,
  );
  const from = locked.rows[0]?.tier ?? null;
  const version = locked.rows[0]?.version ?? 0;
  const standing = (await standingsOf(tx, [shopperId], at)).get(shopperId)!;
  const tier = tierFor(config, standing);
  const to = tier?.id ?? null;
  const changed = to !== from;
  const when = new Date(at).toISOString();
  await tx.execute(sql`
    update ${members} set tier = ${to},
      tier_since = case when ${changed} then ${when}::timestamptz else tier_since end,
      points_multiplier_percent = ${tier?.benefits.pointsMultiplierPercent ?? 100},
      protection_days = ${tier?.benefits.protectionDays ?? 0},
      spend_12m = ${standing.spend12m}, points_12m = ${standing.points12m},
      recompute_due = false, recomputed_at = ${when},
      version = version + ${changed ? 1 : 0}
    where shopper_id = ${shopperId}`);
  const granted: BenefitGrant[] = [];
  if (changed) await recordTierChange(tx, { shopperId, from, to, standing, version, at, tier, config, granted });
  return { shopperId, from, to, standing, granted, undelivered: await undeliveredCoupons(tx, shopperId) };
}

async function recordTierChange(
  tx: Transaction,
  change: {
    shopperId: string;
    from: string | null;
    to: string | null;
    standing: Standing;
    version: number;
    at: number;
    tier: Tier | null;
    config: TierConfig;
    granted: BenefitGrant[];
  },
): Promise<void> {
  const { shopperId, from, to, standing, version, at, tier, config, granted } = change;
  await recordCrmEvents(tx, [
    {
      type: "member.tier_changed",
      shopperId,
      at,
      key: `tier-changed:${shopperId}:${version + 1}`,
      data: { from, to, spend12m: standing.spend12m, points12m: standing.points12m },
    },
  ]);
  if (tier && rankOf(config, to) > rankOf(config, from)) {
    for (const grant of tierGrants(shopperId, tier, at)) {
      if (!(await recordBenefitGrant(tx, grant)).granted) continue;
      granted.push(grant);
      // Points go in with the grant itself: the ledger row stands or falls with it.
      if (grant.kind === "points") {
        await appendPoints(tx, {
          shopperId,
          amount: Number(grant.details.points),
          reason: "tier_benefit",
          idempotencyKey: grant.idempotencyKey,
          details: { tier: tier.id },
          at,
        });
      }
    }
  }
}

/** A coupon grant's delivery is marked on its row (`details.couponId`), so one that failed is found and retried. */
async function undeliveredCoupons(tx: Pick<Database, "execute">, shopperId: string): Promise<BenefitGrant[]> {
  const rows = await tx.execute<{ details: Record<string, unknown>; tier: string | null; idempotency_key: string; granted_at: string }>(sql`
    select details, tier, idempotency_key, granted_at from ${benefitGrants}
    where shopper_id = ${shopperId} and kind = 'coupon' and source = 'tier' and not (details ? 'couponId')`);
  return rows.rows.map((row) => ({
    shopperId,
    kind: "coupon",
    source: "tier",
    tier: row.tier,
    details: row.details,
    idempotencyKey: row.idempotency_key,
    at: new Date(row.granted_at).getTime(),
  }));
}

/** Marks a coupon grant delivered, with the coupon it gave. */
export async function markDelivered(db: Pick<Database, "execute">, idempotencyKey: string, couponId: string): Promise<void> {
  await db.execute(sql`update ${benefitGrants} set details = details || ${JSON.stringify({ couponId })}::jsonb
    where idempotency_key = ${idempotencyKey}`);
}

/**
 * The members the tier job takes this minute, at most `limit`: those marked due (an order paid
 * or refunded), then the daily sweep: members with any standing whose last recompute is a day
 * old, since their 12-month window has moved on and may have dropped an order out of it.
 */
export async function membersToRecompute(db: Pick<Database, "execute">, at: number, limit: number): Promise<string[]> {
  const dayAgo = new Date(at - 86_400_000).toISOString();
  const rows = await db.execute<{ shopper_id: string }>(sql`
    (select shopper_id from ${members} where recompute_due order by shopper_id limit ${limit})
    union
    (select shopper_id from ${members}
      where not recompute_due and (recomputed_at is null or recomputed_at < ${dayAgo})
        and (tier is not null or spend_12m > 0 or points_12m > 0)
      order by recomputed_at nulls first limit ${limit})
    limit ${limit}`);
  return rows.rows.map((row) => row.shopper_id);
}
