import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { redisSettings } from "../../src/config.ts";
import type { ShopperEvent } from "../../src/events/event.ts";
import { eventMessage } from "../../src/events/event-message.ts";
import type { ShopperProfile } from "../../src/profile/shopper-profile.ts";
import { viewsKey } from "../../src/profile/view-set.ts";
import { ViewWindowStore } from "../../src/profile/view-window-store.ts";
import { openRedis } from "../../src/redis/client.ts";
import consumer from "../../workers/events/index.ts";
import worker from "../../workers/storefront/index.ts";
import { eventually, withPostgres } from "./postgres-support.ts";
import { type ApiError, placeOrder, Shopper } from "./support.ts";

/**
 * Shoppers' profiles in workerd with the real bindings (issue 13): the events consumer fills the
 * 30-minute windows in Redis (through the local Upstash gateway) after Postgres, and
 * `GET /api/me/profile` answers the window and the lifetime facts, with Redis or Postgres down
 * too. The window's rules, against the issue's worked example and as a property, are
 * test/integration/profile-window.test.ts.
 */
const MINUTE = 60_000;
const DOWN = { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9", DATABASE_URL: "postgres://nobody:wrong@127.0.0.1:1/none" };

const productView = (shopperId: string, sku: string, category: string, at: number): ShopperEvent => ({
  id: crypto.randomUUID(),
  type: "product_view",
  shopperId,
  device: "phone",
  at,
  sku,
  category,
  page: `/sales/${sku}`,
});

/** Hands messages to the consumer Worker's queue handler, as Cloudflare Queues would. */
async function consume(events: ShopperEvent[], bindings: Partial<Env> = {}) {
  const batch = createMessageBatch("shopper-events", [
    { id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: eventMessage(events) },
  ]);
  const ctx = createExecutionContext();
  await consumer.queue(batch, { ...env, ...bindings } as never);
  return getQueueResult(batch, ctx);
}

async function profileOf(shopper: Shopper, bindings: Partial<Env> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.request(
    "https://shop.test/api/me/profile",
    { headers: { Cookie: shopper.cookie } },
    { ...env, ...bindings },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

const storedViews = (shopperId: string) =>
  withPostgres(
    async (pool) => (await pool.query("select id from events where shopper_id = $1 and type = 'product_view'", [shopperId])).rows,
  );

describe("the events consumer and the view windows", () => {
  it("puts a batch's product views in the shoppers' windows after writing them to Postgres", async () => {
    const now = Date.now();
    const [a, b] = [`shp_${crypto.randomUUID()}`, `shp_${crypto.randomUUID()}`];
    const result = await consume([
      productView(a, "sku-a", "shoes", now - 5 * MINUTE),
      productView(a, "sku-b", "bags", now - MINUTE),
      productView(a, "sku-a", "shoes", now - 2 * MINUTE),
      productView(b, "sku-c", "phones", now - 40 * MINUTE), // already out of the window
      { id: crypto.randomUUID(), type: "page_view", shopperId: b, device: "phone", at: now },
    ]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await storedViews(a)).toHaveLength(3);
    const store = new ViewWindowStore(openRedis(redisSettings(env)));
    expect(await store.read(a, Date.now())).toEqual({
      products: [
        { sku: "sku-b", category: "bags", at: now - MINUTE },
        { sku: "sku-a", category: "shoes", at: now - 2 * MINUTE },
      ],
      distinct: 2,
      latestCategory: "bags",
    });
    expect(await store.read(b, Date.now())).toEqual({ products: [], distinct: 0, latestCategory: null });
    expect(await openRedis(redisSettings(env)).exists(viewsKey(b))).toBe(0);
  });

  it("acknowledges the batch and keeps the Postgres write when Redis is down, saying so in the log", async () => {
    const shopperId = `shp_${crypto.randomUUID()}`;
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const result = await consume([productView(shopperId, "sku-a", "shoes", Date.now())], {
        UPSTASH_REDIS_REST_URL: DOWN.UPSTASH_REDIS_REST_URL,
      });
      expect(result.explicitAcks).toHaveLength(1);
      expect(result.retryMessages).toEqual([]);
      expect(log.mock.calls.flat().join(" ")).toMatch(/view windows missed this batch/);
    } finally {
      log.mockRestore();
    }
    expect(await storedViews(shopperId)).toHaveLength(1);
  });
});

describe("GET /api/me/profile", () => {
  it("answers a new shopper an empty profile, uncached", async () => {
    const shopper = await Shopper.create();
    const response = await profileOf(shopper);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const profile = await response.json<ShopperProfile>();
    expect(profile).toEqual({
      shopperId: shopper.id,
      serverTime: expect.any(Number),
      window: { minutes: 30, products: [], distinct: 0, latestCategory: null },
      lifetime: { firstSeen: null, paidOrders: 0, spend: 0, favouriteCategories: [] },
    });
  });

  it("answers the window and the lifetime facts: views, a paid order in its sale's category", async () => {
    const { sale, shopper, order } = await placeOrder();
    expect((await shopper.post(`/api/orders/${order.id}/pay`, {})).status).toBe(200);
    await eventually(
      () => withPostgres((pool) => pool.query("select 1 from events where id = $1", [`${order.id}:paid`])),
      (r) => r.rows.length === 1,
    );
    const now = Date.now();
    await consume([
      productView(shopper.id, "sku-shoe-1", "shoes", now - 3 * MINUTE),
      productView(shopper.id, "sku-shoe-2", "shoes", now - 2 * MINUTE),
      productView(shopper.id, "sku-bag-1", "bags", now - MINUTE),
      productView(shopper.id, "sku-bag-1", "bags", now - 50 * MINUTE),
    ]);
    const profile = await (await profileOf(shopper)).json<ShopperProfile>();
    expect(profile.window).toEqual({
      minutes: 30,
      products: [
        { sku: "sku-bag-1", category: "bags", viewedAt: now - MINUTE },
        { sku: "sku-shoe-2", category: "shoes", viewedAt: now - 2 * MINUTE },
        { sku: "sku-shoe-1", category: "shoes", viewedAt: now - 3 * MINUTE },
      ],
      distinct: 3,
      latestCategory: "bags",
    });
    expect(profile.lifetime).toEqual({
      firstSeen: now - 50 * MINUTE,
      paidOrders: 1,
      spend: order.totalAmount,
      // Bought first (its sale's category, from KV: never viewed), then by views, then by name.
      favouriteCategories: [
        { category: sale.category, purchases: 1, views: 0 },
        { category: "bags", purchases: 0, views: 2 },
        { category: "shoes", purchases: 0, views: 2 },
      ],
    });
  });

  it("answers without the window when Redis is down, and 503 dependency_unavailable when Postgres is", async () => {
    const shopper = await Shopper.create();
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const withoutRedis = await profileOf(shopper, { UPSTASH_REDIS_REST_URL: DOWN.UPSTASH_REDIS_REST_URL });
      expect(withoutRedis.status).toBe(200);
      expect(await withoutRedis.json<ShopperProfile>()).toMatchObject({ window: null, lifetime: { paidOrders: 0 } });

      const withoutPostgres = await profileOf(shopper, { DATABASE_URL: DOWN.DATABASE_URL });
      expect(withoutPostgres.status).toBe(503);
      const { error } = await withoutPostgres.json<ApiError>();
      expect(error.code).toBe("dependency_unavailable");
      expect(error.message).not.toMatch(/nobody|wrong/);
    } finally {
      log.mockRestore();
    }
  });
});
