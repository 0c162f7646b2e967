import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { benefitGrants, members, pointsEntries } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { type BenefitKind, recordBenefitGrant } from "../membership/benefit-grants.ts";
import { appendPoints, pointsBalance } from "../membership/points-ledger.ts";

/**
 * What the inbound CRM API does (issue 16), on Postgres: a member's standing, and grants of
 * points and benefits. A points grant is keyed `crm:<apiKeyId>:<Idempotency-Key>` in the
 * ledger, a benefit `crm-benefit:<apiKeyId>:<Idempotency-Key>` in the grants (both unique), so
 * the same grant asked twice, or twenty times at once, is granted once; asking again answers the grant that was made, and the same key with a
 * different grant is refused (422 `idempotency_conflict`), nothing granted.
 */

/** A member as the CRM reads it. */
export interface CrmMember {
  shopperId: string;
  /** The tier last computed (null: none yet). */
  tier: string | null;
  tierSince: number | null;
  pointsBalance: number;
  /** Paid spend over the last 12 months, fen (as of the last recomputation). */
  spend12m: number;
  points12m: number;
  benefits: { kind: string; source: string; tier: string | null; details: Record<string, unknown>; grantedAt: number }[];
}

/** A shopper's standing, or null when the shop knows nothing of them (no member row, no points, no benefit). */
export async function crmMember(db: Database, shopperId: string): Promise<CrmMember | null> {
  const [[member], balance, grants] = await Promise.all([
    db.select().from(members).where(sql`${members.shopperId} = ${shopperId}`),
    pointsBalance(db, shopperId),
    db
      .select()
      .from(benefitGrants)
      .where(sql`${benefitGrants.shopperId} = ${shopperId}`)
      .orderBy(benefitGrants.grantedAt, benefitGrants.id)
      .limit(200),
  ]);
  if (!member && grants.length === 0 && !(await hasLedgerRows(db, shopperId))) return null;
  return {
    shopperId,
    tier: member?.tier ?? null,
    tierSince: member?.tierSince?.getTime() ?? null,
    pointsBalance: balance,
    spend12m: member?.spend12m ?? 0,
    points12m: member?.points12m ?? 0,
    benefits: grants.map((g) => ({ kind: g.kind, source: g.source, tier: g.tier, details: g.details, grantedAt: g.grantedAt.getTime() })),
  };
}

async function hasLedgerRows(db: Database, shopperId: string): Promise<boolean> {
  const found = await db.execute(sql`select 1 from ${pointsEntries} where shopper_id = ${shopperId} limit 1`);
  return found.rows.length > 0;
}

/** A points grant's ledger key. */
export const crmGrantKey = (apiKeyId: string, idempotencyKey: string) => `crm:${apiKeyId}:${idempotencyKey}`;
/**
 * A benefit grant's key: a prefix of its own, because delivering a `points` benefit appends to
 * the ledger under the grant's key, which must not meet a points grant sent with the same
 * Idempotency-Key.
 */
export const crmBenefitKey = (apiKeyId: string, idempotencyKey: string) => `crm-benefit:${apiKeyId}:${idempotencyKey}`;

export interface PointsGrant {
  apiKeyId: string;
  idempotencyKey: string;
  shopperId: string;
  points: number;
  note: string | null;
  at: number;
}

/** Grants points (a `crm_grant` ledger row). Returns the ledger row and whether it was granted before. */
export async function grantCrmPoints(db: Database, grant: PointsGrant): Promise<{ entryId: number; replayed: boolean; grantedAt: number }> {
  if (!Number.isSafeInteger(grant.points) || grant.points <= 0) {
    throw new AppError("invalid_request", `points must be a whole number above 0, not ${grant.points}`);
  }
  const key = crmGrantKey(grant.apiKeyId, grant.idempotencyKey);
  const { id, replayed } = await appendPoints(db, {
    shopperId: grant.shopperId,
    amount: grant.points,
    reason: "crm_grant",
    idempotencyKey: key,
    details: { note: grant.note, apiKeyId: grant.apiKeyId },
    at: grant.at,
  });
  const [row] = await db.select().from(pointsEntries).where(sql`${pointsEntries.id} = ${id}`);
  if (!row) throw new Error(`ledger row ${id} vanished`);
  if (replayed && (row.shopperId !== grant.shopperId || row.amount !== grant.points || (row.details.note ?? null) !== grant.note)) {
    throw new AppError("idempotency_conflict", "this Idempotency-Key was used for a different points grant; nothing was granted", {
      shopperId: row.shopperId,
    });
  }
  return { entryId: id, replayed, grantedAt: row.at.getTime() };
}

export interface CrmBenefitGrant {
  apiKeyId: string;
  idempotencyKey: string;
  shopperId: string;
  kind: BenefitKind;
  details: Record<string, unknown>;
  at: number;
}

/**
 * Records a benefit granted by the CRM (source `crm`), with its `member.benefit_granted`
 * webhook, in one transaction. Returns the grant as recorded and whether it was recorded before.
 */
export async function grantCrmBenefit(
  db: Database,
  grant: CrmBenefitGrant,
): Promise<{ grantId: number; replayed: boolean; grantedAt: number; idempotencyKey: string }> {
  const key = crmBenefitKey(grant.apiKeyId, grant.idempotencyKey);
  const { granted } = await db.transaction((tx) =>
    recordBenefitGrant(tx, {
      shopperId: grant.shopperId,
      kind: grant.kind,
      source: "crm",
      details: grant.details,
      idempotencyKey: key,
      at: grant.at,
    }),
  );
  const [row] = await db.select().from(benefitGrants).where(sql`${benefitGrants.idempotencyKey} = ${key}`);
  if (!row) throw new Error(`benefit grant ${key} vanished`);
  if (!granted && (row.shopperId !== grant.shopperId || row.kind !== grant.kind || canonical(row.details) !== canonical(grant.details))) {
    throw new AppError("idempotency_conflict", "this Idempotency-Key was used for a different benefit grant; nothing was granted", {
      shopperId: row.shopperId,
    });
  }
  return { grantId: row.id, replayed: !granted, grantedAt: row.grantedAt.getTime(), idempotencyKey: key };
}

/** JSON with object keys sorted: Postgres's jsonb does not keep the order a body was written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
