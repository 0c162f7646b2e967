import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { OrderBook } from "../../src/orders/order-book.ts";
import { MemoryOrderArchive } from "../../src/orders/order-archive.ts";
import { Inventory } from "../../src/sales/inventory.ts";
import { saleConfigSchema } from "../../src/sales/sale-config.ts";
import { createSale } from "./admin-support.ts";
import { advanceObjectClock, Shopper, snapshot, type ApiOrder } from "./support.ts";

const T0 = 1_000_000;

/** A sale from T0 to T0+1000 with a gift (stock 2) from T0+100 to T0+200. */
function book() {
  const sale = saleConfigSchema.parse({
    sku: "gift-book",
    title: "Gifts",
    listPrice: 100,
    stock: 100,
    startsAt: T0,
    endsAt: T0 + 1_000,
    perShopperLimit: 10,
    gifts: [{ id: "tote", title: "Tote bag", startsAt: T0 + 100, endsAt: T0 + 200, stock: 2 }],
  });
  return new OrderBook(sale, new Inventory(sale.stock));
}

let keys = 0;
function buy(orders: OrderBook, now: number, shopperId = `shp-${++keys}`) {
  const result = orders.tryCheckout({ shopperId, idempotencyKey: `key-${++keys}`, qty: 1 }, now);
  if (!result.ok) throw new Error(result.error.message);
  return result.value.order;
}

describe("limited-time gifts in the order book", () => {
  it("goes with orders placed in its window, one per order, while its stock lasts", () => {
    const orders = book();
    expect(buy(orders, T0 + 99).gift).toBeNull(); // before the window
    expect(buy(orders, T0 + 100).gift).toEqual({ id: "tote", title: "Tote bag" });
    expect(orders.giftOnOffer(T0 + 150)).toMatchObject({ id: "tote", remaining: 1 });
    expect(buy(orders, T0 + 150).gift?.id).toBe("tote");
    expect(buy(orders, T0 + 160).gift).toBeNull(); // gift stock gone
    expect(orders.giftOnOffer(T0 + 160)).toBeNull();
    expect(orders.giftsGiven).toEqual({ tote: 2 });
  });

  it("comes back exactly once when its order is cancelled or expires, and stays with a paid order", () => {
    const orders = book();
    const cancelled = buy(orders, T0 + 100);
    const expiring = buy(orders, T0 + 101);
    expect(orders.giftOnOffer(T0 + 102)).toBeNull();

    expect(orders.cancel(cancelled.id, cancelled.shopperId, T0 + 110).ok).toBe(true);
    expect(orders.cancel(cancelled.id, cancelled.shopperId, T0 + 111).ok).toBe(true); // a no-op
    expect(orders.giftsGiven).toEqual({ tote: 1 });

    const paid = buy(orders, T0 + 120);
    expect(paid.gift?.id).toBe("tote");
    expect(orders.confirm(paid.id, paid.shopperId, "pay_1", T0 + 121).ok).toBe(true);
    expect(orders.giftsGiven).toEqual({ tote: 2 });

    orders.expireDue(expiring.expiresAt!);
    orders.expireDue(expiring.expiresAt! + 1); // nothing left to expire
    expect(orders.giftsGiven).toEqual({ tote: 1 });
    // The window has closed meanwhile (holds last 600 s): the returned gift waits unused.
    expect(orders.giftOnOffer(expiring.expiresAt!)).toBeNull();
  });

  it("is rebuilt from the orders when the book is reloaded", () => {
    const orders = book();
    const order = buy(orders, T0 + 100);
    const reloaded = new OrderBook(orders.config, new Inventory(100, 2), new MemoryOrderArchive([order]));
    expect(reloaded.giftsGiven).toEqual({ tote: 1 });
    expect(reloaded.giftOnOffer(T0 + 150)).toMatchObject({ remaining: 1 });
  });
});

describe("limited-time gifts in a running sale", () => {
  it("awards the gift to the first orders, shows what is left, and takes it back on cancel and expiry", async () => {
    const now = Date.now();
    const { sale } = await createSale({
      stock: 20,
      tiers: [],
      gifts: [{ id: "earbud-case", title: "Charging case 充电盒", startsAt: now - 60_000, endsAt: now + 3_600_000, stock: 2 }],
    });
    expect((await snapshot(sale.sku)).gift).toMatchObject({ id: "earbud-case", remaining: 2 });

    const [first, second, third] = await Promise.all([Shopper.create(), Shopper.create(), Shopper.create()]);
    const a = (await (await first!.checkout(sale.sku, 1)).json<{ order: ApiOrder & { gift: unknown } }>()).order;
    const b = (await (await second!.checkout(sale.sku, 1)).json<{ order: ApiOrder & { gift: unknown } }>()).order;
    const c = (await (await third!.checkout(sale.sku, 1)).json<{ order: ApiOrder & { gift: unknown } }>()).order;
    expect([a.gift, b.gift, c.gift]).toEqual([
      { id: "earbud-case", title: "Charging case 充电盒" },
      { id: "earbud-case", title: "Charging case 充电盒" },
      null,
    ]);
    expect((await snapshot(sale.sku)).gift).toBeNull();

    await first!.post(`/api/orders/${a.id}/cancel`);
    await first!.post(`/api/orders/${a.id}/cancel`);
    expect((await snapshot(sale.sku)).gift).toMatchObject({ remaining: 1 });

    const stub = env.SKU_SALE.getByName(sale.sku);
    await runDurableObjectAlarm(stub); // b still holds its units: its gift stays out
    expect((await snapshot(sale.sku)).gift).toMatchObject({ remaining: 1 });
    await advanceObjectClock(sale.sku, sale.holdSeconds * 1000); // b's hold runs out (and c's, which has no gift)
    await runDurableObjectAlarm(stub);
    await runDurableObjectAlarm(stub); // a second run gives nothing back twice
    expect((await snapshot(sale.sku)).gift).toMatchObject({ remaining: 2 });
  });
});
