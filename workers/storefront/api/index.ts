import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { checkout } from "./checkout.ts";
import { openapi } from "./openapi.ts";
import { orders } from "./orders.ts";
import { sales } from "./sales.ts";
import { session } from "./session.ts";
import { shopperWrite } from "./validation.ts";

/**
 * The shopper API under /api (README, "Shopper API"). Every state-changing call goes through
 * `shopperWrite` first (validation.ts): same origin, JSON only, a bounded body.
 */
export const api = new Hono<AppEnv>()
  .post("/session", shopperWrite, session, async (c) => {
    return c.json({ shopperId: c.get("shopperId") }, c.get("newSession") ? 201 : 200);
  })
  .route("/", openapi)
  // Server time for pages without a live feed: they sample it to run countdowns on it.
  .get("/time", (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ serverTime: Date.now() });
  })
  .route("/", sales)
  .route("/", checkout)
  .route("/", orders);

