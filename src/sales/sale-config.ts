import { z } from "zod";

/**
 * A sale as a marketer configures it (stored in Workers KV under `sale:<sku>`).
 * Money is integer minor units (fen for CNY); times are epoch milliseconds, server time.
 */
const minorUnits = z.number().int().nonnegative();
const epochMs = z.number().int().nonnegative();

/** Units `fromRank`..`toRank` (1-based sale ranks, inclusive) sell at `unitPrice`. */
export const priceTierSchema = z
  .object({
    fromRank: z.number().int().positive(),
    toRank: z.number().int().positive(),
    unitPrice: minorUnits,
    label: z.string().min(1).max(80).optional(),
  })
  .strict();

export const saleConfigSchema = z
  .object({
    sku: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "lowercase letters, digits and dashes"),
    title: z.string().min(1).max(200),
    description: z.string().max(4000).default(""),
    images: z.array(z.string().min(1)).max(12).default([]),
    currency: z.literal("CNY").default("CNY"),
    listPrice: minorUnits,
    stock: z.number().int().positive(),
    startsAt: epochMs,
    endsAt: epochMs,
    tiers: z.array(priceTierSchema).default([]),
    perShopperLimit: z.number().int().positive().default(1),
    holdSeconds: z.number().int().positive().max(3600).default(600),
  })
  .strict()
  .superRefine((sale, ctx) => {
    if (sale.endsAt <= sale.startsAt) {
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "must be after startsAt" });
    }
    checkTiers(sale.tiers, sale.stock, ctx);
  });

export type PriceTier = z.infer<typeof priceTierSchema>;
export type SaleConfig = z.infer<typeof saleConfigSchema>;
/** What a marketer writes: defaults not yet applied. */
export type SaleConfigInput = z.input<typeof saleConfigSchema>;

/** Tiers must start at rank 1, follow each other without gap or overlap, and stay within stock. */
function checkTiers(tiers: PriceTier[], stock: number, ctx: z.RefinementCtx): void {
  let expectedFrom = 1;
  tiers.forEach((tier, index) => {
    if (tier.toRank < tier.fromRank) {
      ctx.addIssue({ code: "custom", path: ["tiers", index, "toRank"], message: "must be at least fromRank" });
    }
    if (tier.fromRank !== expectedFrom) {
      ctx.addIssue({
        code: "custom",
        path: ["tiers", index, "fromRank"],
        message: `must be ${expectedFrom} (tiers may not overlap or leave gaps)`,
      });
    }
    if (tier.toRank > stock) {
      ctx.addIssue({ code: "custom", path: ["tiers", index, "toRank"], message: `must not exceed stock (${stock})` });
    }
    expectedFrom = tier.toRank + 1;
  });
}

/** The KV key a sale's configuration lives under. */
export function saleKey(sku: string): string {
  return `sale:${sku}`;
}

export const SALE_KEY_PREFIX = "sale:";
