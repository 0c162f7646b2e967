import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { benefitGrants } from "../db/schema.ts";
import { recordCrmEvents } from "./crm-events.ts";

/** A transaction or the database: both run the statements below. */
type Executor = Pick<Database, "execute">;

/**
 * What a benefit is: a coupon from a template's pool (`details.templateId`), points
 * (`details.points`), or a perk that is only recorded and shown (`details.title`, e.g. free
 * shipping). A tier's benefits and a CRM's grants are both these.
 */
export type BenefitKind = "coupon" | "points" | "perk";

export interface BenefitGrant {
  shopperId: string;
  kind: BenefitKind;
  source: "tier" | "crm";
  tier?: string | null;
  details: Record<string, unknown>;
  /** The grant's identity: granted once however often asked (e.g. `tier:<shopper>:<tier>:<n>`). */
  idempotencyKey: string;
  at: number;
}

/**
 * Records a grant once, with its `member.benefit_granted` webhook in the same transaction.
 * Returns whether this call granted it (false: granted before). Delivering a coupon is the
 * caller's next step, keyed by the same idempotency key.
 */
export async function recordBenefitGrant(tx: Executor, grant: BenefitGrant): Promise<{ granted: boolean }> {
  const inserted = await tx.execute(sql`
    insert into ${benefitGrants} (shopper_id, kind, source, tier, details, idempotency_key, granted_at)
    values (${grant.shopperId}, ${grant.kind}, ${grant.source}, ${grant.tier ?? null}, ${JSON.stringify(grant.details)}::jsonb,
      ${grant.idempotencyKey}, ${new Date(grant.at).toISOString()})
    on conflict (idempotency_key) do nothing
    returning id`);
  if (inserted.rows.length === 0) return { granted: false };
  await recordCrmEvents(tx, [
    {
      type: "member.benefit_granted",
      shopperId: grant.shopperId,
      at: grant.at,
      key: `benefit:${grant.idempotencyKey}`,
      data: { kind: grant.kind, source: grant.source, tier: grant.tier ?? null, details: grant.details },
    },
  ]);
  return { granted: true };
}
