import { Hono } from "hono";
import { z } from "zod";
import { unwrap } from "../../../src/errors.ts";
import type { AppEnv } from "../app-env.ts";
import { presentOrder } from "./present.ts";
import { session } from "./session.ts";
import { skuObject } from "./sku-object.ts";
import { idempotencyKey, jsonBody, shopperWrite } from "./validation.ts";

export const checkoutBody = z
  .object({
    sku: z.string().min(1).max(64).describe("a SKU on sale; a name that cannot be a SKU answers 404"),
    qty: z
      .number()
      .int("qty must be a whole number")
      .positive("qty must be at least 1")
      .max(1000)
      .describe("units to hold; at most the sale's perShopperLimit in all"),
  })
  .strict();

export const cancelBody = z.object({ sku: z.string().min(1).max(64) }).strict();

/**
 * The Try step and its cancel-by-key. The SKU's object decides everything in one turn:
 * window, per-shopper limit, stock, price by sale rank. A retried key returns its order.
 */
export const checkout = new Hono<AppEnv>()
  .post("/checkout", shopperWrite, session, jsonBody(checkoutBody), async (c) => {
    const key = idempotencyKey(c);
    const { sku, qty } = c.req.valid("json");
    const { order, replayed } = unwrap(
      await skuObject(c.env, sku).tryCheckout({ shopperId: c.get("shopperId"), idempotencyKey: key, qty }),
    );
    if (replayed) c.header("Idempotent-Replayed", "true");
    return c.json({ order: presentOrder(order) }, 201);
  })
  .post("/checkout/cancel", shopperWrite, session, jsonBody(cancelBody), async (c) => {
    const key = idempotencyKey(c);
    const { sku } = c.req.valid("json");
    const { order, changed } = unwrap(await skuObject(c.env, sku).cancelByKey(c.get("shopperId"), key));
    return c.json({ order: order ? presentOrder(order) : null, cancelled: true, changed });
  });
