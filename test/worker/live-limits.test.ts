import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LIVE_SOCKET_LIMITS } from "../../src/live/socket-limits.ts";
import { saleKey } from "../../src/sales/sale-config.ts";
import { connect } from "./live-support.ts";
import { advanceObjectClock, seedSale, Shopper, type ApiError } from "./support.ts";

describe("the live feed pushes phase changes (issue 10)", () => {
  it("pushes at the sale's start and at its end, with no order to trigger it", async () => {
    const sale = await seedSale({ startsAt: Date.now() + 3_600_000, endsAt: Date.now() + 7_200_000 });
    const feed = await connect(sale.sku);
    const first = await feed.next((m) => m.type === "snapshot");
    expect(first.type === "snapshot" && first.snapshot.phase).toBe("upcoming");

    // Moved in KV by other means once the shopper is listening: the object must schedule the
    // new start and end for its listeners. Its clock is then moved to each and its alarm run,
    // as the runtime would at those times.
    const startsAt = Date.now() + 60_000;
    await env.SALES.put(saleKey(sale.sku), JSON.stringify({ ...sale, startsAt, endsAt: startsAt + 60_000 }));
    const object = env.SKU_SALE.getByName(sale.sku);
    await object.reloadConfig();

    await advanceObjectClock(sale.sku, 60_000);
    expect(await runDurableObjectAlarm(object)).toBe(true);
    const live = await feed.next((m) => m.type === "snapshot" && m.snapshot.phase === "live");
    expect(live.type === "snapshot" && live.snapshot.serverTime).toBeGreaterThanOrEqual(startsAt);

    await advanceObjectClock(sale.sku, 60_000);
    expect(await runDurableObjectAlarm(object)).toBe(true);
    await feed.next((m) => m.type === "snapshot" && m.snapshot.phase === "ended");
    feed.socket.close(1000, "done");
  });
});

describe("one client cannot degrade a sale's live feed (issue 10)", () => {
  it("closes a socket that floods frames, having answered no more than its burst, while checkouts go on", async () => {
    const sale = await seedSale({ stock: 100, perShopperLimit: 1, tiers: [] });
    const flooder = await connect(sale.sku, "198.51.100.1");
    await flooder.next((m) => m.type === "snapshot");
    const shoppers = await Promise.all(Array.from({ length: 20 }, () => Shopper.create()));

    const frames = Array.from({ length: 500 }, (_, i) => JSON.stringify({ type: "ping", clientTime: i }));
    const checkouts = Promise.all(shoppers.map((s) => s.checkout(sale.sku, 1)));
    for (const frame of frames) flooder.socket.send(frame);

    expect(await flooder.closedWith()).toMatchObject({ code: 1008 });
    const pongs = flooder.received.filter((m) => m.type === "pong").length;
    expect(pongs).toBeGreaterThan(0);
    expect(pongs).toBeLessThanOrEqual(LIVE_SOCKET_LIMITS.burstFrames + 1);
    expect((await checkouts).map((r) => r.status)).toEqual(Array(20).fill(201));

    // Another shopper's feed is untouched.
    const other = await connect(sale.sku, "198.51.100.2");
    await other.next((m) => m.type === "snapshot");
    other.socket.send(JSON.stringify({ type: "ping", clientTime: 7 }));
    expect(await other.next((m) => m.type === "pong")).toMatchObject({ clientTime: 7 });
    other.socket.close(1000, "done");
  });

  it("closes a socket that sends a frame over the size limit, before parsing it", async () => {
    const sale = await seedSale();
    const feed = await connect(sale.sku, "198.51.100.3");
    await feed.next((m) => m.type === "snapshot");
    feed.socket.send(JSON.stringify({ type: "ping", clientTime: 1, pad: "x".repeat(LIVE_SOCKET_LIMITS.maxFrameBytes) }));
    expect(await feed.closedWith()).toMatchObject({ code: 1009 });
    expect(feed.received.filter((m) => m.type !== "snapshot")).toEqual([]);
  });

  it("refuses more sockets per client than the cap with 429, and still accepts other clients", async () => {
    const sale = await seedSale();
    const open = await Promise.all(Array.from({ length: LIVE_SOCKET_LIMITS.socketsPerClient }, () => connect(sale.sku, "198.51.100.4")));
    const refused = await exports.default.fetch(`https://shop.test/api/skus/${sale.sku}/live`, {
      headers: { Upgrade: "websocket", "CF-Connecting-IP": "198.51.100.4" },
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("5");
    expect((await refused.json<ApiError>()).error.code).toBe("rate_limited");

    const other = await connect(sale.sku, "198.51.100.5");
    await other.next((m) => m.type === "snapshot");
    for (const feed of [...open, other]) feed.socket.close(1000, "done");
  });
});
