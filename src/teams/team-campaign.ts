import { z } from "zod";
import { type CrossFieldIssue, validateListingEvery, versionedSchemas } from "../kv/versioned-schema.ts";
import { SALE_LIMITS, type Validated } from "../sales/sale-config.ts";

/**
 * A team-up red packet campaign (issue 14, 组队瓜分红包) as a marketer configures it: a
 * shopper starts a team, friends join, and when the last seat is taken the pool is split
 * among the members, each getting a coupon of their share. Money is integer fen; times are
 * epoch ms, server time. Messages are written for the console, which shows each next to its
 * field.
 */

export const TEAM_SPLITS = ["equal", "random"] as const;
/** `equal`: equal shares, the odd fen to the first members; `random`: WeChat's twice-the-mean draw (./split.ts). */
export type TeamSplit = (typeof TEAM_SPLITS)[number];

export const JOIN_RULES = ["anyone", "new_shoppers"] as const;
/** Who may join a team (the leader may always start one): anyone, or only shoppers who have never shopped here. */
export type JoinRule = (typeof JOIN_RULES)[number];

export const TEAM_LIMITS = {
  minTeamSize: 2,
  maxTeamSize: 10,
  /** ¥100,000: far above any red packet, and a typing mistake past it is caught. */
  maxPoolAmount: 10_000_000,
  minCompleteWithinSeconds: 60,
  maxCompleteWithinSeconds: 7 * 86_400,
  maxCouponValidDays: 365,
  maxSkus: 100,
} as const;

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "lowercase letters, digits and dashes, 2–63");
/**
 * A campaign's id: at most 35 characters, so the coupon template derived from it,
 * `team-<id>` (./team-coupon.ts), fits a coupon id (2–40, COUPON_ID in coupon-template.ts).
 */
export const TEAM_CAMPAIGN_ID = /^[a-z0-9][a-z0-9-]{1,34}$/;
const epochMs = z
  .number()
  .int("must be epoch milliseconds")
  .nonnegative("must not be negative")
  .max(SALE_LIMITS.maxEpochMs, "must be before the year 2100");
const whole = z.number().int("must be a whole number");

/** Which SKUs the issued coupons apply to: an empty list (the default) means any. */
export const appliesToSchema = z
  .object({
    skus: z.array(slug).max(TEAM_LIMITS.maxSkus, `at most ${TEAM_LIMITS.maxSkus} SKUs`).default([]),
  })
  .strict();

const draftFields = {
  id: z.string().regex(TEAM_CAMPAIGN_ID, "lowercase letters, digits and dashes, 2–35"),
  title: z.string().trim().min(1, "must not be empty").max(200),
  /** Members including the leader: 4 is the leader and 3 invitees. */
  teamSize: whole
    .min(TEAM_LIMITS.minTeamSize, `must be at least ${TEAM_LIMITS.minTeamSize} (the leader and one friend)`)
    .max(TEAM_LIMITS.maxTeamSize, `must be at most ${TEAM_LIMITS.maxTeamSize}`)
    .default(4),
  /** What one completed team shares, in fen; at least 1 fen a member (checked against teamSize). */
  poolAmount: z
    .number()
    .int("must be whole fen (integer minor units)")
    .positive("must be at least 1 fen")
    .max(TEAM_LIMITS.maxPoolAmount, `must be at most ${TEAM_LIMITS.maxPoolAmount} fen (¥${TEAM_LIMITS.maxPoolAmount / 100})`),
  split: z.enum(TEAM_SPLITS, { error: `one of ${TEAM_SPLITS.join(", ")}` }),
  /** How long a team has, from its start, to fill its seats before it fails and issues nothing. */
  completeWithinSeconds: whole
    .min(TEAM_LIMITS.minCompleteWithinSeconds, "must be at least 60 (a minute)")
    .max(TEAM_LIMITS.maxCompleteWithinSeconds, `must be at most ${TEAM_LIMITS.maxCompleteWithinSeconds} (7 days)`)
    .default(86_400),
  joinRule: z.enum(JOIN_RULES, { error: `one of ${JOIN_RULES.join(", ")}` }),
  /** Teams may be started in startsAt ≤ now < endsAt; a team started in time may complete after endsAt. */
  startsAt: epochMs,
  endsAt: epochMs,
  /** How many days an issued coupon may be used, from the team's completion. */
  couponValidDays: whole
    .min(1, "must be at least 1")
    .max(TEAM_LIMITS.maxCouponValidDays, `must be at most ${TEAM_LIMITS.maxCouponValidDays}`)
    .default(7),
  /** The order total (fen) a coupon needs before it applies; 0 (the default): any order. */
  couponMinSpend: z
    .number()
    .int("must be whole fen (integer minor units)")
    .nonnegative("must not be negative")
    .max(SALE_LIMITS.maxOrderTotal, `must be at most ${SALE_LIMITS.maxOrderTotal} fen`)
    .default(0),
  appliesTo: appliesToSchema.default({ skus: [] }),
};

const schemas = versionedSchemas(draftFields, crossFieldIssues);
/** A new campaign as a marketer writes it: every field but the server's. */
export const teamCampaignDraftSchema = schemas.draft;
/** A campaign as stored in KV (`team-campaign:<id>`): the draft and its version (src/kv/versioned-schema.ts). */
export const teamCampaignSchema = schemas.stored;
/** A full edit: the draft and the version it was edited from. */
export const teamCampaignUpdateSchema = schemas.update;

export type TeamCampaign = z.infer<typeof teamCampaignSchema>;
export type TeamCampaignDraft = z.infer<typeof teamCampaignDraftSchema>;
/** What a marketer writes: defaults not yet applied. */
export type TeamCampaignInput = z.input<typeof teamCampaignDraftSchema>;

/**
 * Parses a campaign (by default a draft), listing EVERY problem as `path: message`. As with
 * sales (validateSale), the cross-field checks also run on the raw input, since zod skips
 * refinements once a field fails.
 */
export function validateTeamCampaign(input: unknown): Validated<TeamCampaignDraft>;
export function validateTeamCampaign<T extends z.ZodType>(input: unknown, schema: T): Validated<z.output<T>>;
export function validateTeamCampaign(input: unknown, schema: z.ZodType = teamCampaignDraftSchema): Validated<unknown> {
  return validateListingEvery(schema, input, crossFieldIssues);
}

/**
 * The window must not be empty, the pool must give every member at least 1 fen (the splits
 * need it), and a SKU listed twice is a mistake. Read defensively: the input may be invalid
 * elsewhere, and a comparison whose own fields are invalid is reported at those fields.
 */
function crossFieldIssues(input: unknown): CrossFieldIssue[] {
  if (!isRecord(input)) return [];
  const issues: CrossFieldIssue[] = [];
  const startsAt = safeWhole(input.startsAt);
  const endsAt = safeWhole(input.endsAt);
  if (startsAt !== undefined && endsAt !== undefined && endsAt <= startsAt)
    issues.push({ path: ["endsAt"], message: "must be after startsAt" });
  const teamSize = input.teamSize === undefined ? 4 : safeWhole(input.teamSize);
  const pool = safeWhole(input.poolAmount);
  if (teamSize !== undefined && teamSize >= 1 && pool !== undefined && pool > 0 && pool < teamSize) {
    issues.push({ path: ["poolAmount"], message: `must be at least 1 fen a member: ${teamSize} fen for a team of ${teamSize}` });
  }
  if (isRecord(input.appliesTo) && Array.isArray(input.appliesTo.skus)) {
    const seen = new Set<unknown>();
    input.appliesTo.skus.forEach((sku, index) => {
      if (typeof sku === "string" && seen.has(sku))
        issues.push({ path: ["appliesTo", "skus", index], message: `"${sku}" is listed twice` });
      seen.add(sku);
    });
  }
  return issues;
}

export const TEAM_CAMPAIGN_KEY_PREFIX = "team-campaign:";
export const teamCampaignKey = (id: string) => `${TEAM_CAMPAIGN_KEY_PREFIX}${id}`;
export const teamCampaignHistoryPrefix = (id: string) => `team-campaign-history:${id}:`;

/** Whether teams may be started now: startsAt ≤ now < endsAt. */
export function isRunning(campaign: Pick<TeamCampaign, "startsAt" | "endsAt">, now: number): boolean {
  return now >= campaign.startsAt && now < campaign.endsAt;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A safe non-negative whole number, or undefined. */
function safeWhole(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
