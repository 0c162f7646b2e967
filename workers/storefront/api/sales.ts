import { Hono } from "hono";
import { unwrap } from "../../../src/errors.ts";
import type { AppEnv } from "../app-env.ts";
import { errorBody } from "../errors.ts";
import { currentSales, skuObject } from "./sku-object.ts";

/**
 * What shoppers read: the sales on now or soon, one SKU's live state, and its WebSocket.
 * Live numbers come from each SKU's object, never from a cache.
 */
export const sales = new Hono<AppEnv>()
  .get("/sales", async (c) => {
    const sales = await currentSales(c.env);
    c.header("Cache-Control", "no-store");
    return c.json({ serverTime: Date.now(), sales: sales.map(({ snapshot }) => snapshot) });
  })
  .get("/skus/:sku", async (c) => {
    const snapshot = unwrap(await skuObject(c.env, c.req.param("sku")).snapshot());
    c.header("Cache-Control", "no-store");
    return c.json(snapshot);
  })
  .get("/skus/:sku/live", async (c) => {
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
      return c.json(errorBody("invalid_request", "this endpoint is a WebSocket: send Upgrade: websocket"), 426);
    }
    return skuObject(c.env, c.req.param("sku")).fetch(c.req.raw);
  });
