import { z } from "@hono/zod-openapi";

/**
 * A report's window `[from, to)` in the query string, both optional epoch ms: to defaults to
 * now and from to a week before it (the route applies the defaults and its own widest span).
 * The figures routes share it: store coupons' stats (issue 15), the response-time board (issue 17).
 */
export const windowQueryFields = {
  from: z.coerce
    .number()
    .int()
    .nonnegative()
    .optional()
    .openapi({ param: { description: "epoch ms; default: 7 days before `to`" } }),
  to: z.coerce
    .number()
    .int()
    .nonnegative()
    .optional()
    .openapi({ param: { description: "epoch ms, exclusive; default: now" } }),
};
