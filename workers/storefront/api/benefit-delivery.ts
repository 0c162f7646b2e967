import { databaseSettings } from "../../../src/config.ts";
import { CouponCatalog } from "../../../src/coupons/coupon-catalog.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { AppError } from "../../../src/errors.ts";
import type { BenefitGrant } from "../../../src/membership/benefit-grants.ts";
import { appendPoints } from "../../../src/membership/points-ledger.ts";
import { couponPool } from "./coupon-holds.ts";

/** What delivering a grant gave: the coupon's id, the points' ledger row, or nothing (a perk is only recorded). */
export type Delivery = { kind: "coupon"; couponId: string } | { kind: "points"; entryId: number } | { kind: "perk" };

/**
 * Delivers a recorded benefit grant (issue 16, brief contract 5), keyed by the grant's
 * idempotency key so delivering twice gives once: a `coupon` from its template's CouponPool
 * (`details.templateId`, the template's own terms; the pool grants once per key, as it does a
 * team's red packets), `points` through the ledger (`details.points`, reason tier_benefit or
 * crm_grant), a `perk` nothing more. Called after the grant's transaction commits; a failure
 * throws and is safe to retry.
 */
export async function deliverBenefit(env: Env, grant: BenefitGrant): Promise<Delivery> {
  if (grant.kind === "coupon") {
    const templateId = String(grant.details.templateId ?? "");
    const template = await new CouponCatalog(env.SALES).find(templateId);
    if (!template) throw new AppError("not_found", `no coupon template "${templateId}" to grant from`);
    const { coupon } = await couponPool(env, templateId).grant(template, {
      grantKey: grant.idempotencyKey,
      shopperId: grant.shopperId,
      amountOff: null,
      validUntil: template.validUntil,
    });
    return { kind: "coupon", couponId: coupon.id };
  }
  if (grant.kind === "points") {
    const points = Number(grant.details.points);
    const { id } = await withDatabase(databaseSettings(env), (db) =>
      appendPoints(db, {
        shopperId: grant.shopperId,
        amount: points,
        reason: grant.source === "tier" ? "tier_benefit" : "crm_grant",
        idempotencyKey: grant.idempotencyKey,
        details: { tier: grant.tier ?? null },
        at: grant.at,
      }),
    );
    return { kind: "points", entryId: id };
  }
  return { kind: "perk" };
}
