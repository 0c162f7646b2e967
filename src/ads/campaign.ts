import { z } from "zod";
import { TARGET_DEVICES, TARGET_LOCALES } from "../experiments/experiment-config.ts";
import { type CrossFieldIssue, validateListingEvery, versionedSchemas } from "../kv/versioned-schema.ts";
import { SEGMENTS } from "../rfm/segment-names.ts";
import { SALE_LIMITS, type Validated } from "../sales/sale-config.ts";
import {
  AD_CAMPAIGN_STATUSES,
  CREATIVE_VARIANTS,
  OFFSITE_CHANNEL_NAMES,
  type OffsiteChannel,
  PLACEMENTS,
  type Placement,
} from "./placements.ts";

/**
 * An ad campaign as a marketer plans it (issue 18), in Workers KV under `ad-campaign:<id>`
 * (binding SALES) with every version at `ad-campaign-history:<id>:<version>` and every change
 * audited in Postgres, like livestreams and sequences. While it is `active` and inside its window
 * (startsAt ≤ now < endsAt) with budget left, the storefront shows one of its creatives in its
 * placements to the shoppers its targeting names, at most `frequencyCap.impressions` times per
 * shopper in any `frequencyCap.hours`. A creative's image is uploaded once (`ad_images`) and
 * rendered by the Node renderer at every size below, as WebP and JPEG.
 */

export const AD_CAMPAIGN_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;
export const AD_CREATIVE_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** An uploaded image's id (`ad_images.id`): lowercase letters and digits, 8–40. */
export const AD_IMAGE_ID = /^[a-z0-9]{8,40}$/;
export {
  AD_CAMPAIGN_STATUSES,
  AD_IMAGE_FORMATS,
  type AdCampaignStatus,
  type AdImageFormat,
  adImageUrl,
  adImageVariantId,
  CREATIVE_VARIANTS,
  type CreativeSize,
  type CreativeVariant,
  OFFSITE_CHANNEL_NAMES,
  OFFSITE_CHANNELS,
  type OffsiteChannel,
  PLACEMENT_SIZES,
  PLACEMENTS,
  type Placement,
  RENDERED_SIZES,
  sizeKey,
} from "./placements.ts";

export const AD_CAMPAIGN_LIMITS = {
  maxCreatives: 4,
  maxHeadline: 60,
  maxBudgetImpressions: 1_000_000_000,
  frequencyCap: { minImpressions: 1, maxImpressions: 20, minHours: 1, maxHours: 168 },
} as const;

const epochMs = z
  .number()
  .int("must be epoch milliseconds")
  .nonnegative("must not be negative")
  .max(SALE_LIMITS.maxEpochMs, "must be before the year 2100");

function isHttpsUrl(text: string): boolean {
  try {
    return new URL(text).protocol === "https:";
  } catch {
    return false;
  }
}

function hasSpaceOrControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) <= 32 || text.charCodeAt(i) === 127) return true;
  return false;
}

/** A path on this shop (`/sale/x`, never `//host`) or an https URL. */
export function isAdTarget(text: string): boolean {
  if (text.startsWith("/")) return !text.startsWith("//") && !text.startsWith("/\\") && !hasSpaceOrControl(text);
  return isHttpsUrl(text);
}

/** "all", or a non-empty list: an empty list would target nobody, so it is refused. */
function audience<const Values extends readonly [string, ...string[]]>(values: Values, what: string) {
  return z.union([
    z.literal("all"),
    z
      .array(z.enum(values, `must be one of ${values.join(", ")}`))
      .min(1, `an empty list targets nobody: use "all" or name at least one ${what}`),
  ]);
}

const headline = z.string().trim().min(1, "must not be empty").max(AD_CAMPAIGN_LIMITS.maxHeadline, "must be at most 60 characters");

export const adCreativeSchema = z
  .object({
    id: z.string().regex(AD_CREATIVE_ID, "lowercase letters, digits and dashes, 1–40"),
    variant: z.enum(CREATIVE_VARIANTS, "must be a, b, c or d"),
    headline: z.object({ "zh-CN": headline, en: headline }).strict(),
    targetUrl: z
      .string()
      .max(500, "must be at most 500 characters")
      .refine(isAdTarget, "must be a path on this shop (/…) or an https:// URL"),
    imageId: z.string().regex(AD_IMAGE_ID, "an uploaded image's id"),
  })
  .strict();
export type AdCreative = z.infer<typeof adCreativeSchema>;

const draftFields = {
  id: z.string().regex(AD_CAMPAIGN_ID, "lowercase letters, digits and dashes, 2–40"),
  name: z.string().trim().min(1, "must not be empty").max(80, "must be at most 80 characters"),
  status: z.enum(AD_CAMPAIGN_STATUSES, "must be draft, active or paused").default("draft"),
  startsAt: epochMs,
  endsAt: epochMs,
  /** Total served impressions; serving stops when they are spent. */
  budget: z
    .object({
      impressions: z
        .number()
        .int("must be a whole number")
        .min(1, "must be at least 1")
        .max(AD_CAMPAIGN_LIMITS.maxBudgetImpressions, "must be at most 1,000,000,000"),
    })
    .strict(),
  placements: z
    .array(z.enum(PLACEMENTS as [Placement, ...Placement[]], `must be one of ${PLACEMENTS.join(", ")}`))
    .min(1, "names at least one placement"),
  /** Off-site channels a creative set is exported for (`GET /admin/api/ad-campaigns/{id}/export?channel=`). */
  offsite: z
    .array(z.enum(OFFSITE_CHANNEL_NAMES as [OffsiteChannel, ...OffsiteChannel[]], `must be one of ${OFFSITE_CHANNEL_NAMES.join(", ")}`))
    .default([]),
  targeting: z
    .object({
      segments: audience(SEGMENTS, "segment").default("all"),
      devices: audience(TARGET_DEVICES, "device").default("all"),
      locales: audience(TARGET_LOCALES, "locale").default("all"),
    })
    .strict()
    .default({ segments: "all", devices: "all", locales: "all" }),
  frequencyCap: z
    .object({
      impressions: z.number().int("must be a whole number").min(1, "must be at least 1").max(20, "must be at most 20").default(3),
      hours: z.number().int("must be a whole number").min(1, "must be at least 1").max(168, "must be at most 168 (a week)").default(24),
    })
    .strict()
    .default({ impressions: 3, hours: 24 }),
  creatives: z.array(adCreativeSchema).min(1, "has at least one creative").max(AD_CAMPAIGN_LIMITS.maxCreatives, "at most 4 creatives"),
  /** null, or the key of an experiment on surface `ad_creative`: its variant picks the creative with that letter. */
  experiment: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "an experiment key")
    .nullable()
    .default(null),
};

export const adCampaignSchemas = versionedSchemas(draftFields, crossFieldIssues);
export const adCampaignDraftSchema = adCampaignSchemas.draft;
export const adCampaignSchema = adCampaignSchemas.stored;
export const adCampaignUpdateSchema = adCampaignSchemas.update;

export type AdCampaign = z.infer<typeof adCampaignSchema>;
export type AdCampaignInput = z.input<typeof adCampaignSchema>;
export type AdTargeting = AdCampaign["targeting"];

/** Parses and lists every problem as `path: message`, cross-field ones too. */
export function validateAdCampaign<T extends z.ZodType>(schema: T, input: unknown): Validated<z.output<T>> {
  return validateListingEvery(schema, input, crossFieldIssues);
}

/** The window must not be empty or inverted; creatives' ids and variants are unique; lists name each once. */
function crossFieldIssues(input: unknown): CrossFieldIssue[] {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return [];
  const record = input as Record<string, unknown>;
  const issues: CrossFieldIssue[] = [];
  if (typeof record.startsAt === "number" && typeof record.endsAt === "number" && record.endsAt <= record.startsAt) {
    issues.push({ path: ["endsAt"], message: "must be after startsAt (an empty or inverted window shows nothing)" });
  }
  for (const field of ["placements", "offsite"] as const) {
    const list = record[field];
    if (Array.isArray(list) && new Set(list).size !== list.length) issues.push({ path: [field], message: "lists one twice" });
  }
  if (Array.isArray(record.creatives)) {
    const creatives = record.creatives.filter((c): c is Record<string, unknown> => typeof c === "object" && c !== null);
    for (const field of ["id", "variant"] as const) {
      const values = creatives.map((c) => c[field]).filter((v) => typeof v === "string");
      if (new Set(values).size !== values.length) issues.push({ path: ["creatives"], message: `two creatives share a ${field}` });
    }
  }
  const targeting = record.targeting;
  if (typeof targeting === "object" && targeting !== null) {
    for (const field of ["segments", "devices", "locales"] as const) {
      const list = (targeting as Record<string, unknown>)[field];
      if (Array.isArray(list) && new Set(list).size !== list.length)
        issues.push({ path: ["targeting", field], message: "lists one twice" });
    }
  }
  return issues;
}

/** The creative an experiment's variant letter picks, or null when the campaign has none with it. */
export function creativeForVariant(campaign: Pick<AdCampaign, "creatives">, variant: string): AdCreative | null {
  return campaign.creatives.find((creative) => creative.variant === variant) ?? null;
}

/** Whether the campaign may serve at `now`: active and inside its window (the budget is counted by serving). */
export function campaignLiveAt(campaign: Pick<AdCampaign, "status" | "startsAt" | "endsAt">, now: number): boolean {
  return campaign.status === "active" && campaign.startsAt <= now && now < campaign.endsAt;
}

/** Whether targeting names this shopper ("all", or a list holding the value; an unknown segment matches only "all"). */
export function targetingMatches(targeting: AdTargeting, shopper: { segment: string | null; device: string; locale: string }): boolean {
  const fits = (rule: "all" | readonly string[], value: string | null) => rule === "all" || (value !== null && rule.includes(value));
  return fits(targeting.segments, shopper.segment) && fits(targeting.devices, shopper.device) && fits(targeting.locales, shopper.locale);
}

export const AD_CAMPAIGN_KEY_PREFIX = "ad-campaign:";
export const adCampaignKey = (id: string) => `${AD_CAMPAIGN_KEY_PREFIX}${id}`;
export const adCampaignHistoryPrefix = (id: string) => `ad-campaign-history:${id}:`;
