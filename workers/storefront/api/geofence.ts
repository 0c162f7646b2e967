import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { redisSettings } from "../../../src/config.ts";
import { AppError } from "../../../src/errors.ts";
import { GeofenceMemory } from "../../../src/geo/geofence-memory.ts";
import { ENTER_METERS, type FenceStep, LEAVE_METERS, MAX_ACCURACY_METERS, stepFences } from "../../../src/geo/geofence.ts";
import { StoreIndex, type StoreDistance } from "../../../src/geo/store-index.ts";
import { chooseLang, format, messages } from "../../../src/i18n/messages.ts";
import type { PushNotice } from "../../../src/push/push-request.ts";
import { redactSecrets } from "../../../src/redact.ts";
import { openRedis } from "../../../src/redis/client.ts";
import type { Store } from "../../../src/stores/store.ts";
import { withTimeout } from "../../../src/timeout.ts";
import type { AppEnv } from "../app-env.ts";
import { contractApp, contractRoute } from "../contract/route.ts";
import { noStore } from "../contract/no-store.ts";
import { LANG_COOKIE } from "../pages/lang.ts";
import { int } from "../contract/units.ts";
import { deliverPush, pushConfigured } from "./push-delivery.ts";
import { addressLimit, shopperLimit } from "./rate-limit.ts";
import { session } from "./session.ts";
import { edgeClock } from "./sku-object.ts";
import { activeStores } from "./store-directory.ts";
import { type StoreOffer, storeOffers } from "./store-offers.ts";
import { shopperWrite } from "./validation.ts";

/**
 * "Offers near me" (issue 15): a page that the shopper opted in on sends coarse location pings
 * while it is open; each ping is measured against the stores (the H3 index, src/geo), moves the
 * shopper's fences (enter at ≤ 500 m, leave beyond 600 m) and, on entering, claims the day's one
 * push for that store (Redis SET NX, the store's local day). A won claim is pushed to the
 * shopper's subscribed browsers after the answer (waitUntil) and listed in the answer, which the
 * open page shows itself.
 *
 * Pings count as shopper writes (the write limits per address and per shopper), and no more:
 * the page sends at most one every 15 s (web/client/shared/near-me.ts), a ping costs one
 * pipelined Redis read and nothing else unless a fence moved, and correctness never depends on
 * their rate (the cap is exact whatever the number of pings at once).
 *
 * Redis not answering within GEOFENCE_REDIS_WAIT_MS is no error: the answer lists the stores
 * within 500 m, and nothing is pushed (no cap could be claimed).
 */
export const GEOFENCE_REDIS_WAIT_MS = 500;

const pingSchema = z
  .object({
    latitude: z.number().min(-90).max(90).describe("degrees north, WGS 84; the page rounds it to 3 decimals (~100 m)"),
    longitude: z.number().min(-180).max(180).describe("degrees east"),
    accuracy: z
      .number()
      .nonnegative()
      .max(1_000_000)
      .optional()
      .describe(`the fix's accuracy in metres, as the browser reports it; a fix vaguer than ${MAX_ACCURACY_METERS} m moves no fence`),
  })
  .openapi("GeoPing");

const nearbySchema = z
  .object({
    store: z
      .object({ id: z.string(), name: z.string(), address: z.string(), city: z.string(), latitude: z.number(), longitude: z.number() })
      .openapi("NearbyStore"),
    distanceMeters: int.nonnegative().describe("great-circle distance, rounded to the metre"),
    coupons: z
      .array(
        z.object({
          templateId: z.string(),
          title: z.string(),
          description: z.string(),
          livestreamId: z.string().nullable().describe("the livestream the coupon comes from"),
          couponId: z.string().nullable().describe("the shopper's own coupon, redeemable in this store now; null: one to claim on air"),
          url: z.string().describe("where to go: the wallet for the shopper's own coupon, else the livestream"),
        }),
      )
      .describe('what the store offers now (empty: the store alone, "a store near you")'),
  })
  .openapi("NearbyStoreOffer");

const ping = contractRoute({
  method: "post",
  path: "/geo/pings",
  tags: ["geofence"],
  summary: 'A location ping from a page with "offers near me" on',
  description: `Finds the stores near the point and moves the shopper's fences: entering a store's (within ${ENTER_METERS} m) pushes its offer, at most once per store per shopper per day (the store's local day); leaving takes more than ${LEAVE_METERS} m. \`nearby\`: the stores the shopper is inside now, nearest first; \`pushed\`: those whose offer this ping pushed (to the shopper's subscribed browsers, and for the page to show). Without Redis the answer lists the stores within ${ENTER_METERS} m and pushes nothing.`,
  middleware: [shopperWrite, addressLimit, session, shopperLimit],
  request: { body: { required: true, content: { "application/json": { schema: pingSchema } } } },
  responses: {
    200: {
      description: "the stores near the shopper",
      headers: noStore("a shopper's own position"),
      content: {
        "application/json": {
          schema: z
            .object({
              nearby: z.array(nearbySchema),
              pushed: z.array(nearbySchema).describe("the nearby stores whose offer this ping pushed"),
              degraded: z.boolean().describe("true: Redis did not answer, so no fence moved and nothing was pushed"),
            })
            .openapi("GeoPingResult"),
        },
      },
    },
  },
  errors: ["dependency_unavailable"],
});

/** Per isolate: the index of the store list activeStores last returned (a new list, a new index). */
const indexes = new WeakMap<Store[], StoreIndex>();

async function storeIndex(env: Env): Promise<StoreIndex> {
  let stores: Store[];
  try {
    stores = await activeStores(env);
  } catch (error) {
    console.error(`geofence: stores not read (${redactSecrets(error instanceof Error ? error.message : String(error))})`);
    throw new AppError("dependency_unavailable", "the store list could not be read; try again shortly");
  }
  let index = indexes.get(stores);
  if (!index) {
    index = new StoreIndex(stores);
    indexes.set(stores, index);
  }
  return index;
}

/**
 * The stores the shopper is inside after this ping, and those whose push for today this ping
 * won. `late.given` is set once the route stopped waiting: a read that answers after that claims
 * nothing, so a slow Redis does not spend the day's push on an answer that never mentions it.
 */
async function moveFences(
  shopperId: string,
  near: StoreDistance[],
  accuracy: number | undefined,
  memory: GeofenceMemory,
  now: number,
  late: { given: boolean },
) {
  const before = await memory.insideOf(shopperId);
  if (late.given) throw new Error("Redis answered after the ping gave up");
  const step: FenceStep = stepFences(before, new Map(near.map((n) => [n.store.id, n.distanceMeters])), accuracy);
  const entered = near.filter((n) => step.entered.includes(n.store.id));
  const [won] = await Promise.all([
    Promise.all(entered.map(async ({ store }) => ((await memory.claimPush(shopperId, store, now)) ? store.id : null))),
    memory.remember(shopperId, step, now),
  ]);
  return { inside: step.inside, pushed: new Set(won.filter((id): id is string => id !== null)) };
}

function noticeFor(c: Context<AppEnv>, store: Store, offers: StoreOffer[]): PushNotice {
  // The shopper's language as the pages choose it: the remembered choice, then Accept-Language.
  const text = messages(chooseLang(getCookie(c, LANG_COOKIE), c.req.header("Accept-Language")));
  const first = offers[0];
  return {
    title: format(text.nearMe_pushTitle, { store: store.name }),
    body: first ? first.title : format(text.nearMe_pushStoreOnly, { address: store.address }),
    url: first ? first.url : `/stores#${encodeURIComponent(store.id)}`,
    tag: `near-${store.id}`,
  };
}

/** The geofence's route. */
export const geofence = contractApp().openapi(ping, async (c) => {
  const point = c.req.valid("json");
  const shopperId = c.get("shopperId");
  const now = edgeClock.now();
  const near = (await storeIndex(c.env)).within(point, LEAVE_METERS);
  let fences: { inside: Set<string>; pushed: Set<string> } | null = null;
  const late = { given: false };
  try {
    const memory = new GeofenceMemory(openRedis(redisSettings(c.env)));
    fences = await withTimeout(moveFences(shopperId, near, point.accuracy, memory, now, late), GEOFENCE_REDIS_WAIT_MS);
  } catch (error) {
    late.given = true;
    console.error(
      `geofence: Redis did not answer (${redactSecrets(error instanceof Error ? error.message : String(error))}); nothing pushed`,
    );
  }
  const inside = near.filter((n) => (fences ? fences.inside.has(n.store.id) : n.distanceMeters <= ENTER_METERS));
  const offers = await Promise.all(inside.map(async (n) => ({ ...n, coupons: await storeOffers(c.env, shopperId, n.store.id) })));
  const won = offers.filter((offer) => fences?.pushed.has(offer.store.id));
  if (won.length > 0 && pushConfigured(c.env)) {
    const notices = won.map((offer) => noticeFor(c, offer.store, offer.coupons));
    // After the answer: the shopper's page shows the offer itself at once; the push is for when it is hidden.
    c.executionCtx.waitUntil(
      deliverPush(c.env, shopperId, notices, now).catch((error: Error) => {
        console.error(`web push: not delivered (${redactSecrets(error.message)})`);
      }),
    );
  }
  const nearby = offers.map(presentNearby);
  const pushed = won.map(presentNearby);
  c.header("Cache-Control", "no-store");
  return c.json({ nearby, pushed, degraded: fences === null }, 200);
});

/** A store near the shopper as the answer lists it. */
function presentNearby({ store, distanceMeters, coupons }: StoreDistance & { coupons: StoreOffer[] }): z.output<typeof nearbySchema> {
  const { id, name, address, city, latitude, longitude } = store;
  return { store: { id, name, address, city, latitude, longitude }, distanceMeters: Math.round(distanceMeters), coupons };
}
