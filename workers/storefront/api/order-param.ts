import { z } from "@hono/zod-openapi";

/**
 * The `{id}` path parameter of an order's routes (the shopper's and the admin's). Not validated
 * on the way in: an id not of the form is answered 404 by the lookup, like one of another
 * shopper.
 */
export const orderParams = z.object({
  id: z.string().openapi({
    param: { description: "an order id, `ord_<sku>_<random>`; one of another shopper, or not of this form, answers 404" },
  }),
});
