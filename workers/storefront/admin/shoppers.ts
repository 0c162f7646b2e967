import { z } from "@hono/zod-openapi";
import type { Database } from "../../../src/db/client.ts";
import { AppError } from "../../../src/errors.ts";
import { EVENT_TYPES } from "../../../src/events/event.ts";
import { type EventsOverview, eventsOverview } from "../../../src/events/events-overview.ts";
import { MAX_RECENT_EVENTS, type RecentEvent, recentEvents } from "../../../src/events/recent-events.ts";
import { DROP_REASONS } from "../../../src/events/screening.ts";
import { shopperProfileSchema } from "../api/profile-schema.ts";
import { LIFETIME_READ_TIMEOUT_MS, readProfile } from "../api/read-profile.ts";
import { adminRoute } from "../contract/admin-route.ts";
import type { Describes, Holds } from "../contract/describes.ts";
import { noStore } from "../contract/no-store.ts";
import { contractApp } from "../contract/route.ts";
import { epochMs, int } from "../contract/units.ts";
import { readDatabase } from "./read-database.ts";

/**
 * A shopper id as the console may ask for one: `shp_` and up to 92 letters, digits, `_` or `-`
 * (the session's ids, `shp_` and 20–32 of [0-9a-z], and the test shoppers' UUIDs). Anything
 * else names no shopper and is 404, as a SKU that cannot be one is; a well-formed id of nobody
 * who did anything answers an empty profile: a shopper exists from their cookie on, with no row
 * anywhere until they act.
 */
export const SHOPPER_ID = /^shp_[A-Za-z0-9_-]{1,92}$/;

export const shopperParams = z.object({
  id: z.string().openapi({
    param: { description: "a shopper id, `shp_…`; a string not of that form answers 404" },
    pattern: SHOPPER_ID.source,
  }),
});

const recentEventSchema = z.object({
  id: z.string(),
  type: z.string().describe(`one of ${EVENT_TYPES.map((t) => `\`${t}\``).join(", ")}`),
  at: epochMs,
  sku: z.string().nullable(),
  category: z.string().nullable(),
  orderId: z.string().nullable(),
  amount: int.nonnegative().nullable().describe("fen, for order and payment events"),
  page: z.string().nullable(),
  referrer: z.string().nullable(),
  device: z.string().describe("phone, tablet, desktop, bot or unknown"),
  utm: z.record(z.string(), z.string()).nullable(),
  experiments: z.record(z.string(), z.string()).describe("experiment → variant when it happened"),
  props: z.record(z.string(), z.unknown()).describe("the type's other fields (qty, outcome, channel…)"),
});
export type RecentEventSchemaMatchesCode = Holds<Describes<z.output<typeof recentEventSchema>, RecentEvent>>;

const overviewSchema = z
  .object({
    since: epochMs.describe("the counts are of events after this: 24 hours before the server's clock"),
    byType: z.array(z.object({ type: z.string(), events: int.nonnegative() })).describe("every event type, 0 for none"),
    drops: z
      .array(
        z.object({
          day: z.string().describe("UTC, YYYY-MM-DD"),
          reason: z.string().describe(DROP_REASONS.join(", ")),
          count: int.nonnegative(),
        }),
      )
      .describe("events dropped as bad, per UTC day (today and yesterday) and reason, newest day first"),
    deadLetters: int.nonnegative().describe("queue messages that failed every retry, kept in `event_dead_letters`"),
  })
  .openapi("EventsOverview");
export type OverviewSchemaMatchesCode = Holds<Describes<z.output<typeof overviewSchema>, EventsOverview>>;

const LIVE = noStore("shoppers' data, read as it is now");

const shopperProfile = adminRoute({
  method: "get",
  path: "/shoppers/{id}/profile",
  admits: "readShoppers",
  summary: "A shopper's profile: the last 30 minutes of product views and lifetime facts",
  description:
    "What the shopper sees at `GET /api/me/profile`. The window is null when Redis cannot be read; without Postgres, 503. A well-formed id of a shopper with no events is an empty profile.",
  request: { params: shopperParams },
  responses: { 200: { description: "the profile", headers: LIVE, content: { "application/json": { schema: shopperProfileSchema } } } },
  errors: ["not_found", "dependency_unavailable"],
});

const shopperEvents = adminRoute({
  method: "get",
  path: "/shoppers/{id}/events",
  admits: "readShoppers",
  summary: "A shopper's latest events, newest first",
  request: {
    params: shopperParams,
    query: z.object({ limit: z.coerce.number().int().min(1).max(MAX_RECENT_EVENTS).default(50) }),
  },
  responses: {
    200: {
      description: "the events",
      headers: LIVE,
      content: {
        "application/json": {
          schema: z.object({ shopperId: z.string(), events: z.array(recentEventSchema) }).openapi("ShopperEvents"),
        },
      },
    },
  },
  errors: ["not_found", "dependency_unavailable"],
});

const overview = adminRoute({
  method: "get",
  path: "/events/overview",
  admits: "readShoppers",
  summary: "The events pipeline at a glance: events per type in the last 24 hours, drops by reason, dead letters",
  responses: { 200: { description: "the overview", headers: LIVE, content: { "application/json": { schema: overviewSchema } } } },
  errors: ["dependency_unavailable"],
});

/**
 * Shoppers and their events for staff (issue 13): the console's "Shoppers" view looks a
 * shopper up by id (their profile and latest events) and shows the events pipeline's health.
 */
export const adminShoppers = contractApp()
  .openapi(shopperProfile, async (c) => {
    const id = knownForm(c.req.valid("param").id);
    const profile = await readProfile(c.env, id, Date.now());
    c.header("Cache-Control", "no-store");
    return c.json(profile, 200);
  })
  .openapi(shopperEvents, async (c) => {
    const id = knownForm(c.req.valid("param").id);
    const { limit } = c.req.valid("query");
    const events = await eventsDatabase(c.env, (db) => recentEvents(db, id, limit));
    c.header("Cache-Control", "no-store");
    return c.json({ shopperId: id, events }, 200);
  })
  .openapi(overview, async (c) => {
    const answer = await eventsDatabase(c.env, (db) => eventsOverview(db, Date.now()));
    c.header("Cache-Control", "no-store");
    return c.json(answer, 200);
  });

export function knownForm(id: string): string {
  if (!SHOPPER_ID.test(id)) throw new AppError("not_found", "not a shopper id (shp_…)");
  return id;
}

/** Borrows Postgres for an events read; unreachable is 503. */
function eventsDatabase<T>(env: Env, work: (db: Database) => Promise<T>): Promise<T> {
  return readDatabase(env, { what: "shopper events", log: "shoppers", timeoutMs: LIFETIME_READ_TIMEOUT_MS }, work);
}
