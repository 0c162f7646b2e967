import { z } from "@hono/zod-openapi";
import { saleConfigSchema } from "../../../src/sales/sale-config.ts";

/**
 * The `{sku}` path parameter. Not validated on the way in: a name that cannot be a SKU is
 * answered 404 by the lookup (`skuObject`), like one of no sale, and the schema only
 * documents the form, taken from the sale configuration's own.
 */
export const skuParams = z.object({
  sku: z.string().openapi({
    pattern: z.toJSONSchema(saleConfigSchema.shape.sku).pattern,
    param: { description: "a SKU; a name that cannot be one answers 404" },
  }),
});
