import { Hono } from "hono";
import { z } from "zod";
import { unwrap } from "../../../src/errors.ts";
import type { AppEnv } from "../app-env.ts";
import { skuObject } from "../api/sku-object.ts";
import { validQuery } from "./request.ts";

/**
 * A SKU's dead letters (issue 10): outbox changes Postgres refused for their data, parked in
 * the SKU's object so the changes behind them still land. The console lists them (order ids
 * and the refusal, never the rows) and retries them after a fix, such as a migration.
 */
export const adminDeadLetters = new Hono<AppEnv>()
  .get("/sales/:sku/dead-letters", async (c) => {
    const sku = c.req.param("sku");
    const { limit } = validQuery(c, z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }));
    const listed = unwrap(await skuObject(c.env, sku).deadLetters(limit));
    c.header("Cache-Control", "no-store");
    return c.json({ sku, ...listed });
  })
  .post("/sales/:sku/dead-letters/retry", async (c) => {
    const sku = c.req.param("sku");
    const retried = unwrap(await skuObject(c.env, sku).retryDeadLetters());
    return c.json({ sku, ...retried });
  });
