import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { ShopperEvent } from "../../src/events/event.ts";
import { eventMessage } from "../../src/events/event-message.ts";
import type { EventsOverview } from "../../src/events/events-overview.ts";
import type { RecentEvent } from "../../src/events/recent-events.ts";
import type { ShopperProfile } from "../../src/profile/shopper-profile.ts";
import consumer from "../../workers/events/index.ts";
import { asOwner, call, errorOf, makeApiKey } from "./staff-support.ts";
import { Shopper } from "./support.ts";

/**
 * The console's shopper routes (issue 13): a shopper's profile and latest events by id, and
 * the events overview; who may read them (test/worker/staff-roles.test.ts sweeps every role).
 */
const MINUTE = 60_000;

async function consume(messages: Array<{ body: unknown }>, queue = "shopper-events") {
  const batch = createMessageBatch(
    queue,
    messages.map((m) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, ...m })),
  );
  await consumer.queue(batch, env as never);
}

/** Event `n` of a shopper: a product view when `n` is even, a page view when odd. */
function event(shopperId: string, n: number, at: number): ShopperEvent {
  const context = {
    id: `adm-${shopperId}-${n}`,
    shopperId,
    device: "tablet" as const,
    at,
    page: `/sales/sku-${n}?utm_source=wechat`,
    utm: { source: "wechat", campaign: "double11" },
  };
  return n % 2 === 0 ? { ...context, type: "product_view", sku: `sku-${n}`, category: "shoes" } : { ...context, type: "page_view" };
}

describe("GET /admin/api/shoppers/{id}/…", () => {
  it("shows staff the profile the shopper sees, and their latest events newest first", async () => {
    const shopper = await Shopper.create();
    const now = Date.now();
    await consume([{ body: eventMessage(Array.from({ length: 60 }, (_, n) => event(shopper.id, n, now - (60 - n) * 1000))) }]);

    const own = await (await shopper.request("/api/me/profile")).json<ShopperProfile>();
    const response = await asOwner(`/shoppers/${shopper.id}/profile`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const seen = await response.json<ShopperProfile>();
    expect({ ...seen, serverTime: 0 }).toEqual({ ...own, serverTime: 0 });
    expect(seen.window?.distinct).toBe(30);

    const listed = await asOwner(`/shoppers/${shopper.id}/events`);
    expect(listed.status).toBe(200);
    const { shopperId, events } = await listed.json<{ shopperId: string; events: RecentEvent[] }>();
    expect(shopperId).toBe(shopper.id);
    expect(events).toHaveLength(50);
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: 50 }, (_, i) => `adm-${shopper.id}-${59 - i}`));
    expect(events[1]).toMatchObject({
      type: "product_view",
      at: now - 2_000,
      sku: "sku-58",
      category: "shoes",
      page: "/sales/sku-58?utm_source=wechat",
      device: "tablet",
      utm: { source: "wechat", campaign: "double11" },
    });
    const five = await (await asOwner(`/shoppers/${shopper.id}/events?limit=5`)).json<{ events: RecentEvent[] }>();
    expect(five.events).toHaveLength(5);
    expect((await asOwner(`/shoppers/${shopper.id}/events?limit=0`)).status).toBe(400);
  });

  it("answers an empty profile for a well-formed id of nobody, and 404 for what cannot be a shopper id", async () => {
    const nobody = `shp_${crypto.randomUUID()}`;
    expect(await (await asOwner(`/shoppers/${nobody}/profile`)).json<ShopperProfile>()).toMatchObject({
      shopperId: nobody,
      window: { products: [], distinct: 0 },
      lifetime: { firstSeen: null, paidOrders: 0, spend: 0, favouriteCategories: [] },
    });
    expect(await (await asOwner(`/shoppers/${nobody}/events`)).json()).toEqual({ shopperId: nobody, events: [] });
    for (const id of ["ord_x", "shp_", "shp_a%20b", `shp_${"x".repeat(93)}`]) {
      const response = await asOwner(`/shoppers/${id}/profile`);
      expect(response.status, id).toBe(404);
      expect((await errorOf(response)).code).toBe("not_found");
    }
  });

  it("refuses roles that do not read shoppers, and answers 503 without Postgres", async () => {
    const integration = await makeApiKey("integration");
    const refused = await call(`/shoppers/shp_${crypto.randomUUID()}/profile`, { bearer: integration.key });
    expect(refused.status).toBe(403);
    expect(await errorOf(refused)).toMatchObject({ code: "forbidden", admits: ["owner", "marketer", "analyst", "adviser"] });
    const adviser = await makeApiKey("adviser");
    expect((await call("/events/overview", { bearer: adviser.key })).status).toBe(200);

    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const down = { DATABASE_URL: "postgres://nobody:wrong@127.0.0.1:1/none" };
      for (const path of [
        `/shoppers/shp_${crypto.randomUUID()}/events`,
        "/events/overview",
        `/shoppers/shp_${crypto.randomUUID()}/profile`,
      ]) {
        const response = await asOwner(path, { env: down });
        expect(response.status, path).toBe(503);
        expect((await errorOf(response)).code).toBe("dependency_unavailable");
      }
    } finally {
      log.mockRestore();
    }
  });
});

describe("GET /admin/api/events/overview", () => {
  it("counts the last 24 hours' events per type, today's drops by reason and the dead letters", async () => {
    const before = await (await asOwner("/events/overview")).json<EventsOverview>();
    const shopperId = `shp_${crypto.randomUUID()}`;
    const now = Date.now();
    await consume([
      {
        body: eventMessage(
          [
            event(shopperId, 0, now - MINUTE),
            event(shopperId, 1, now - MINUTE),
            event(shopperId, 2, now - 25 * 60 * MINUTE), // more than a day ago: not counted
          ],
          { oversized: 2, future: 1 },
        ),
      },
    ]);
    await consume([{ body: { not: "an event message" } }], "shopper-events-dlq");

    const response = await asOwner("/events/overview");
    expect(response.status).toBe(200);
    const after = await response.json<EventsOverview>();
    expect(after.since).toBeGreaterThanOrEqual(now - 24 * 60 * MINUTE);
    const countOf = (o: EventsOverview, type: string) => o.byType.find((t) => t.type === type)?.events;
    expect(countOf(after, "product_view")! - countOf(before, "product_view")!).toBe(1);
    expect(countOf(after, "page_view")! - countOf(before, "page_view")!).toBe(1);
    expect(countOf(after, "coupon_redeemed")).toBeGreaterThanOrEqual(0);
    const today = new Date().toISOString().slice(0, 10);
    const drops = (o: EventsOverview, reason: string) => o.drops.find((d) => d.day === today && d.reason === reason)?.count ?? 0;
    expect(drops(after, "oversized") - drops(before, "oversized")).toBe(2);
    expect(drops(after, "future") - drops(before, "future")).toBe(1);
    expect(after.deadLetters - before.deadLetters).toBe(1);
  });
});
