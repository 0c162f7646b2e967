import { z } from "@hono/zod-openapi";
import { LIVE_NUMBERS } from "../contract/no-store.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { epochMs } from "../contract/units.ts";
import { chat } from "./chat.ts";
import { checkout } from "./checkout.ts";
import { coupons } from "./coupons.ts";
import { crmApi } from "./crm.ts";
import { events } from "./events.ts";
import { experiments } from "./experiments.ts";
import { geofence } from "./geofence.ts";
import { orders } from "./orders.ts";
import { profile } from "./profile.ts";
import { points } from "./points.ts";
import { push } from "./push.ts";
import { sessionLimit } from "./rate-limit.ts";
import { sales } from "./sales.ts";
import { SESSION_COOKIE, session } from "./session.ts";
import { teams } from "./teams.ts";
import { livestreams } from "./livestreams.ts";
import { membership } from "./membership.ts";
import { storeRedemptions } from "./store-redemptions.ts";
import { invoices } from "./invoices.ts";
import { presaleOrders } from "./presale-orders.ts";
import { share } from "./share.ts";
import { storeStaffApi } from "./store-staff.ts";
import { stores } from "./stores.ts";
import { shopperWrite } from "./validation.ts";
import { waitingRoom } from "./waiting-room.ts";
import { inbox } from "./inbox.ts";
import { recommendations } from "./recommendations.ts";
import { ads } from "./ads.ts";

const sessionSchema = z.object({ shopperId: z.string() }).openapi("Session");

const startSession = contractRoute({
  method: "post",
  path: "/session",
  tags: ["session"],
  summary: "Get (or keep) a shopper identity",
  description:
    "Issues the signed, HttpOnly `fs_session` cookie if the request has no valid one. Optional: every shopper-scoped call issues it on first use too.",
  middleware: [shopperWrite, sessionLimit, session],
  request: {
    body: { required: false, content: { "application/json": { schema: z.unknown().describe("nothing: send `{}` or no body") } } },
  },
  responses: {
    201: {
      description: "a new shopper: the cookie is set",
      headers: {
        "Set-Cookie": {
          description: `${SESSION_COOKIE}=<shopperId>.<signature>; HttpOnly; SameSite=Lax; Max-Age=2592000`,
          schema: { type: "string" },
        },
      },
      content: { "application/json": { schema: sessionSchema } },
    },
    200: { description: "the cookie was valid: the same shopper", content: { "application/json": { schema: sessionSchema } } },
  },
});

const serverTime = contractRoute({
  method: "get",
  path: "/time",
  tags: ["sales"],
  summary: "Server time, for countdowns on pages without a live feed (sample a few round trips)",
  responses: {
    200: {
      description: "the server's clock",
      headers: LIVE_NUMBERS,
      content: { "application/json": { schema: z.object({ serverTime: epochMs }) } },
    },
  },
});

/**
 * The shopper API under /api (README, "Shopper API"). Every route is a contract
 * (contract/route.ts); every state-changing call goes through `shopperWrite` first
 * (validation.ts): same origin, JSON only, a bounded body.
 */
export const api = contractApp()
  .openapi(startSession, async (c) => {
    const body = { shopperId: c.get("shopperId") };
    return c.get("newSession") ? c.json(body, 201) : c.json(body, 200);
  })
  // Server time for pages without a live feed: they sample it to run countdowns on it.
  .openapi(serverTime, (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({ serverTime: Date.now() }, 200);
  })
  .route("/", sales)
  .route("/", checkout)
  .route("/", waitingRoom)
  .route("/", orders)
  .route("/", events)
  .route("/", profile)
  .route("/", points)
  .route("/", experiments)
  .route("/", coupons)
  .route("/", teams)
  .route("/", share)
  .route("/", geofence)
  .route("/", push)
  .route("/", stores)
  .route("/", storeStaffApi)
  .route("/", livestreams)
  .route("/", storeRedemptions)
  .route("/", invoices)
  .route("/", presaleOrders)
  .route("/", membership)
  .route("/", crmApi)
  .route("/", inbox)
  .route("/", chat)
  .route("/", recommendations)
  .route("/", ads);
