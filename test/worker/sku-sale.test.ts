import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SkuSale } from "../../durable-objects/sku-sale/index.ts";
import { SCHEMA_VERSION } from "../../durable-objects/sku-sale/store.ts";
import { CANCELLED_KEY_LIMITS } from "../../src/orders/cancelled-keys.ts";
import { saleKey } from "../../src/sales/sale-config.ts";
import { seedSale, Shopper, snapshot, type ApiError, type ApiOrder } from "./support.ts";

/** The tables an object has stored (its own; the runtime's are prefixed `_cf_`). */
async function storedTables(name: string): Promise<string[]> {
  return runInDurableObject(env.SKU_SALE.getByName(name), async (_: SkuSale, state) =>
    state.storage.sql
      .exec<{ name: string }>(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`,
      )
      .toArray()
      .map((row) => row.name),
  );
}

/** How many cancel-by-key tombstones a SKU object has stored. */
async function storedCancelledKeys(sku: string): Promise<number> {
  return runInDurableObject(
    env.SKU_SALE.getByName(sku),
    async (_: SkuSale, state) => state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM cancelled_keys`).one().n,
  );
}

describe("SkuSale Durable Object", () => {
  it("answers ping over RPC with its schema version (0 while it has stored nothing) and server time", async () => {
    const before = Date.now();
    const idle = await env.SKU_SALE.getByName("ping-test").ping();
    expect(idle.schemaVersion).toBe(0);
    expect(idle.serverTime).toBeGreaterThanOrEqual(before);
    const sale = await seedSale();
    await env.SKU_SALE.getByName(sale.sku).snapshot();
    expect((await env.SKU_SALE.getByName(sale.sku).ping()).schemaVersion).toBe(SCHEMA_VERSION);
  });

  it("creates its schema with its first sale, idempotently: a second wake leaves one version row", async () => {
    const sale = await seedSale();
    const stub = env.SKU_SALE.getByName(sale.sku);
    await stub.snapshot();
    const versionRows = () =>
      runInDurableObject(stub, async (instance: SkuSale, state) => {
        expect(instance).toBeInstanceOf(SkuSale);
        return state.storage.sql.exec("SELECT version FROM schema_meta").toArray();
      });
    expect(await versionRows()).toEqual([{ version: SCHEMA_VERSION }]);
    // The second wake: a new instance on the same storage (upgrades from older versions: sku-schema.test.ts).
    await evictDurableObject(stub);
    expect((await stub.snapshot()).ok).toBe(true);
    expect(await versionRows()).toEqual([{ version: SCHEMA_VERSION }]);
  });

  it("stores nothing for a SKU no sale exists for, whatever a client asks of it (issue 10)", async () => {
    const sku = `no-sale-${crypto.randomUUID().slice(0, 8)}`;
    const shopper = await Shopper.create();
    expect((await exports.default.fetch(`https://shop.test/api/skus/${sku}`)).status).toBe(404);
    expect((await exports.default.fetch(`https://shop.test/api/skus/${sku}/live`, { headers: { Upgrade: "websocket" } })).status).toBe(404);
    expect((await shopper.checkout(sku, 1)).status).toBe(404);
    expect((await shopper.post("/api/checkout/cancel", { sku }, { "Idempotency-Key": crypto.randomUUID() })).status).toBe(404);
    expect((await env.SKU_SALE.getByName(sku).flushOutbox()).outboxPending).toBe(0);
    expect(await storedTables(sku)).toEqual([]);
  });
});

describe("cancel-by-key tombstones are bounded (issue 10)", () => {
  it("keeps at most the per-shopper bound, the newest, and a late Try with a kept key still takes nothing", async () => {
    const sale = await seedSale({ perShopperLimit: 1 });
    const shopper = await Shopper.create();
    const keys = Array.from({ length: CANCELLED_KEY_LIMITS.perShopper + 5 }, (_, i) => `tombstone-${i}-${crypto.randomUUID()}`);
    for (const key of keys) {
      const response = await shopper.post("/api/checkout/cancel", { sku: sale.sku }, { "Idempotency-Key": key });
      expect(response.status).toBe(200);
    }
    expect(await storedCancelledKeys(sale.sku)).toBe(CANCELLED_KEY_LIMITS.perShopper);
    expect((await shopper.checkout(sale.sku, 1, keys.at(-1))).status).toBe(409);
    // Another shopper's tombstones are bounded on their own.
    const other = await Shopper.create();
    await other.post("/api/checkout/cancel", { sku: sale.sku }, { "Idempotency-Key": "other-shopper-key" });
    expect(await storedCancelledKeys(sale.sku)).toBe(CANCELLED_KEY_LIMITS.perShopper + 1);
  });

  it("forgets every tombstone once the sale has ended, in storage too", async () => {
    const sale = await seedSale();
    const stub = env.SKU_SALE.getByName(sale.sku);
    const shoppers = await Promise.all(Array.from({ length: 3 }, () => Shopper.create()));
    for (const shopper of shoppers)
      await shopper.post("/api/checkout/cancel", { sku: sale.sku }, { "Idempotency-Key": crypto.randomUUID() });
    expect(await storedCancelledKeys(sale.sku)).toBe(3);

    await env.SALES.put(saleKey(sale.sku), JSON.stringify({ ...sale, endsAt: Date.now() - 1 }));
    await stub.reloadConfig();
    // The object set its alarm for the end when it adopted the change; run it now if it is still due.
    await runDurableObjectAlarm(stub);
    expect(await storedCancelledKeys(sale.sku)).toBe(0);
  });
});

describe("an object woken on a sale with orders (issue 12)", () => {
  it("answers replays, per-shopper limits, gift stock and counts from SQLite, not from orders it loaded", async () => {
    const now = Date.now();
    const sale = await seedSale({
      perShopperLimit: 2,
      gifts: [{ id: "tote", title: "Tote bag", startsAt: now - 60_000, endsAt: now + 3_600_000, stock: 2 }],
    });
    const stub = env.SKU_SALE.getByName(sale.sku);
    const [holder, payer, canceller] = await Promise.all([Shopper.create(), Shopper.create(), Shopper.create()]);
    const holderKey = crypto.randomUUID();
    const held = (await (await holder.checkout(sale.sku, 2, holderKey)).json<{ order: ApiOrder }>()).order;
    const paid = (await (await payer.checkout(sale.sku, 1)).json<{ order: ApiOrder }>()).order;
    expect((await payer.post(`/api/orders/${paid.id}/pay`, {})).status).toBe(200);
    const cancellerKey = crypto.randomUUID();
    const cancelled = (await (await canceller.checkout(sale.sku, 1, cancellerKey)).json<{ order: ApiOrder }>()).order;
    expect((await canceller.post(`/api/orders/${cancelled.id}/cancel`, {})).status).toBe(200);
    expect([held.gift?.id, paid.gift?.id, cancelled.gift]).toEqual(["tote", "tote", null]);
    const before = await snapshot(sale.sku);

    await evictDurableObject(stub);

    // Replays of each key answer the order as it stands, and take nothing.
    const replay = await holder.checkout(sale.sku, 2, holderKey);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await replay.json<{ order: ApiOrder }>()).order).toMatchObject({ id: held.id, status: "pending_payment" });
    const cancelledReplay = await canceller.checkout(sale.sku, 1, cancellerKey);
    expect((await cancelledReplay.json<{ order: ApiOrder }>()).order).toMatchObject({ id: cancelled.id, status: "cancelled" });
    const byKey = await canceller.post("/api/checkout/cancel", { sku: sale.sku }, { "Idempotency-Key": cancellerKey });
    expect(await byKey.json()).toMatchObject({ order: { id: cancelled.id, status: "cancelled" }, changed: false });
    expect((await snapshot(sale.sku)).stock).toEqual(before.stock);

    // The holder is at the limit; the canceller's cancelled order counts nothing.
    const over = await holder.checkout(sale.sku, 1);
    expect((await over.json<ApiError>()).error).toMatchObject({ code: "limit_exceeded", limit: 2, holding: 2 });
    expect((await canceller.checkout(sale.sku, 2)).status).toBe(201);

    // Both gifts are out: none for that order, and the counts are what they were plus it.
    const view = await stub.adminView();
    expect(view.ok && { placed: view.value.ordersPlaced, gifts: view.value.giftsGiven }).toEqual({ placed: 4, gifts: { tote: 2 } });
    const counts = await stub.counts();
    expect(counts.ok && counts.value.unitsByStatus).toEqual({
      pending_payment: 4,
      paid: 1,
      cancelled: 1,
      expired: 0,
      deposit_paid: 0,
      forfeited: 0,
    });

    // The hold is paid or cancelled as any other: cancelled, its gift and units come back.
    expect((await holder.post(`/api/orders/${held.id}/cancel`, {})).status).toBe(200);
    expect((await snapshot(sale.sku)).gift).toMatchObject({ id: "tote", remaining: 1 });
    const again = await holder.checkout(sale.sku, 2);
    expect((await again.json<{ order: ApiOrder }>()).order.gift?.id).toBe("tote");
  });
});
