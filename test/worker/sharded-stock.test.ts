import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SkuSale } from "../../durable-objects/sku-sale/index.ts";
import type { Order } from "../../src/orders/order.ts";
import { HOLDING_STATUSES } from "../../src/orders/order.ts";
import type { SaleConfig } from "../../src/sales/sale-config.ts";
import { shardObjectName, shardOf } from "../../src/sales/shards.ts";
import type { SkuReconciliation } from "../../src/orders/reconcile.ts";
import { admin, createSale, type AdminSale } from "./admin-support.ts";
import { connect } from "./live-support.ts";
import { advanceObjectClock, seedSale, Shopper, snapshot, type ApiOrder } from "./support.ts";

const TIERS = [
  { fromRank: 1, toRank: 20, unitPrice: 100, label: "first 20" },
  { fromRank: 21, toRank: 40, unitPrice: 200, label: "next 20" },
];
const LIST_PRICE = 300;

/** Every order a sale's objects hold, read from their storage: the shards', or the SKU object's for one shard. */
async function storedOrders(sale: SaleConfig): Promise<Order[]> {
  const perObject = await Promise.all(
    deciders(sale).map((name) =>
      runInDurableObject(env.SKU_SALE.getByName(name), async (_: SkuSale, state) => {
        const hasOrders = state.storage.sql.exec(`SELECT 1 FROM sqlite_master WHERE name = 'orders'`).toArray().length > 0;
        if (!hasOrders) return [];
        return state.storage.sql
          .exec<{ data: string }>(`SELECT data FROM orders`)
          .toArray()
          .map((row) => JSON.parse(row.data) as Order);
      }),
    ),
  );
  return perObject.flat();
}

/**
 * Every hold of the sale runs out: each deciding object's clock moves past the hold and its
 * alarm handler runs. Called in the object rather than through `runDurableObjectAlarm`, which
 * finds nothing to run while the object's own alarm (an outbox flush) is firing.
 */
async function expireHolds(sale: SaleConfig): Promise<void> {
  for (const name of deciders(sale)) {
    await advanceObjectClock(name, sale.holdSeconds * 1000);
    await runInDurableObject(env.SKU_SALE.getByName(name), (instance: SkuSale) => instance.alarm());
  }
}

/** The objects that decide a sale's Tries: its shards, or the SKU's own object. */
function deciders(sale: SaleConfig): string[] {
  return sale.shards > 1 ? Array.from({ length: sale.shards }, (_, i) => shardObjectName(sale.sku, i)) : [sale.sku];
}

/** Shoppers each trying `tries` checkouts of one unit at once; the orders they got. */
async function stampede(sale: SaleConfig, shoppers: Shopper[], tries: number): Promise<Array<{ shopper: Shopper; order: ApiOrder }>> {
  const attempts = shoppers.flatMap((shopper) =>
    Array.from({ length: tries }, () => ({ shopper, response: shopper.checkout(sale.sku, 1) })),
  );
  const got: Array<{ shopper: Shopper; order: ApiOrder }> = [];
  for (const { shopper, response } of attempts) {
    const answer = await response;
    if (answer.status === 201) got.push({ shopper, order: (await answer.json<{ order: ApiOrder }>()).order });
    else expect(answer.status, await answer.text()).toBe(409);
  }
  return got;
}

describe.each([1, 2, 4, 8])("a sale sold by %i shard(s) (issue 12)", (shards) => {
  it("sells exactly its stock through stampedes, cancels and expiring holds: every rank once, each tier exact, each shopper within the limit", async () => {
    const sale = await seedSale({ stock: 60, perShopperLimit: 2, tiers: TIERS, listPrice: LIST_PRICE, shards, gifts: [] });
    expect(sale.shards).toBe(shards);

    // First wave: 30 shoppers, three tries each against a limit of two.
    const first = await Promise.all(Array.from({ length: 30 }, () => Shopper.create()));
    const firstOrders = await stampede(sale, first, 3);
    expect(firstOrders.length).toBe(60); // 30 × 2 = 60 = the stock: all of it, none over
    expect((await snapshot(sale.sku)).stock.remaining).toBe(0);

    // A third of the first wave cancels; then every other hold runs out... except the paid ones.
    const paid = firstOrders.slice(0, 20);
    for (const { shopper, order } of paid) {
      const response = await shopper.post(
        `/api/orders/${order.id}/pay`,
        { paymentMethod: "pm_local_approve" },
        { "Idempotency-Key": crypto.randomUUID() },
      );
      expect(response.status, await response.clone().text()).toBe(200);
    }
    for (const { shopper, order } of firstOrders.slice(20, 30)) {
      expect((await shopper.post(`/api/orders/${order.id}/cancel`)).status).toBe(200);
    }
    await expireHolds(sale); // orders 30..59 run out: their units go back to the shard that sold them

    // Second wave: new shoppers, hashed to shards whose own units may be gone, so dry shards
    // must lease and recall what came back elsewhere.
    const second = await Promise.all(Array.from({ length: 40 }, () => Shopper.create()));
    const secondOrders = await stampede(sale, second, 2);
    expect(secondOrders.length).toBe(40); // exactly the 40 units that came back

    const orders = await storedOrders(sale);
    const holding = orders.filter((order) => HOLDING_STATUSES.has(order.status));
    const ranks = holding.flatMap((order) => order.ranks).sort((a, b) => a - b);
    expect(ranks).toEqual(Array.from({ length: 60 }, (_, i) => i + 1)); // sold = stock, every rank once
    const prices = holding.flatMap((order) => order.unitPrices);
    expect(prices.filter((p) => p === 100).length).toBe(20);
    expect(prices.filter((p) => p === 200).length).toBe(20);
    expect(prices.filter((p) => p === LIST_PRICE).length).toBe(20);
    for (const order of holding) expect(order.unitPrices).toEqual(order.ranks.map((rank) => (rank <= 20 ? 100 : rank <= 40 ? 200 : 300)));
    const unitsByShopper = new Map<string, number>();
    for (const order of holding) unitsByShopper.set(order.shopperId, (unitsByShopper.get(order.shopperId) ?? 0) + order.qty);
    expect(Math.max(...unitsByShopper.values())).toBeLessThanOrEqual(2);
    if (shards > 1) {
      // Each shopper's orders live in the shopper's shard.
      for (const order of orders) expect(order.id).toContain(`~${shardOf(order.shopperId, shards)}_`);
    }

    const view = await snapshot(sale.sku);
    expect(view.stock).toEqual({ total: 60, remaining: 0, sold: 20, held: 40 });
    const counts = await env.SKU_SALE.getByName(sale.sku).counts();
    expect(counts.ok && counts.value).toMatchObject({
      stock: 60,
      available: 0,
      unitsByStatus: { paid: 20, pending_payment: 40, cancelled: 10, expired: 30, deposit_paid: 0, forfeited: 0 },
    });
  });
});

describe("moving units between a sharded sale's objects", () => {
  async function shardedSale(): Promise<SaleConfig> {
    const sale = await seedSale({ stock: 40, shards: 2, gifts: [], tiers: [] });
    await env.SKU_SALE.getByName(sale.sku).snapshot(); // the primary adopts the sale
    return sale;
  }

  /** Units of the sale wherever they are: the primary's, each shard's available and out. */
  async function unitsEverywhere(sale: SaleConfig): Promise<number> {
    const primary = env.SKU_SALE.getByName(sale.sku);
    const counts = await primary.counts();
    if (!counts.ok) throw new Error(counts.error.message);
    const { pending_payment, paid } = counts.value.unitsByStatus;
    return counts.value.available + pending_payment + paid;
  }

  it("answers a retried lease with the ranks it dealt the first time, and deals nothing twice", async () => {
    const sale = await shardedSale();
    const primary = env.SKU_SALE.getByName(sale.sku);
    const first = await primary.lease(0, "lease:0:retried", 5);
    const again = await primary.lease(0, "lease:0:retried", 5);
    const other = await primary.lease(1, "lease:1:other", 5);
    expect(first.ok && again.ok && other.ok).toBe(true);
    if (!first.ok || !again.ok || !other.ok) return;
    expect(first.value).toEqual([1, 2, 3, 4, 5]);
    expect(again.value).toEqual(first.value);
    expect(other.value).toEqual([6, 7, 8, 9, 10]);
  });

  it("a shard that died before the primary's answer arrived asks again when it wakes, and gets the same ranks", async () => {
    const sale = await shardedSale();
    const primary = env.SKU_SALE.getByName(sale.sku);
    const shard = env.SKU_SALE.getByName(shardObjectName(sale.sku, 1));
    await shard.snapshot(); // the shard adopts the sale
    // The shard recorded its question, the primary answered it, the answer was lost.
    await runInDurableObject(shard, async (_: SkuSale, state) => {
      state.storage.sql.exec(
        `INSERT INTO stock_transfers (id, kind, shard, ranks, settled, created_at) VALUES ('lease:1:lost', 'lease', 1, '[]', 0, 0)`,
      );
    });
    const dealt = await primary.lease(1, "lease:1:lost", 7);
    expect(dealt.ok && dealt.value.length).toBe(7);
    expect(await unitsEverywhere(sale)).toBe(33); // seven are between the objects

    await evictDurableObject(shard);
    await runDurableObjectAlarm(shard); // the shard woke with a question unanswered: it asks again
    const report = await shard.report();
    expect(report.ok && report.value.available).toBe(7);
    expect(await unitsEverywhere(sale)).toBe(40);
  });

  it("a primary that died before a shard's answer to a recall arrived asks again when it wakes, and takes the ranks back once", async () => {
    const sale = await shardedSale();
    const primary = env.SKU_SALE.getByName(sale.sku);
    const shard = env.SKU_SALE.getByName(shardObjectName(sale.sku, 0));
    // Shard 0 holds 10 units of a lease.
    await shard.snapshot();
    await runInDurableObject(shard, async (_: SkuSale, state) => {
      state.storage.sql.exec(
        `INSERT INTO stock_transfers (id, kind, shard, ranks, settled, created_at) VALUES ('lease:0:held', 'lease', 0, '[]', 0, 0)`,
      );
    });
    await primary.lease(0, "lease:0:held", 10);
    await evictDurableObject(shard);
    expect(await runDurableObjectAlarm(shard)).toBe(true);
    expect(await unitsEverywhere(sale)).toBe(40);
    const held = await shard.report();
    expect(held.ok && held.value.available).toBe(10);

    // The primary recorded a recall and asked; the shard answered; the answer was lost.
    await runInDurableObject(primary, async (_: SkuSale, state) => {
      state.storage.sql.exec(
        `INSERT INTO stock_transfers (id, kind, shard, ranks, settled, created_at) VALUES ('recall:0:lost', 'recall', 0, '[]', 0, 0)`,
      );
    });
    // The primary asks about the lease it dealt: the shard has it.
    const released = await shard.release("recall:0:lost", ["lease:0:held", "lease:0:unknown"]);
    expect(released.ok && released.value.ranks.length).toBe(10);
    expect(released.ok && released.value.received).toEqual(["lease:0:held"]);
    expect(await unitsEverywhere(sale)).toBe(30);

    await evictDurableObject(primary);
    expect(await runDurableObjectAlarm(primary)).toBe(true);
    expect(await unitsEverywhere(sale)).toBe(40);
    await runDurableObjectAlarm(primary); // asking again changes nothing
    expect(await unitsEverywhere(sale)).toBe(40);
    const again = await shard.release("recall:0:lost");
    expect(again.ok && again.value.ranks).toEqual(released.ok && released.value.ranks);
  });

  it("does not answer a dry shard short while units dealt to another shard are still on their way there", async () => {
    const sale = await shardedSale();
    const primary = env.SKU_SALE.getByName(sale.sku);
    const [zero, one] = [0, 1].map((i) => env.SKU_SALE.getByName(shardObjectName(sale.sku, i)));
    await one!.snapshot();
    // Shard 1 asked for every unit and the primary dealt them; the answer has not arrived.
    await runInDurableObject(one!, async (_: SkuSale, state) => {
      state.storage.sql.exec(
        `INSERT INTO stock_transfers (id, kind, shard, ranks, settled, created_at) VALUES ('lease:1:on-its-way', 'lease', 1, '[]', 0, 0)`,
      );
    });
    expect((await primary.lease(1, "lease:1:on-its-way", 40)).ok).toBe(true);

    // A shopper of shard 0 tries: the primary has nothing, shard 1 nothing yet to give back.
    const shopper = Array.from({ length: 100 }, (_, i) => `on-its-way-${i}`).find((id) => shardOf(id, 2) === 0)!;
    const tried = zero!.tryCheckout({ shopperId: shopper, idempotencyKey: crypto.randomUUID(), qty: 1 });
    // The answer lands at shard 1 (its alarm handler asks again); the next recall round takes a unit back for shard 0.
    await runInDurableObject(one!, (instance: SkuSale) => instance.alarm());
    const answer = await tried;
    expect(answer.ok, JSON.stringify(answer)).toBe(true);
    expect(await unitsEverywhere(sale)).toBe(40);
  });

  it("refuses to change the number of shards once the sale has started", async () => {
    const sale = await shardedSale();
    const primary = env.SKU_SALE.getByName(sale.sku);
    const changed = await primary.applyConfig({ ...sale, shards: 4, version: sale.version + 1 });
    expect(changed.ok).toBe(false);
    if (!changed.ok) expect(changed.error.code).toBe("conflict");
  });
});

describe("a sharded sale as its shoppers and marketers see it", () => {
  it("is created through the admin API with its shards told at once, and its live feed, console numbers and reconciliation speak for every shard", async () => {
    const now = Date.now();
    const { sale } = await createSale({
      stock: 40,
      shards: 4,
      gifts: [],
      tiers: [],
      perShopperLimit: 1,
      startsAt: now - 1_000,
      endsAt: now + 3_600_000,
    });
    // Every shard runs the saved version before KV is read: none has to find it there.
    for (let i = 0; i < 4; i++) {
      const report = await env.SKU_SALE.getByName(shardObjectName(sale.sku, i)).report();
      expect(report.ok).toBe(true);
    }

    const feed = await connect(sale.sku);
    const first = await feed.next((m) => m.type === "snapshot");
    expect(first.type === "snapshot" && first.snapshot.stock).toEqual({ total: 40, remaining: 40, sold: 0, held: 0 });

    const shoppers = await Promise.all(Array.from({ length: 10 }, () => Shopper.create()));
    const orders: Array<{ shopper: Shopper; order: ApiOrder }> = [];
    for (const shopper of shoppers) {
      const response = await shopper.checkout(sale.sku, 1);
      expect(response.status).toBe(201);
      orders.push({ shopper, order: (await response.json<{ order: ApiOrder }>()).order });
    }
    // The shards tell the primary, which pushes the sale's numbers, summed over its shards.
    const pushed = await feed.next((m) => m.type === "snapshot" && m.snapshot.stock.held === 10);
    expect(pushed.type === "snapshot" && pushed.snapshot.stock).toEqual({ total: 40, remaining: 30, sold: 0, held: 10 });
    feed.socket.close(1000, "done");

    for (const { shopper, order } of orders.slice(0, 3)) {
      const paid = await shopper.post(
        `/api/orders/${order.id}/pay`,
        { paymentMethod: "pm_local_approve" },
        { "Idempotency-Key": crypto.randomUUID() },
      );
      expect(paid.status).toBe(200);
    }
    const console = await admin(`/sales/${sale.sku}`);
    expect(console.status).toBe(200);
    const { live } = await console.json<AdminSale>();
    expect(live?.ordersPlaced).toBe(10);
    expect(live?.snapshot.stock).toEqual({ total: 40, remaining: 30, sold: 3, held: 7 });

    // Reconciliation drains every shard's outbox and compares the sum with Postgres.
    const reconciled = await admin("/reconciliation");
    expect(reconciled.status).toBe(200);
    const report = (await reconciled.json<{ skus: SkuReconciliation[] }>()).skus.find((r) => r.sku === sale.sku);
    expect(report).toMatchObject({ consistent: true, object: { paid: 3, pending_payment: 7 }, postgres: { paid: 3, pending_payment: 7 } });
  });

  it("answers a shopper whose order lives in a shard through the order's own id, and no other shopper", async () => {
    const sale = await seedSale({ stock: 10, shards: 2, gifts: [], tiers: [] });
    const [owner, stranger] = [await Shopper.create(), await Shopper.create()];
    const response = await owner.checkout(sale.sku, 1);
    const { order } = await response.json<{ order: ApiOrder }>();
    expect(order.id).toMatch(new RegExp(`^ord_${sale.sku}~${shardOf(owner.id, 2)}_`));
    expect((await owner.request(`/api/orders/${order.id}`)).status).toBe(200);
    expect((await stranger.request(`/api/orders/${order.id}`)).status).toBe(404);
    // An id naming a shard the sale does not have finds nothing, and wakes nothing that stores.
    expect((await owner.request(`/api/orders/${order.id.replace(/~\d+_/, "~9_")}`)).status).toBe(404);
  });
});
