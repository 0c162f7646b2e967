import pg from "pg";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildProductionBundle, EVENTS_CONSUMER_CONFIG, runBundle } from "../../scripts/local/worker-bundle.ts";
import type { ShopperProfile } from "../../src/profile/shopper-profile.ts";

/**
 * The events path as deployed, on workerd: the storefront bundle and the events consumer bundle,
 * two Workers, with a real (Miniflare) queue between them and its dead-letter queue, against
 * the test stack's Postgres.
 */
describe("shopper events through Cloudflare Queues", () => {
  let mf: Miniflare;
  let db: pg.Pool;

  beforeAll(async () => {
    const [storefront, consumer] = await Promise.all([buildProductionBundle(), buildProductionBundle(undefined, EVENTS_CONSUMER_CONFIG)]);
    mf = runBundle(storefront, inject("stackVars"), { eventsConsumer: consumer });
    await mf.ready;
    db = new pg.Pool({ connectionString: inject("stackVars").DATABASE_URL, max: 1 });
  });
  afterAll(async () => {
    await db?.end();
    await mf?.dispose();
  });

  /** Polls Postgres (the queue delivers within its batch timeout, 1 s here) until `done` or 20 s. */
  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("a beacon's events reach Postgres by way of the queue and the consumer Worker", async () => {
    const session = await mf.dispatchFetch("http://shop.test/api/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
    });
    const cookie = session.headers.get("Set-Cookie")!.split(";")[0]!;
    const { shopperId } = (await session.json()) as { shopperId: string };
    const now = Date.now();
    const response = await mf.dispatchFetch("http://shop.test/api/events", {
      method: "POST",
      headers: { "Content-Type": "application/json", Cookie: cookie, "Sec-CH-UA-Mobile": "?1" },
      body: JSON.stringify({
        sentAt: now,
        events: [
          {
            id: crypto.randomUUID(),
            type: "product_view",
            at: now - 500,
            sku: "demo-earbuds",
            category: "audio",
            utm: { source: "wechat", campaign: "d11" },
          },
          { id: crypto.randomUUID(), type: "share", at: now - 100, sku: "demo-earbuds", channel: "wechat" },
        ],
      }),
    });
    expect(response.status).toBe(202);
    const rows = await until(
      async () => (await db.query("select type, device, utm, props from events where shopper_id = $1 order by type", [shopperId])).rows,
      (found) => found.length === 2,
    );
    expect(rows).toEqual([
      { type: "product_view", device: "phone", utm: { source: "wechat", campaign: "d11" }, props: {} },
      { type: "share", device: "phone", utm: null, props: { channel: "wechat" } },
    ]);
    // And the consumer put the view in the shopper's window in Redis, which the profile reads.
    const profile = await until(
      async () =>
        (await (await mf.dispatchFetch("http://shop.test/api/me/profile", { headers: { Cookie: cookie } })).json()) as ShopperProfile,
      (answer) => (answer.window?.distinct ?? 0) > 0,
    );
    expect(profile.window).toEqual({
      minutes: 30,
      products: [{ sku: "demo-earbuds", category: "audio", viewedAt: expect.any(Number) }],
      distinct: 1,
      latestCategory: "audio",
    });
    expect(profile.lifetime.firstSeen).toBe(profile.window?.products[0]?.viewedAt);
  });

  it("a paid order is credited to the share link its buyer landed through (issue 14): an order edge, by way of the queue", async () => {
    const post = async (path: string, body: unknown, cookie = "") => {
      const response = await mf.dispatchFetch(`http://shop.test${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(cookie ? { Cookie: cookie } : {}) },
        body: JSON.stringify(body),
      });
      return { response, cookie: cookie || response.headers.get("Set-Cookie")!.split(";")[0]! };
    };
    const sharer = await post("/api/session", {});
    const sharerId = ((await sharer.response.json()) as { shopperId: string }).shopperId;
    const campaign = `it-${crypto.randomUUID().slice(0, 8)}`;
    const link = await post("/api/share/links", { path: "/sales/demo-earbuds", campaign, sku: "demo-earbuds" }, sharer.cookie);
    expect(link.response.status).toBe(201);
    const { url } = (await link.response.json()) as { url: string };
    const buyer = await post("/api/session", {});
    const buyerId = ((await buyer.response.json()) as { shopperId: string }).shopperId;
    const landed = await post("/api/share/landings", { url }, buyer.cookie);
    expect(await landed.response.json()).toMatchObject({ recorded: true, referred: true, edge: "tree" });

    // The order's outbox sends its paid event on the queue; the consumer credits it in the batch's transaction.
    const orderId = `ord_demo-earbuds_${crypto.randomUUID().slice(0, 8)}`;
    const queue = await mf.getQueueProducer("EVENTS", "storefront");
    const at = Date.now();
    await queue.send({
      v: 1,
      events: [
        {
          id: `${orderId}:paid`,
          type: "order_paid",
          shopperId: buyerId,
          at,
          device: "phone",
          sku: "demo-earbuds",
          orderId,
          qty: 1,
          amount: 19_900,
        },
      ],
      dropped: {},
    });
    const edges = await until(
      async () =>
        (
          await db.query(
            "select inviter_id, invitee_id, kind, order_id, amount::int as amount, tree_edge from propagation_edges where campaign = $1 order by id",
            [campaign],
          )
        ).rows,
      (found) => found.length === 2,
    );
    expect(edges).toEqual([
      { inviter_id: sharerId, invitee_id: buyerId, kind: "visit", order_id: null, amount: null, tree_edge: true },
      { inviter_id: sharerId, invitee_id: buyerId, kind: "order", order_id: orderId, amount: 19_900, tree_edge: false },
    ]);
  });

  it("a poison message is retried, then kept from the dead-letter queue, and the queue goes on", async () => {
    const queue = await mf.getQueueProducer("EVENTS", "storefront");
    const marker = crypto.randomUUID();
    await queue.send({ poison: marker });
    const kept = await until(
      async () => (await db.query("select body from event_dead_letters where body->>'poison' = $1", [marker])).rows,
      (found) => found.length === 1,
    );
    expect(kept).toEqual([{ body: { poison: marker } }]);
  });
});
