import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connect } from "./live-support.ts";
import { seedSale, Shopper } from "./support.ts";

describe("GET /api/skus/:sku/live", () => {
  it("sends a snapshot on connect, pushes stock changes coalesced, and answers ping with server time", async () => {
    const sale = await seedSale({ perShopperLimit: 5 });
    const feed = await connect(sale.sku);
    const first = await feed.next((m) => m.type === "snapshot");
    expect(first.type === "snapshot" && first.snapshot.stock.remaining).toBe(sale.stock);

    const shoppers = await Promise.all(Array.from({ length: 10 }, () => Shopper.create()));
    await Promise.all(shoppers.map((s) => s.checkout(sale.sku, 2)));
    const pushed = await feed.next((m) => m.type === "snapshot" && m.snapshot.stock.remaining === sale.stock - 20);
    expect(pushed.type === "snapshot" && pushed.snapshot.stock.held).toBe(20);

    feed.socket.send(JSON.stringify({ type: "ping", clientTime: 42 }));
    const pong = await feed.next((m) => m.type === "pong");
    expect(pong).toMatchObject({ type: "pong", clientTime: 42 });
    expect(pong.type === "pong" && pong.serverTime).toBeGreaterThan(0);

    feed.socket.send("not json");
    expect((await feed.next((m) => m.type === "error")).type).toBe("error");
    feed.socket.close(1000, "done");
  });

  it("coalesces a burst: far fewer pushes than checkouts", async () => {
    const sale = await seedSale({ perShopperLimit: 1 });
    const feed = await connect(sale.sku);
    await feed.next((m) => m.type === "snapshot");
    const shoppers = await Promise.all(Array.from({ length: 60 }, () => Shopper.create()));
    await Promise.all(shoppers.map((s) => s.checkout(sale.sku, 1)));
    await feed.next((m) => m.type === "snapshot" && m.snapshot.stock.remaining === sale.stock - 60);
    // One on connect, then a push per coalescing window, not one per checkout.
    expect(feed.snapshotsSeen()).toBeLessThan(20);
    feed.socket.close(1000, "done");
  });

  it("refuses a plain GET with 426 and an unknown SKU with 404", async () => {
    const plain = await exports.default.fetch("https://shop.test/api/skus/anything/live");
    expect(plain.status).toBe(426);
    const unknown = await exports.default.fetch("https://shop.test/api/skus/no-such-sku-live/live", { headers: { Upgrade: "websocket" } });
    expect(unknown.status).toBe(404);
  });
});
