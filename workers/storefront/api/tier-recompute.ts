import { databaseSettings } from "../../../src/config.ts";
import { type Database, withDatabase } from "../../../src/db/client.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { TierCatalog } from "../../../src/membership/tier-catalog.ts";
import type { TierConfig } from "../../../src/membership/tier-config.ts";
import { markDelivered, membersToRecompute, type Recomputed, recomputeMember } from "../../../src/membership/tier-recompute.ts";
import type { ScheduledJob } from "../scheduled-job.ts";
import { deliverBenefit } from "./benefit-delivery.ts";

/** Members the tier job recomputes in one minute at most: the rest wait for the next minute. */
export const TIER_BATCH = 200;

/**
 * Recomputes members' tiers (issue 16): each member in a transaction of its own
 * (src/membership/tier-recompute.ts), then delivers the tier coupons not yet delivered through
 * their pools; a delivery that fails stays undelivered and is retried by the member's next
 * recompute (the pool grants once per key whatever happens).
 */
export async function recomputeTiers(env: Env, shopperIds: readonly string[], at: number, config?: TierConfig): Promise<Recomputed[]> {
  const tiers = config ?? (await new TierCatalog(env.SALES).current());
  return withDatabase(databaseSettings(env), async (db) => {
    const done: Recomputed[] = [];
    for (const shopperId of shopperIds) {
      const result = await db.transaction((tx) => recomputeMember(tx, shopperId, tiers, at));
      await deliverCoupons(env, db, result);
      done.push(result);
    }
    return done;
  });
}

async function deliverCoupons(env: Env, db: Database, result: Recomputed): Promise<void> {
  for (const grant of result.undelivered) {
    try {
      const delivery = await deliverBenefit(env, grant);
      if (delivery.kind === "coupon") await markDelivered(db, grant.idempotencyKey, delivery.couponId);
    } catch (error) {
      console.error(`tier coupon ${grant.idempotencyKey} not delivered yet (${redactSecrets(String(error))}); the next recompute retries`);
    }
  }
}

/** The Cron Trigger's tier job: members marked due, then the daily sweep (at most TIER_BATCH a minute). */
export const TIER_JOB: ScheduledJob = {
  name: "member-tiers",
  async run(env, at) {
    const due = await withDatabase(databaseSettings(env), (db) => membersToRecompute(db, at, TIER_BATCH));
    if (due.length > 0) await recomputeTiers(env, due, at);
  },
};
