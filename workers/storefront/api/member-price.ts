import { sql } from "drizzle-orm";
import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { describeDatabaseFailure } from "../../../src/db/errors.ts";
import { VerdictCache } from "../../../src/edge/verdict-cache.ts";
import type { MemberTerms } from "../../../src/membership/member-pricing.ts";
import { TierCatalog } from "../../../src/membership/tier-catalog.ts";
import { NO_TIERS, type TierConfig } from "../../../src/membership/tier-config.ts";
import { withTimeout } from "../../../src/timeout.ts";
import { edgeClock } from "./sku-object.ts";

/**
 * The member-price read of a checkout (issue 16), made ONLY for a sale with `memberPrices`:
 * the shopper's `members.tier` (one row by primary key) and that tier's `memberPricePercentOff`
 * from the tier document. Both are kept per isolate for MEMBER_TTL_MS, so a shopper's burst
 * of Tries costs one read. It fails OPEN: Postgres (or KV) that does not answer within
 * READ_TIMEOUT_MS means list price for this checkout, never a refused one; the failure is
 * remembered for FAILED_TTL_MS so that a Postgres outage does not make every Try wait.
 */
export const MEMBER_TTL_MS = 30_000;
const FAILED_TTL_MS = 5_000;
const READ_TIMEOUT_MS = 1_500;

/** `failed`: not known (Postgres did not answer); priced as no member price. */
type Known = { tier: string | null } | { failed: true };

/** Shoppers' tiers, by shopper id. Bounded: any shopper may check out. */
export const memberTiers = new VerdictCache<Known>({
  ttlMs: (known) => ("failed" in known ? FAILED_TTL_MS : MEMBER_TTL_MS),
  now: () => edgeClock.now(),
  maxEntries: 10_000,
});

/** The tier document, one key. */
export const tierDocument = new VerdictCache<TierConfig>({ ttlMs: () => MEMBER_TTL_MS, now: () => edgeClock.now(), maxEntries: 1 });

/** The member terms a checkout prices with, or null (no tier, a tier without a member price, or not known just now). */
export async function memberTermsOf(env: Env, shopperId: string): Promise<MemberTerms | null> {
  const [known, config] = await Promise.all([
    memberTiers.get(shopperId, () => readTier(env, shopperId)),
    tierDocument.get("tiers", () => new TierCatalog(env.SALES).current()).catch(() => NO_TIERS),
  ]);
  if ("failed" in known || known.tier === null) return null;
  const percentOff = config.tiers.find((tier) => tier.id === known.tier)?.benefits.memberPricePercentOff ?? 0;
  return percentOff > 0 ? { tier: known.tier, percentOff } : null;
}

async function readTier(env: Env, shopperId: string): Promise<Known> {
  try {
    const rows = await withTimeout(
      withDatabase(databaseSettings(env), (db) =>
        db.execute<{ tier: string | null }>(sql`select tier from members where shopper_id = ${shopperId}`),
      ),
      READ_TIMEOUT_MS,
    );
    return { tier: rows.rows[0]?.tier ?? null };
  } catch (error) {
    console.warn(`member price: the tier of a shopper could not be read, list price (${describeDatabaseFailure(error).summary})`);
    return { failed: true };
  }
}
