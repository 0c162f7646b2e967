import { z } from "zod";
import { COUPON_ID } from "../coupons/coupon-template.ts";
import { type CrossFieldIssue, validateListingEvery, versionedSchemas } from "../kv/versioned-schema.ts";
import { SALE_LIMITS, type Validated } from "../sales/sale-config.ts";

/**
 * Member tiers as marketers configure them (issue 16): ONE versioned document in Workers KV
 * (binding SALES) at `membership:tiers`, every version at `membership-history:tiers:<version>`,
 * every change audited in Postgres (config_audit_log, kind `member-tiers`), as coupon
 * templates and livestreams are.
 *
 * The rule (README "Member tiers"): a member reaches a tier when their rolling 12-month paid
 * spend is at least its `minSpend` (fen) OR their points earned in 12 months are at least its
 * `minPoints`; a threshold left null does not qualify anyone. Their tier is the highest-ranked
 * one they reach (tiers are listed lowest first); reaching none leaves them without a tier
 * (points at 100 %, no price protection). Thresholds must rise with rank, so more spend or
 * more points never give a lower tier.
 */

export const TIER_ID = /^[a-z][a-z0-9-]{0,23}$/;
export const TIER_LIMITS = { maxTiers: 8, maxCoupons: 10, maxPerks: 10, maxMultiplierPercent: 1_000, maxProtectionDays: 365 } as const;

const fen = z
  .number()
  .int("must be whole fen (integer minor units)")
  .nonnegative("must not be negative")
  .max(SALE_LIMITS.maxOrderTotal * 100, "is too large");
const wholePoints = z.number().int("must be whole points").nonnegative("must not be negative").max(1_000_000_000, "is too large");
const words = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

/** What one tier gives its members. */
export const tierBenefitsSchema = z
  .object({
    /** Days a paid order is price-protected (the purchase day is day 1); 0: none. Diamond: 365. */
    protectionDays: z
      .number()
      .int("must be whole days")
      .min(0, "must not be negative")
      .max(TIER_LIMITS.maxProtectionDays, `must be at most ${TIER_LIMITS.maxProtectionDays}`),
    /** Points earned per order, in percent of the base (100: 1 point per whole yuan paid). */
    pointsMultiplierPercent: z
      .number()
      .int("must be a whole percent")
      .min(100, "must be at least 100")
      .max(TIER_LIMITS.maxMultiplierPercent, `must be at most ${TIER_LIMITS.maxMultiplierPercent}`),
    /** Percent off a sale's price for members of this tier, where the sale offers member prices; 0: none. */
    memberPricePercentOff: z.number().int("must be a whole percent").min(0, "must not be negative").max(50, "must be at most 50"),
    /** Coupon templates granted once, on reaching the tier (one coupon of each). */
    couponTemplates: z
      .array(z.string().regex(COUPON_ID, "a coupon template id"))
      .max(TIER_LIMITS.maxCoupons, `at most ${TIER_LIMITS.maxCoupons}`)
      .default([]),
    /** Points granted once, on reaching the tier (reason tier_benefit); 0: none. */
    welcomePoints: wholePoints.default(0),
    /** Perks shown and recorded (e.g. free shipping), each a title. */
    perks: z.array(words(60)).max(TIER_LIMITS.maxPerks, `at most ${TIER_LIMITS.maxPerks}`).default([]),
  })
  .strict();

export const tierSchema = z
  .object({
    id: z.string().regex(TIER_ID, "lowercase letters, digits and dashes, starting with a letter, at most 24"),
    name: z.object({ "zh-CN": words(20), en: words(30) }).strict(),
    /** Rolling 12-month paid spend (fen) that reaches the tier; null: spend alone never does. */
    minSpend: fen.nullable(),
    /** Points earned in 12 months that reach the tier; null: points alone never do. */
    minPoints: wholePoints.nullable(),
    benefits: tierBenefitsSchema,
  })
  .strict();

const draftFields = {
  /** The one document's id: always "tiers" (the version trail addresses configuration by id). */
  id: z.literal("tiers").default("tiers"),
  /** Lowest first: a higher index is a higher rank. */
  tiers: z.array(tierSchema).max(TIER_LIMITS.maxTiers, `at most ${TIER_LIMITS.maxTiers} tiers`),
  /** The shop's time zone: protection windows count its calendar days. */
  timeZone: z.string().refine(isTimeZone, "must be an IANA time zone, e.g. Asia/Shanghai").default("Asia/Shanghai"),
};

const schemas = versionedSchemas(draftFields, crossFieldIssues);
export const tierConfigDraftSchema = schemas.draft;
export const tierConfigSchema = schemas.stored;
export const tierConfigUpdateSchema = schemas.update;

export type Tier = z.infer<typeof tierSchema>;
export type TierBenefits = z.infer<typeof tierBenefitsSchema>;
export type TierConfig = z.infer<typeof tierConfigSchema>;
export type TierConfigInput = z.input<typeof tierConfigSchema>;

/** Parses and lists every problem as `path: message`, cross-field ones too. */
export function validateTierConfig<T extends z.ZodType>(schema: T, input: unknown): Validated<z.output<T>> {
  return validateListingEvery(schema, input, crossFieldIssues);
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Ids unique; each tier reachable (at least one threshold); each threshold strictly above the
 * same threshold of every lower tier, so a higher rank always asks for more.
 */
function crossFieldIssues(input: unknown): CrossFieldIssue[] {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return [];
  const tiers = (input as Record<string, unknown>).tiers;
  if (!Array.isArray(tiers)) return [];
  const issues: CrossFieldIssue[] = [];
  const seen = new Set<unknown>();
  const highest: Record<"minSpend" | "minPoints", number | null> = { minSpend: null, minPoints: null };
  tiers.forEach((raw, i) => {
    if (typeof raw !== "object" || raw === null) return;
    const tier = raw as Record<string, unknown>;
    if (seen.has(tier.id)) issues.push({ path: ["tiers", i, "id"], message: `"${String(tier.id)}" is listed twice` });
    seen.add(tier.id);
    if (tier.minSpend == null && tier.minPoints == null) {
      issues.push({ path: ["tiers", i, "minSpend"], message: "set minSpend or minPoints (or both): a tier nobody can reach is no tier" });
    }
    for (const field of ["minSpend", "minPoints"] as const) {
      const value = tier[field];
      if (typeof value !== "number") continue;
      const below = highest[field];
      if (below !== null && value <= below) {
        issues.push({
          path: ["tiers", i, field],
          message: `must be above ${below}, the ${field} of a lower tier: thresholds rise with rank`,
        });
      }
      highest[field] = Math.max(value, below ?? value);
    }
    const benefits = tier.benefits as Record<string, unknown> | undefined;
    const coupons = benefits?.couponTemplates;
    if (Array.isArray(coupons) && new Set(coupons).size !== coupons.length) {
      issues.push({ path: ["tiers", i, "benefits", "couponTemplates"], message: "lists a template twice" });
    }
  });
  return issues;
}

export const TIER_CONFIG_ID = "tiers";
export const TIER_CONFIG_PREFIX = "membership:";
/** `membership:tiers`: the one current document. */
export const TIER_CONFIG_KEY = `${TIER_CONFIG_PREFIX}${TIER_CONFIG_ID}`;
export const tierConfigHistoryPrefix = (id: string) => `membership-history:${id}:`;

/** What a shop without a configuration runs: no tiers, so nobody has one. */
export const NO_TIERS: TierConfig = { id: "tiers", tiers: [], timeZone: "Asia/Shanghai", version: 0, updatedAt: null, updatedBy: null };
