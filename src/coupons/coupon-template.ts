import { z } from "zod";
import { type CrossFieldIssue, validateListingEvery, versionedSchemas } from "../kv/versioned-schema.ts";
import { SEGMENTS } from "../rfm/segment-names.ts";
import { SALE_LIMITS, type Validated } from "../sales/sale-config.ts";
import { COUPON_LIMITS, type CouponType } from "./limits.ts";

export { COUPON_LIMITS, type CouponType };

/**
 * A coupon template as a marketer configures it (issue 14), stored in Workers KV under
 * `coupon:<id>` beside the sales (binding SALES), every version kept at
 * `coupon-history:<id>:<version>`, every change audited in Postgres. Shoppers claim
 * coupons of it from its pool (one CouponPool object per template) and spend them at
 * checkout. Money is integer fen; times are epoch ms, server time.
 *
 * The discount: `amount_off` takes `amountOff` fen off; `percent_off` takes `percentOff` % of
 * the order off, rounded down to whole fen and capped at `maxDiscount`. `minSpend` makes
 * either a threshold coupon ("满300减50": minSpend 30000, amountOff 5000). See discount.ts
 * for the rounding rule and how coupons stack.
 */

export const COUPON_TYPES = ["amount_off", "percent_off"] as const satisfies readonly CouponType[];

const fen = z
  .number()
  .int("must be whole fen (integer minor units)")
  .nonnegative("must not be negative")
  .max(SALE_LIMITS.maxOrderTotal, `must be at most ${SALE_LIMITS.maxOrderTotal} fen`);
const epochMs = z
  .number()
  .int("must be epoch milliseconds")
  .nonnegative("must not be negative")
  .max(SALE_LIMITS.maxEpochMs, "must be before the year 2100");
const count = z.number().int("must be a whole number").positive("must be at least 1");

/** Where a template's coupons are spent: online at checkout, or in a store (issue 15). */
export const REDEEM_KINDS = ["online", "in_store"] as const;
export type RedeemKind = (typeof REDEEM_KINDS)[number];

export const COUPON_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;

const draftFields = {
  id: z.string().regex(COUPON_ID, "lowercase letters, digits and dashes, 2–40"),
  /** What the shopper reads on the coupon, e.g. "满300减50" or "Double 11: ¥50 off". */
  title: z.string().trim().min(1, "must not be empty").max(80, "must be at most 80 characters"),
  description: z.string().max(500).default(""),
  type: z.enum(COUPON_TYPES),
  /** amount_off: fen taken off. Left at 0 for percent_off. */
  amountOff: fen.default(0),
  /** percent_off: 1–99 % off. Left at 0 for amount_off. */
  percentOff: z.number().int("must be a whole percent").min(0).max(99, "must be at most 99").default(0),
  /** percent_off: the most it takes off, fen; 0 means no cap. */
  maxDiscount: fen.default(0),
  /** The order (before any coupon) must cost at least this much, fen; 0: no threshold. */
  minSpend: fen.default(0),
  /** The SKUs (each sale is one SKU) it applies to; empty: every sale. */
  skus: z
    .array(z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "a SKU: lowercase letters, digits and dashes"))
    .max(COUPON_LIMITS.maxSkus, `at most ${COUPON_LIMITS.maxSkus} SKUs`)
    .default([]),
  /** Claimable and usable from validFrom until validUntil (exclusive). */
  validFrom: epochMs,
  validUntil: epochMs,
  perShopperLimit: count.max(COUPON_LIMITS.maxPerShopper, `must be at most ${COUPON_LIMITS.maxPerShopper}`).default(1),
  /** The pool: coupons that can ever be claimed. Raising it adds to the pool; it never drops below what was claimed. */
  totalQuantity: count.max(COUPON_LIMITS.maxQuantity, `must be at most ${COUPON_LIMITS.maxQuantity}`),
  /** false (the default): an order carries this coupon alone. true: it may go with other stackable coupons. */
  stackable: z.boolean().default(false),
  /** A paused template hands out no more coupons; those claimed stay usable. */
  paused: z.boolean().default(false),
  /**
   * true (the default): shoppers claim it. false: it is only granted, coupon by coupon, by
   * another part of the shop (a team's red packet shares, issue 14), never claimed.
   */
  claimable: z.boolean().default(true),
  /**
   * Where it is spent (issue 15). online (the default): at checkout. in_store: only in a
   * store, shown at the till as a QR code or short code; handed out only through a
   * livestream, never listed or claimed through /api/coupons, refused at online checkout.
   */
  redeem: z.enum(REDEEM_KINDS).default("online"),
  /**
   * Who may claim it (issue 17): shoppers in one of these RFM segments (their segment after the
   * last run, src/rfm/); empty (the default): everyone. A shopper outside is refused
   * `not_in_segment`; a grant (a team's share, a tier's coupon) is not a claim and ignores it.
   */
  segments: z
    .array(z.enum(SEGMENTS))
    .max(SEGMENTS.length)
    .refine((list) => new Set(list).size === list.length, "lists a segment twice")
    .default([]),
};

const schemas = versionedSchemas(draftFields, crossFieldIssues);
export const couponDraftSchema = schemas.draft;
export const couponTemplateSchema = schemas.stored;
export const couponUpdateSchema = schemas.update;

export type CouponTemplate = z.infer<typeof couponTemplateSchema>;
export type CouponDraft = z.infer<typeof couponDraftSchema>;
export type CouponTemplateInput = z.input<typeof couponTemplateSchema>;

/** Parses and lists every problem as `path: message`, cross-field ones too (src/kv/versioned-schema.ts). */
export function validateCouponTemplate<T extends z.ZodType>(schema: T, input: unknown): Validated<z.output<T>> {
  return validateListingEvery(schema, input, crossFieldIssues);
}

/** Each type needs its own amount; a window must not be empty; a cap or threshold must make sense. */
function crossFieldIssues(input: unknown): CrossFieldIssue[] {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return [];
  const record = input as Record<string, unknown>;
  const issues: CrossFieldIssue[] = [];
  const from = safe(record.validFrom);
  const until = safe(record.validUntil);
  if (from !== undefined && until !== undefined && until <= from) issues.push({ path: ["validUntil"], message: "must be after validFrom" });
  const amountOff = safe(record.amountOff) ?? 0;
  const percentOff = safe(record.percentOff) ?? 0;
  const minSpend = safe(record.minSpend) ?? 0;
  if (record.type === "amount_off") {
    if (amountOff < 1) issues.push({ path: ["amountOff"], message: "an amount_off coupon takes at least 1 fen off" });
    if (percentOff !== 0) issues.push({ path: ["percentOff"], message: "must be 0 for an amount_off coupon" });
    if (minSpend > 0 && amountOff > minSpend) {
      issues.push({
        path: ["amountOff"],
        message: `must be at most minSpend (${minSpend}): a threshold coupon never takes off more than its threshold`,
      });
    }
  }
  if (record.type === "percent_off") {
    if (percentOff < 1) issues.push({ path: ["percentOff"], message: "a percent_off coupon takes 1–99 % off" });
    if (amountOff !== 0) issues.push({ path: ["amountOff"], message: "must be 0 for a percent_off coupon (use maxDiscount for a cap)" });
  }
  if (Array.isArray(record.skus) && new Set(record.skus).size !== record.skus.length) {
    issues.push({ path: ["skus"], message: "lists a SKU twice" });
  }
  return issues;
}

function safe(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) ? value : undefined;
}

export const COUPON_KEY_PREFIX = "coupon:";
export const couponKey = (id: string) => `${COUPON_KEY_PREFIX}${id}`;
export const couponHistoryPrefix = (id: string) => `coupon-history:${id}:`;

/** Whether the template's coupons apply to an order of `sku`. */
export function appliesToSku(template: Pick<CouponTemplate, "skus">, sku: string): boolean {
  return template.skus.length === 0 || template.skus.includes(sku);
}
