import { z } from "zod";
import { presaleIssues } from "../presale/presale-rules.ts";
import { presaleSchema } from "../presale/presale-terms.ts";
import { MAX_SHARDS } from "./shards.ts";

/**
 * A sale as a marketer configures it (stored in Workers KV under `sale:<sku>`).
 * Money is integer minor units (fen for CNY); times are epoch milliseconds, server time.
 * Messages are written for the marketer console, which shows each next to its field.
 */

/**
 * Upper bounds, checked when a sale is saved: a flash sale needs nothing near them, and
 * without them a hand-typed 2^53 stock answered 500 and a per-shopper limit of 10^6 made a
 * 22.9 MB sale page. Every order total stays far below 2^53 (exact in JS) and fits the
 * `bigint` columns in Postgres.
 */
export const SALE_LIMITS = {
  /** ¥10,000,000 a unit. */
  maxUnitPrice: 1_000_000_000,
  maxStock: 1_000_000,
  maxPerShopperLimit: 100,
  /** ¥100,000,000: the most one order may cost (limit × the highest unit price). */
  maxOrderTotal: 10_000_000_000,
  /** 2100-01-01T00:00:00Z: later times are typing mistakes, and past 8.64e15 not even dates. */
  maxEpochMs: 4_102_444_800_000,
} as const;

const minorUnits = z
  .number()
  .int("must be whole fen (integer minor units)")
  .nonnegative("must not be negative")
  .max(SALE_LIMITS.maxUnitPrice, `must be at most ${SALE_LIMITS.maxUnitPrice} fen (¥${SALE_LIMITS.maxUnitPrice / 100})`);
const epochMs = z
  .number()
  .int("must be epoch milliseconds")
  .nonnegative("must not be negative")
  .max(SALE_LIMITS.maxEpochMs, "must be before the year 2100");
const count = z.number().int("must be a whole number").positive("must be at least 1");
const units = count.max(SALE_LIMITS.maxStock, `must be at most ${SALE_LIMITS.maxStock}`);

/** Units `fromRank`..`toRank` (1-based sale ranks, inclusive) sell at `unitPrice`. */
export const priceTierSchema = z
  .object({
    fromRank: count,
    toRank: count,
    unitPrice: minorUnits,
    label: z.string().min(1).max(80).optional(),
  })
  .strict();

/**
 * A limited-time gift (限时加赠): every order placed in `startsAt`..`endsAt` gets one, while
 * `stock` lasts. An order cancelled or expired gives its gift back, like its units.
 */
export const giftSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "lowercase letters, digits and dashes, at most 40"),
    title: z.string().min(1, "must not be empty").max(80),
    startsAt: epochMs,
    endsAt: epochMs,
    stock: units,
  })
  .strict();

/**
 * The sale's waiting room (issue 12), off unless set: shoppers join a queue for a place and a
 * signed ticket, and are let through to checkout `admitPerSecond` a second, in the order they
 * came (src/waiting-room/). A ticket is good for `ticketTtlSeconds` from the moment it admits.
 */
export const waitingRoomSchema = z
  .object({
    admitPerSecond: count.max(100_000, "must be at most 100000"),
    ticketTtlSeconds: count.min(60, "must be at least 60 (a minute)").max(3600, "must be at most 3600 (an hour)").default(900),
  })
  .strict();

/** The fields a marketer writes; the server adds `version`, `updatedAt` and `updatedBy`. */
const draftFields = {
  sku: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "lowercase letters, digits and dashes"),
  title: z.string().min(1, "must not be empty").max(200),
  description: z.string().max(4000).default(""),
  /**
   * The product's category (issue 13): shopper events and profiles carry it ("latest
   * category viewed"), and recommendations and segments group by it. Free text, trimmed.
   */
  category: z.string().trim().min(1, "must not be empty").max(64, "must be at most 64 characters").default("general"),
  images: z.array(z.string().min(1)).max(12).default([]),
  currency: z.literal("CNY").default("CNY"),
  listPrice: minorUnits,
  stock: units,
  startsAt: epochMs,
  endsAt: epochMs,
  tiers: z.array(priceTierSchema).default([]),
  perShopperLimit: count.max(SALE_LIMITS.maxPerShopperLimit, `must be at most ${SALE_LIMITS.maxPerShopperLimit}`).default(1),
  holdSeconds: count.max(3600, "must be at most 3600 (an hour)").default(600),
  /** A paused sale refuses new checkouts (`sale_paused`); orders already held may still be paid. */
  paused: z.boolean().default(false),
  gifts: z.array(giftSchema).max(20).default([]),
  /**
   * How many objects sell the stock (issue 12): 1 is one SKU object; K > 1 splits the
   * decisions over K shard objects (src/sales/shards.ts). May change only before the sale starts.
   */
  shards: z.number().int("must be a whole number").min(1, "must be at least 1").max(MAX_SHARDS, `must be at most ${MAX_SHARDS}`).default(1),
  /** null (the default): no waiting room, checkouts need no ticket. */
  waitingRoom: waitingRoomSchema.nullable().default(null),
  /**
   * Member prices (issue 16): true takes the shopper's tier's `memberPricePercentOff` off the
   * units' prices, before coupons and points. False (the default): every shopper pays the list
   * price, and a checkout reads nothing about the shopper's tier.
   */
  memberPrices: z.boolean().default(false),
  /**
   * A presale (issue 19, src/presale/presale-terms.ts): a deposit window before the sale opens
   * and a balance window inside it. null (the default): an ordinary sale.
   */
  presale: presaleSchema.nullable().default(null),
};

/**
 * What the admin API keeps with each saved configuration (issue 6): `version` counts saves
 * (1 for a new sale) and orders them, so a SKU object never adopts an older configuration
 * than the one it runs. Entries written into KV by hand may leave them out.
 */
const versionFields = {
  version: count.default(1),
  /** When it was saved through the admin API; null when written to KV by other means. */
  updatedAt: epochMs.nullable().default(null),
  /** Who saved it (the `X-Admin-Actor` of the save); null when written to KV by other means. */
  updatedBy: z.string().max(64).nullable().default(null),
};

/** A sale as a marketer submits it to the admin API: every check, none of the bookkeeping. */
export const saleDraftSchema = z.object(draftFields).strict().superRefine(addCrossFieldIssues);

/** A sale as stored in KV and run by its SKU object. */
export const saleConfigSchema = z
  .object({ ...draftFields, ...versionFields })
  .strict()
  .superRefine(addCrossFieldIssues);

/** A full update: the draft and the version it was edited from (optimistic concurrency). */
export const saleUpdateSchema = z
  .object({ ...draftFields, expectedVersion: count })
  .strict()
  .superRefine(addCrossFieldIssues);

export type PriceTier = z.infer<typeof priceTierSchema>;
export type Gift = z.infer<typeof giftSchema>;
export type WaitingRoom = z.infer<typeof waitingRoomSchema>;
export type SaleConfig = z.infer<typeof saleConfigSchema>;
export type SaleDraft = z.infer<typeof saleDraftSchema>;
/** What a marketer writes: defaults not yet applied. */
export type SaleConfigInput = z.input<typeof saleConfigSchema>;

/** A parse that lists every problem, or the value. */
export type Validated<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/**
 * Parses with one of the schemas above and, when it fails, lists EVERY problem as
 * `path: message`. zod skips refinements once a field fails hard (a fractional stock
 * aborts), which would hide an end-before-start until the next try; so the cross-field
 * checks are run here on the raw input as well, and their problems added once.
 */
export function validateSale<T extends z.ZodType>(schema: T, input: unknown): Validated<z.output<T>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = describeIssues(parsed.error.issues);
  for (const problem of describeIssues(crossFieldIssues(input))) if (!problems.includes(problem)) problems.push(problem);
  return { ok: false, problems };
}

/** One line per issue: `path: message`, `body` for the whole (what `problems` lists). */
export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string[] {
  return issues.map((issue) => `${issue.path.map(String).join(".") || "body"}: ${issue.message}`);
}

type Issue = { path: Array<string | number>; message: string };

function addCrossFieldIssues(input: unknown, ctx: z.RefinementCtx): void {
  for (const { path, message } of crossFieldIssues(input)) ctx.addIssue({ code: "custom", path, message });
}

/**
 * Checks across fields, each reported at the path of the field to fix. The input may be
 * invalid elsewhere (see validateSale), so it is read defensively and a comparison whose
 * own fields are invalid is skipped: those are reported already.
 */
function crossFieldIssues(input: unknown): Issue[] {
  if (!isRecord(input)) return [];
  const issues: Issue[] = [];
  const startsAt = time(input.startsAt);
  const endsAt = time(input.endsAt);
  if (startsAt !== undefined && endsAt !== undefined && endsAt <= startsAt) {
    issues.push({ path: ["endsAt"], message: "must be after startsAt" });
  }
  if (Array.isArray(input.tiers)) issues.push(...tierIssues(input.tiers, positive(input.stock)));
  if (Array.isArray(input.gifts)) issues.push(...giftIssues(input.gifts, startsAt, endsAt));
  issues.push(...orderTotalIssues(input), ...shardIssues(input), ...presaleIssues(input));
  return issues;
}

/** The most one order can cost, the per-shopper limit at the highest unit price, must stay within bounds. */
function orderTotalIssues(input: Record<string, unknown>): Issue[] {
  // The default limit is 1; an invalid one is reported at its own field already.
  const limit = input.perShopperLimit === undefined ? 1 : positive(input.perShopperLimit);
  const tierPrices = Array.isArray(input.tiers) ? input.tiers.map((tier) => (isRecord(tier) ? tier.unitPrice : undefined)) : [];
  const prices = [input.listPrice, ...tierPrices].filter((p): p is number => typeof p === "number" && Number.isSafeInteger(p));
  if (limit === undefined || prices.length === 0) return [];
  const highest = Math.max(...prices);
  if (limit * highest <= SALE_LIMITS.maxOrderTotal) return [];
  return [
    {
      path: ["perShopperLimit"],
      message: `${limit} units at up to ${highest} fen would make an order above ${SALE_LIMITS.maxOrderTotal} fen (¥${SALE_LIMITS.maxOrderTotal / 100}); lower the limit or the prices`,
    },
  ];
}

/**
 * A sharded sale counts its units in K objects; gift stock is counted in one, so gifts need an
 * unsharded sale (a gift given by two shards at once could go past its stock).
 */
function shardIssues(input: Record<string, unknown>): Issue[] {
  const shards = positive(input.shards);
  if (shards === undefined || shards === 1) return [];
  const issues: Issue[] = [];
  if (Array.isArray(input.gifts) && input.gifts.length > 0) {
    issues.push({ path: ["shards"], message: "a sale with gifts sells from one object: set shards to 1 or remove the gifts" });
  }
  const stock = positive(input.stock);
  if (stock !== undefined && stock < shards) issues.push({ path: ["shards"], message: `must be at most the stock (${stock})` });
  return issues;
}

/** Tiers must start at rank 1, follow each other without gap or overlap, and stay within stock. */
function tierIssues(tiers: unknown[], stock: number | undefined): Issue[] {
  const issues: Issue[] = [];
  let expectedFrom: number | undefined = 1;
  tiers.forEach((tier, index) => {
    const fromRank = isRecord(tier) ? positive(tier.fromRank) : undefined;
    const toRank = isRecord(tier) ? positive(tier.toRank) : undefined;
    if (fromRank !== undefined && toRank !== undefined && toRank < fromRank) {
      issues.push({ path: ["tiers", index, "toRank"], message: "must be at least fromRank" });
    }
    if (fromRank !== undefined && expectedFrom !== undefined && fromRank !== expectedFrom) {
      issues.push({ path: ["tiers", index, "fromRank"], message: `must be ${expectedFrom} (tiers may not overlap or leave gaps)` });
    }
    if (toRank !== undefined && stock !== undefined && toRank > stock) {
      issues.push({ path: ["tiers", index, "toRank"], message: `must not exceed stock (${stock})` });
    }
    expectedFrom = toRank === undefined ? undefined : toRank + 1;
  });
  return issues;
}

/**
 * Gifts need a window that is not empty and meets the sale's, and ids that tell them apart
 * (orders name their gift by id). Windows may overlap: an order gets the first gift listed
 * whose window is open and whose stock lasts.
 */
function giftIssues(gifts: unknown[], saleStart: number | undefined, saleEnd: number | undefined): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<unknown>();
  gifts.forEach((gift, index) => {
    if (!isRecord(gift)) return;
    if (typeof gift.id === "string" && seen.has(gift.id)) {
      issues.push({ path: ["gifts", index, "id"], message: `"${gift.id}" is already the id of another gift` });
    }
    seen.add(gift.id);
    const startsAt = time(gift.startsAt);
    const endsAt = time(gift.endsAt);
    if (startsAt === undefined || endsAt === undefined) return;
    if (endsAt <= startsAt) {
      issues.push({ path: ["gifts", index, "endsAt"], message: "must be after the gift's startsAt" });
    } else if ((saleStart !== undefined && endsAt <= saleStart) || (saleEnd !== undefined && startsAt >= saleEnd)) {
      issues.push({ path: ["gifts", index, "startsAt"], message: "the gift's window must overlap the sale's" });
    }
  });
  return issues;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A valid epoch-ms time, or undefined. */
function time(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** A valid positive count (stock, rank), or undefined. */
function positive(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** The KV key a sale's configuration lives under. */
export function saleKey(sku: string): string {
  return `sale:${sku}`;
}

export const SALE_KEY_PREFIX = "sale:";

/** Every saved version is kept under this prefix (the key ends in the zero-padded version). */
export function saleHistoryPrefix(sku: string): string {
  return `sale-history:${sku}:`;
}

/** Zero-padded so that KV's lexicographic listing returns versions in order. */
export function saleHistoryKey(sku: string, version: number): string {
  return `${saleHistoryPrefix(sku)}${String(version).padStart(10, "0")}`;
}
