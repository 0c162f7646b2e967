import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../scripts/local/embedded-postgres.ts";
import { startNeonWsProxy, type NeonWsProxy } from "../../scripts/local/neon-ws-proxy.ts";
import { freePort } from "../../scripts/local/ports.ts";
import { migrateDatabase } from "../../scripts/migrate.ts";
import { openDatabase } from "../../src/db/client.ts";
import { saleConfigSchema, saleKey } from "../../src/sales/sale-config.ts";
import { buildProductionBundle, runBundle } from "../../scripts/local/worker-bundle.ts";

/**
 * Postgres stopped in the middle of a sale: the production bundle on workerd keeps taking
 * checkouts, and once Postgres is back every acknowledged order reaches it exactly once.
 * This test owns its Postgres (an embedded one it can stop and restart on the same port).
 */
describe("Postgres outage mid-sale", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "pg-outage-"));
  let port: number;
  let postgres: EmbeddedPostgres | undefined;
  let proxy: NeonWsProxy;
  let mf: Miniflare;

  beforeAll(async () => {
    port = await freePort();
    postgres = await startEmbeddedPostgres({ port, dataDir });
    proxy = await startNeonWsProxy({ port: 0, allowedTargets: [`127.0.0.1:${port}`] });
    await migrateDatabase({ url: postgres.url, localWsProxy: proxy.address });
    const gateway = inject("stackVars");
    mf = runBundle(await buildProductionBundle(), { ...gateway, DATABASE_URL: postgres.url, NEON_WS_PROXY: proxy.address });
    await mf.ready;
  });

  afterAll(async () => {
    await mf?.dispose();
    await proxy?.close();
    await postgres?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function checkoutAs(sku: string): Promise<{ status: number; orderId?: string }> {
    const session = await mf.dispatchFetch("http://shop.test/api/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
    });
    const cookie = session.headers.get("Set-Cookie")!.split(";")[0]!;
    const response = await mf.dispatchFetch("http://shop.test/api/checkout", {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: JSON.stringify({ sku, qty: 1 }),
    });
    const body = (await response.json()) as { order?: { id: string } };
    return { status: response.status, orderId: body.order?.id };
  }

  async function ordersInPostgres(sku: string): Promise<string[]> {
    const { pool, close } = openDatabase({ url: postgres!.url, localWsProxy: proxy.address });
    try {
      const { rows } = await pool.query<{ id: string }>("select id from orders where sku = $1", [sku]);
      return rows.map((row) => row.id);
    } finally {
      await close();
    }
  }

  it("keeps selling while Postgres is down and writes every acknowledged order once it returns", async () => {
    const now = Date.now();
    const sale = saleConfigSchema.parse({
      sku: "outage-sale",
      title: "Outage test",
      listPrice: 1_000,
      stock: 100,
      startsAt: now - 60_000,
      endsAt: now + 3_600_000,
      perShopperLimit: 1,
    });
    await (await mf.getKVNamespace("SALES")).put(saleKey(sale.sku), JSON.stringify(sale));

    const before = await Promise.all(Array.from({ length: 10 }, () => checkoutAs(sale.sku)));
    await postgres!.close();
    postgres = undefined;

    const during = await Promise.all(Array.from({ length: 30 }, () => checkoutAs(sale.sku)));
    expect(during.map((r) => r.status)).toEqual(Array(30).fill(201));

    postgres = await startEmbeddedPostgres({ port, dataDir });
    const acknowledged = [...before, ...during].map((r) => r.orderId!).sort();
    let stored: string[] = [];
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline) {
      stored = (await ordersInPostgres(sale.sku)).sort();
      if (stored.length >= acknowledged.length) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(stored).toEqual(acknowledged); // all of them, none twice (ids are the primary key)
  });
});
