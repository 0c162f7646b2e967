import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SkuSale } from "../../durable-objects/sku-sale/index.ts";
import { SCHEMA_VERSION } from "../../durable-objects/sku-sale/store.ts";
import { CANCELLED_KEY_LIMITS } from "../../src/orders/cancelled-keys.ts";
import { saleKey } from "../../src/sales/sale-config.ts";
import { seedSale, Shopper } from "./support.ts";

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
