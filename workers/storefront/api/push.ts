import { z } from "@hono/zod-openapi";
import { and, desc, eq, notInArray } from "drizzle-orm";
import { databaseSettings } from "../../../src/config.ts";
import { withDatabase } from "../../../src/db/client.ts";
import { pushSubscriptions } from "../../../src/db/schema.ts";
import { fromBase64url } from "../../../src/encoding.ts";
import { AppError } from "../../../src/errors.ts";
import type { AppEnv } from "../app-env.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import type { Context } from "hono";
import { pushConfigured } from "./push-delivery.ts";
import { addressLimit, sessionLimit, shopperLimit } from "./rate-limit.ts";
import { session } from "./session.ts";
import { shopperWrite } from "./validation.ts";

/** A shopper keeps at most this many browsers subscribed; a new one beyond it replaces the oldest. */
export const MAX_SUBSCRIPTIONS_PER_SHOPPER = 5;

/**
 * Push endpoints are the browser's push service, always https. Plain http only to this machine
 * (the local push service of `npm start` and the tests): a Worker in production cannot reach
 * a loopback address, so that opens nothing; any other address would let a shopper make the
 * Worker POST to a host of their choosing.
 */
function isPushEndpoint(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || (url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname));
  } catch {
    return false;
  }
}

const endpoint = z
  .string()
  .max(1_024)
  .refine(isPushEndpoint, "must be the https URL a browser's PushSubscription gives")
  .describe("PushSubscription.endpoint");

const subscriptionSchema = z
  .object({
    endpoint,
    expirationTime: z.number().nullable().optional(),
    keys: z.object({
      p256dh: z
        .string()
        .refine((t) => fromBase64url(t)?.length === 65, "must be base64url of the 65-byte P-256 public key")
        .describe("PushSubscription.toJSON().keys.p256dh"),
      auth: z
        .string()
        .refine((t) => fromBase64url(t)?.length === 16, "must be base64url of the 16-byte auth secret")
        .describe("PushSubscription.toJSON().keys.auth"),
    }),
  })
  .openapi("PushSubscriptionInput");

const publicKey = contractRoute({
  method: "get",
  path: "/push/vapid-public-key",
  tags: ["geofence"],
  summary: "The VAPID public key a page subscribes to push with (applicationServerKey)",
  middleware: [sessionLimit, session],
  responses: {
    200: {
      description: "push is configured",
      content: {
        "application/json": { schema: z.object({ publicKey: z.string().describe("base64url, 65-byte uncompressed P-256 point") }) },
      },
    },
  },
  errors: ["push_not_configured"],
});

const subscribe = contractRoute({
  method: "post",
  path: "/push/subscriptions",
  tags: ["geofence"],
  summary: "Subscribe this browser to offers pushed near stores",
  description: `The body is what \`PushSubscription.toJSON()\` gives. One row per endpoint (subscribing again updates it, also for another shopper); a shopper keeps at most ${MAX_SUBSCRIPTIONS_PER_SHOPPER} browsers, the oldest beyond that replaced.`,
  middleware: [shopperWrite, addressLimit, session, shopperLimit],
  request: { body: { required: true, content: { "application/json": { schema: subscriptionSchema } } } },
  responses: {
    201: { description: "subscribed", content: { "application/json": { schema: z.object({ subscribed: z.literal(true) }) } } },
  },
  errors: ["push_not_configured", "dependency_unavailable"],
});

const unsubscribe = contractRoute({
  method: "delete",
  path: "/push/subscriptions",
  tags: ["geofence"],
  summary: "Stop pushing to this browser",
  middleware: [shopperWrite, addressLimit, session, shopperLimit],
  request: { body: { required: true, content: { "application/json": { schema: z.object({ endpoint }).openapi("PushUnsubscribe") } } } },
  responses: {
    200: {
      description: "the subscription is gone (`removed`: whether this shopper had it)",
      content: { "application/json": { schema: z.object({ removed: z.boolean() }) } },
    },
  },
  errors: ["dependency_unavailable"],
});

function requirePush(c: Context<AppEnv>): void {
  if (!pushConfigured(c.env)) throw new AppError("push_not_configured", "Web Push is off on this shop: VAPID keys are not configured");
}

async function inPostgres<T>(env: Env, work: Parameters<typeof withDatabase<T>>[1]): Promise<T> {
  try {
    return await withDatabase(databaseSettings(env), work);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("dependency_unavailable", "push subscriptions could not be saved; try again shortly");
  }
}

/** Web Push subscriptions for "offers near me" (issue 15). */
export const push = contractApp()
  .openapi(publicKey, (c) => {
    requirePush(c);
    c.header("Cache-Control", "no-store");
    return c.json({ publicKey: c.env.VAPID_PUBLIC_KEY }, 200);
  })
  .openapi(subscribe, async (c) => {
    requirePush(c);
    const { endpoint, keys } = c.req.valid("json");
    const shopperId = c.get("shopperId");
    await inPostgres(c.env, async (db) => {
      const row = { shopperId, p256dh: keys.p256dh, auth: keys.auth, createdAt: new Date(), lastSuccessAt: null, failures: 0 };
      await db
        .insert(pushSubscriptions)
        .values({ endpoint, ...row })
        .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: row });
      const kept = await db
        .select({ endpoint: pushSubscriptions.endpoint })
        .from(pushSubscriptions)
        .where(eq(pushSubscriptions.shopperId, shopperId))
        .orderBy(desc(pushSubscriptions.createdAt))
        .limit(MAX_SUBSCRIPTIONS_PER_SHOPPER);
      await db.delete(pushSubscriptions).where(
        and(
          eq(pushSubscriptions.shopperId, shopperId),
          notInArray(
            pushSubscriptions.endpoint,
            kept.map((k) => k.endpoint),
          ),
        ),
      );
    });
    return c.json({ subscribed: true as const }, 201);
  })
  .openapi(unsubscribe, async (c) => {
    const { endpoint } = c.req.valid("json");
    const removed = await inPostgres(c.env, async (db) =>
      db
        .delete(pushSubscriptions)
        .where(and(eq(pushSubscriptions.endpoint, endpoint), eq(pushSubscriptions.shopperId, c.get("shopperId"))))
        .returning({ endpoint: pushSubscriptions.endpoint }),
    );
    return c.json({ removed: removed.length > 0 }, 200);
  });
