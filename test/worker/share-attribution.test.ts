import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ShopperEvent } from "../../src/events/event.ts";
import { eventMessage } from "../../src/events/event-message.ts";
import { ATTRIBUTION_WINDOW_MS } from "../../src/share/attribution.ts";
import { consumeEvents } from "../../workers/events/consume.ts";
import type { EventsEnv } from "../../workers/events/env.ts";
import { withPostgres } from "./postgres-support.ts";

/**
 * Attribution of paid orders (issue 14) in the events consumer, against the test stack's
 * Postgres: for each `order_paid` of a batch, the buyer's latest landing within 7 days before
 * the order (last touch, src/share/attribution.ts) is credited with an `order` edge, in the
 * batch's transaction, once. Landings are written straight into `share_landings` at chosen
 * times, so the window's edge can be tested to the millisecond.
 */

const eventsEnv = env as unknown as EventsEnv;

interface Landing {
  shopperId: string;
  referrerId: string | null;
  campaign: string | null;
  at: number;
  source?: string;
}

async function addLandings(...landings: Landing[]): Promise<void> {
  await withPostgres(async (pool) => {
    for (const landing of landings) {
      await pool.query(
        "insert into share_landings (shopper_id, referral_code, referrer_id, utm_source, utm_medium, utm_campaign, landed_at) values ($1, $2, $3, $4, 'referral', $5, $6)",
        [
          landing.shopperId,
          landing.referrerId ? "abcdefghijkl" : null,
          landing.referrerId,
          landing.source ?? "link",
          landing.campaign,
          new Date(landing.at).toISOString(),
        ],
      );
    }
  });
}

function paid(shopperId: string, at: number, amount = 19_900, orderId = `ord_${crypto.randomUUID()}`): ShopperEvent {
  return { id: `${orderId}:paid`, type: "order_paid", shopperId, at, device: "phone", sku: "demo-earbuds", orderId, qty: 1, amount };
}

/** A queue batch of one message per group of events, as Cloudflare Queues delivers it. */
function batchOf(...groups: ShopperEvent[][]) {
  const acked: string[] = [];
  const retried: string[] = [];
  const messages = groups.map((events) => {
    const id = crypto.randomUUID();
    return {
      id,
      timestamp: new Date(),
      attempts: 1,
      body: eventMessage(events),
      ack: () => acked.push(id),
      retry: () => retried.push(id),
    };
  });
  const batch = { queue: "shopper-events", messages, ackAll() {}, retryAll() {} } as unknown as MessageBatch<unknown>;
  return { batch, acked, retried };
}

async function orderEdges(buyerId: string) {
  return withPostgres(
    async (pool) =>
      (
        await pool.query(
          "select campaign, inviter_id, invitee_id, kind, order_id, amount::int as amount, tree_edge from propagation_edges where invitee_id = $1 and kind = 'order' order by id",
          [buyerId],
        )
      ).rows,
  );
}

const id = (name: string) => `shp_${name}${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;

describe("attribution of paid orders in the events consumer", () => {
  it("credits the latest landing within 7 days before the order: an order edge to its referrer and campaign, once", async () => {
    const [friendA, friendB, buyer] = [id("a"), id("b"), id("buyer")];
    const now = Date.now();
    await addLandings(
      { shopperId: buyer, referrerId: friendA, campaign: "d11-a", at: now - 3 * 86_400_000 },
      { shopperId: buyer, referrerId: friendB, campaign: "d11-b", at: now - 86_400_000 },
      // After the order: it cannot have caused it.
      { shopperId: buyer, referrerId: friendA, campaign: "d11-late", at: now + 1_000 },
    );
    const order = paid(buyer, now, 29_900);
    const { batch, acked, retried } = batchOf([order]);
    await consumeEvents(batch, eventsEnv, now);
    expect(retried).toEqual([]);
    expect(acked).toHaveLength(1);
    const expected = {
      campaign: "d11-b",
      inviter_id: friendB,
      invitee_id: buyer,
      kind: "order",
      order_id: (order as { orderId: string }).orderId,
      amount: 29_900,
      // No visit edge placed the buyer in this campaign (the landings were written directly), so the order edge is the first: a tree edge.
      tree_edge: true,
    };
    expect(await orderEdges(buyer)).toEqual([expected]);

    // Delivered again (the queue's at-least-once), in a batch with itself: still one edge.
    await consumeEvents(batchOf([order], [order]).batch, eventsEnv, now);
    expect(await orderEdges(buyer)).toHaveLength(1);
  });

  it("keeps the window's edge: a landing exactly 7 days before is out, a millisecond later is in", async () => {
    const [sharer, outBuyer, inBuyer] = [id("s"), id("out"), id("in")];
    const now = Date.now();
    await addLandings(
      { shopperId: outBuyer, referrerId: sharer, campaign: "edge", at: now - ATTRIBUTION_WINDOW_MS },
      { shopperId: inBuyer, referrerId: sharer, campaign: "edge", at: now - ATTRIBUTION_WINDOW_MS + 1 },
    );
    await consumeEvents(batchOf([paid(outBuyer, now), paid(inBuyer, now)]).batch, eventsEnv, now);
    expect(await orderEdges(outBuyer)).toEqual([]);
    expect(await orderEdges(inBuyer)).toEqual([expect.objectContaining({ campaign: "edge", inviter_id: sharer })]);
  });

  it("never credits a self-referral, nor takes the credit from the friend before it; an ad landing credits no one", async () => {
    const [friend, buyer, adBuyer] = [id("f"), id("self"), id("ad")];
    const now = Date.now();
    await addLandings(
      { shopperId: buyer, referrerId: friend, campaign: "self-test", at: now - 2 * 3_600_000 },
      // A self-referral row (the landing route refuses these; older data or another writer might not).
      { shopperId: buyer, referrerId: buyer, campaign: "self-test", at: now - 3_600_000 },
      { shopperId: adBuyer, referrerId: null, campaign: "ads", at: now - 3_600_000, source: "weibo" },
    );
    await consumeEvents(batchOf([paid(buyer, now)], [paid(adBuyer, now)]).batch, eventsEnv, now);
    expect(await orderEdges(buyer)).toEqual([expect.objectContaining({ campaign: "self-test", inviter_id: friend })]);
    expect(await orderEdges(adBuyer)).toEqual([]);
  });

  it("credits nothing without a landing, and leaves other events as they were", async () => {
    const buyer = id("none");
    const now = Date.now();
    const view: ShopperEvent = { id: crypto.randomUUID(), type: "page_view", shopperId: buyer, at: now, device: "desktop" };
    await consumeEvents(batchOf([paid(buyer, now), view]).batch, eventsEnv, now);
    expect(await orderEdges(buyer)).toEqual([]);
    const stored = await withPostgres(
      async (pool) => (await pool.query("select type from events where shopper_id = $1 order by type", [buyer])).rows,
    );
    expect(stored).toEqual([{ type: "order_paid" }, { type: "page_view" }]);
  });
});
