import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SkuSale } from "../../durable-objects/sku-sale/index.ts";
import { SCHEMA_VERSION } from "../../durable-objects/sku-sale/store.ts";

describe("SkuSale Durable Object", () => {
  it("answers ping over RPC with its schema version and server time", async () => {
    const before = Date.now();
    const reply = await env.SKU_SALE.getByName("ping-test").ping();
    expect(reply.schemaVersion).toBe(SCHEMA_VERSION);
    expect(reply.serverTime).toBeGreaterThanOrEqual(before);
  });

  it("creates its schema idempotently: a second migration leaves one version row", async () => {
    const stub = env.SKU_SALE.getByName("schema-test");
    await runInDurableObject(stub, async (instance: SkuSale, state) => {
      expect(instance).toBeInstanceOf(SkuSale);
      const rows = state.storage.sql.exec("SELECT version FROM schema_meta").toArray();
      expect(rows).toEqual([{ version: SCHEMA_VERSION }]);
    });
  });
});
