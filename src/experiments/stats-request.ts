import { z } from "zod";

/**
 * The body of `POST /admin/api/experiments/stats` (issue 13): raw numbers per variant, for a
 * test run outside the store (an ad platform's, say) as well as one of ours; the first variant
 * is the control. A proportion metric gives each variant's conversions, a mean metric its mean
 * and standard deviation per shopper.
 */
const count = z.number().int("must be a whole number").nonnegative("must not be negative").max(1_000_000_000);

const variantSchema = z
  .object({
    name: z.string().min(1, "must not be empty").max(80),
    users: count,
    weight: z.number().positive("must be positive").max(1_000_000).optional(),
    conversions: count.optional(),
    mean: z.number().finite().optional(),
    stddev: z.number().finite().nonnegative("must not be negative").optional(),
  })
  .strict();

export const statsRequestSchema = z
  .object({
    metric: z.enum(["proportion", "mean"]),
    variants: z.array(variantSchema).min(2, "at least a control and one variant").max(20),
  })
  .strict()
  .superRefine((request, ctx) => {
    request.variants.forEach((variant, index) => {
      const at = (field: string, message: string) => ctx.addIssue({ code: "custom", path: ["variants", index, field], message });
      if (request.metric === "proportion") {
        if (variant.conversions === undefined) at("conversions", "required for a proportion metric");
        else if (variant.conversions > variant.users) at("conversions", "must not exceed users");
        if (variant.users === 0) at("users", "must be at least 1");
      } else {
        if (variant.mean === undefined) at("mean", "required for a mean metric");
        if (variant.stddev === undefined) at("stddev", "required for a mean metric");
        if (variant.users < 2) at("users", "must be at least 2 for a mean metric");
      }
    });
  });

export type StatsRequest = z.infer<typeof statsRequestSchema>;
