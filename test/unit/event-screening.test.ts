import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BROWSER_TYPES, MAX_EVENT_BYTES, SERVER_TYPES, shopperEventSchema } from "../../src/events/event.ts";
import { readEventMessage } from "../../src/events/read-message.ts";
import { CONSUMER_FUTURE_TOLERANCE_MS, MAX_EVENT_AGE_MS, screenBeacon, screenStoredEvent } from "../../src/events/screening.ts";

const sender = { shopperId: "shp_test", device: "phone" as const, receivedAt: 1_800_000_000_000 };
const view = (at: number, extra: Record<string, unknown> = {}) => ({
  id: crypto.randomUUID(),
  type: "product_view",
  at,
  sku: "sku-a",
  category: "shoes",
  ...extra,
});

describe("a beacon's events, screened", () => {
  it("move to the server's clock by the beacon's own sending time, whatever the page's clock says", () => {
    // The page's clock is 1 h slow: it says it sent at 1_000_000 and the view was 4 s earlier.
    const { accepted, dropped } = screenBeacon({ sentAt: 1_000_000, events: [view(996_000)] }, sender);
    expect(dropped).toEqual({});
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({ at: sender.receivedAt - 4_000, shopperId: "shp_test", device: "phone", sku: "sku-a" });
    expect(shopperEventSchema.safeParse(accepted[0]).success).toBe(true);
  });

  it("drop and count each bad event on its own, keeping the good ones", () => {
    const sentAt = 5_000_000_000;
    const { accepted, dropped } = screenBeacon(
      {
        sentAt,
        events: [
          view(sentAt - 10),
          { ...view(sentAt), type: "teleport" },
          { ...view(sentAt), type: "order_paid", orderId: "ord_x", qty: 1, amount: 1 },
          { ...view(sentAt), sku: "NOT A SKU" },
          { ...view(sentAt), shopperId: "someone-else" },
          view(sentAt, { category: "x".repeat(MAX_EVENT_BYTES) }),
          view(sentAt + 60_000),
          view(sentAt - MAX_EVENT_AGE_MS - 1),
          "not even an object",
          null,
        ],
      },
      sender,
    );
    expect(accepted).toHaveLength(1);
    expect(dropped).toEqual({ unknown_type: 3, server_only: 1, invalid: 2, oversized: 1, future: 1, stale: 1 });
  });

  it("never let the client choose the shopper or the device", () => {
    const { accepted, dropped } = screenBeacon({ sentAt: 1, events: [{ ...view(1), device: "desktop" }] }, sender);
    expect(accepted).toEqual([]);
    expect(dropped).toEqual({ invalid: 1 });
  });

  it("accept an event at the edge of the tolerances and drop it just past them", () => {
    const sentAt = 10_000_000_000;
    const edge = screenBeacon({ sentAt, events: [view(sentAt + 1_000), view(sentAt - MAX_EVENT_AGE_MS)] }, sender);
    expect(edge.dropped).toEqual({});
    const past = screenBeacon({ sentAt, events: [view(sentAt + 1_001), view(sentAt - MAX_EVENT_AGE_MS - 1)] }, sender);
    expect(past.dropped).toEqual({ future: 1, stale: 1 });
  });

  it("account for every event: accepted plus dropped is what came (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.anything(),
            fc.constantFrom(...BROWSER_TYPES).map((type) => ({ ...view(1000), type })),
          ),
          { minLength: 1, maxLength: 50 },
        ),
        (events) => {
          const { accepted, dropped } = screenBeacon({ sentAt: 1_000, events }, sender);
          const droppedCount = Object.values(dropped).reduce((sum, n) => sum + (n ?? 0), 0);
          expect(accepted.length + droppedCount).toBe(events.length);
          for (const event of accepted) expect(shopperEventSchema.safeParse(event).success).toBe(true);
        },
      ),
    );
  });
});

describe("the consumer's reading of a queue message", () => {
  const now = 1_800_000_000_000;
  const stored = (at: number) => ({ ...view(at), shopperId: "shp_1", device: "desktop" });

  it("keeps good events, counts bad ones with the edge's drops, and names a poison envelope", () => {
    const reading = readEventMessage(
      { v: 1, events: [stored(now), stored(now + CONSUMER_FUTURE_TOLERANCE_MS + 1), { type: "nope" }], dropped: { invalid: 2 } },
      now,
    );
    expect(reading).toMatchObject({ dropped: { invalid: 2, future: 1, unknown_type: 1 } });
    expect("events" in reading && reading.events).toHaveLength(1);
    expect(readEventMessage({ v: 2, events: [] }, now)).toMatchObject({ poison: expect.stringMatching(/v/) });
    expect(readEventMessage("garbage", now)).toHaveProperty("poison");
  });

  it("takes the server's types the browser may not send", () => {
    for (const type of SERVER_TYPES.filter((t) => t.startsWith("order_"))) {
      const event = {
        id: `ord_sku-a_x:${type}`,
        type,
        shopperId: "shp_1",
        device: "unknown",
        at: now,
        sku: "sku-a",
        orderId: "ord_x",
        qty: 1,
        amount: 29_950,
      };
      expect(screenStoredEvent(event, now), type).toHaveProperty("event");
    }
  });
});
