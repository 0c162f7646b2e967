import { z } from "zod";
import { COUPON_ID } from "../coupons/coupon-template.ts";
import { type CrossFieldIssue, validateListingEvery, versionedSchemas } from "../kv/versioned-schema.ts";
import { SALE_LIMITS, type Validated } from "../sales/sale-config.ts";
import { STORE_ID } from "../stores/store.ts";

/**
 * A livestream as a marketer schedules it (issue 15), in Workers KV under `livestream:<id>`
 * (binding SALES) with every version at `livestream-history:<id>:<version>` and every change
 * audited in Postgres, as coupon templates are. While it is on air (startsAt ≤ now < endsAt,
 * not paused) shoppers watching `/live/<id>` claim its store coupons (`couponTemplates`, each
 * an in_store template); every coupon claimed through it is stamped with its `stores`, where
 * it can be redeemed. A `claimCode`, announced on air, keeps the claims to those watching.
 */

export const LIVESTREAM_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;
/** How the page shows the stream: a <video> (an HLS or MP4 URL) or an <iframe> (an embeddable player page). */
export const EMBED_KINDS = ["video", "iframe"] as const;
export type EmbedKind = (typeof EMBED_KINDS)[number];
export const CLAIM_CODE = /^[A-Za-z0-9]{4,12}$/;

export const LIVESTREAM_LIMITS = { maxTemplates: 10, maxStores: 200 } as const;

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

const draftFields = {
  id: z.string().regex(LIVESTREAM_ID, "lowercase letters, digits and dashes, 2–40"),
  title: z.string().trim().min(1, "must not be empty").max(80, "must be at most 80 characters"),
  description: z.string().max(500, "must be at most 500 characters").default(""),
  /** https only: the page is https, and a mixed-content stream would be blocked. */
  streamUrl: z.string().max(500, "must be at most 500 characters").refine(isHttpsUrl, "must be an https:// URL"),
  embed: z.enum(EMBED_KINDS),
  startsAt: epochMs,
  endsAt: epochMs,
  /** The in_store coupon templates it hands out (the admin API checks each exists and is in_store). */
  couponTemplates: z
    .array(z.string().regex(COUPON_ID, "a coupon template id"))
    .min(1, "hands out at least one coupon template")
    .max(LIVESTREAM_LIMITS.maxTemplates, `at most ${LIVESTREAM_LIMITS.maxTemplates} templates`),
  /** The stores its coupons are redeemable in (the admin API checks each is an active store). */
  stores: z
    .array(z.string().regex(STORE_ID, "a store id"))
    .min(1, "names at least one store")
    .max(LIVESTREAM_LIMITS.maxStores, `at most ${LIVESTREAM_LIMITS.maxStores} stores`),
  /** Announced on air; when set, a claim must carry it (403 `wrong_claim_code`). "": none. Case does not matter. */
  claimCode: z.union([z.literal(""), z.string().regex(CLAIM_CODE, "4–12 letters or digits")]).default(""),
  /** A paused livestream hands out no coupons (409 `sale_paused`); those claimed stay redeemable. */
  paused: z.boolean().default(false),
};

const schemas = versionedSchemas(draftFields, crossFieldIssues);
export const livestreamDraftSchema = schemas.draft;
export const livestreamSchema = schemas.stored;
export const livestreamUpdateSchema = schemas.update;

export type Livestream = z.infer<typeof livestreamSchema>;
export type LivestreamInput = z.input<typeof livestreamSchema>;

/** Parses and lists every problem as `path: message`, cross-field ones too. */
export function validateLivestream<T extends z.ZodType>(schema: T, input: unknown): Validated<z.output<T>> {
  return validateListingEvery(schema, input, crossFieldIssues);
}

/** The window must not be empty; a template or a store is listed once. */
function crossFieldIssues(input: unknown): CrossFieldIssue[] {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return [];
  const record = input as Record<string, unknown>;
  const issues: CrossFieldIssue[] = [];
  if (typeof record.startsAt === "number" && typeof record.endsAt === "number" && record.endsAt <= record.startsAt) {
    issues.push({ path: ["endsAt"], message: "must be after startsAt" });
  }
  for (const field of ["couponTemplates", "stores"] as const) {
    const list = record[field];
    if (Array.isArray(list) && new Set(list).size !== list.length) issues.push({ path: [field], message: "lists one twice" });
  }
  return issues;
}

export { type LivePhase, liveAt } from "./live-phase.ts";

/** Whether `typed` is the livestream's claim code (none set: anything goes). Case and surrounding spaces do not matter. */
export function claimCodeMatches(livestream: Pick<Livestream, "claimCode">, typed: string | undefined): boolean {
  if (livestream.claimCode === "") return true;
  return (typed ?? "").trim().toUpperCase() === livestream.claimCode.toUpperCase();
}

export const LIVESTREAM_KEY_PREFIX = "livestream:";
export const livestreamKey = (id: string) => `${LIVESTREAM_KEY_PREFIX}${id}`;
export const livestreamHistoryPrefix = (id: string) => `livestream-history:${id}:`;
