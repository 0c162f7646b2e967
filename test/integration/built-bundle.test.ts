import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Miniflare } from "miniflare";
import { demoSales } from "../../src/sales/demo-sales.ts";
import { saleConfigSchema, saleKey } from "../../src/sales/sale-config.ts";
import { buildProductionBundle, runBundle } from "../../scripts/local/worker-bundle.ts";

/** The bundle `wrangler deploy` ships, on workerd, against the real Postgres and Redis of the test stack. */
describe("production bundle on workerd", () => {
  let mf: Miniflare;
  let bundle: string;

  beforeAll(async () => {
    bundle = await buildProductionBundle();
    mf = runBundle(bundle, inject("stackVars"));
    await mf.ready;
  });
  afterAll(() => mf?.dispose());

  it("answers /healthz all green: Durable Object, KV, Postgres through the Neon driver, Redis through @upstash/redis", async () => {
    const response = await mf.dispatchFetch("http://shop.test/healthz");
    const body = (await response.json()) as { status: string; failing: string[]; checks: Record<string, { ok: boolean }> };
    expect(body.failing).toEqual([]);
    expect(response.status).toBe(200);
    expect(Object.values(body.checks).every((check) => check.ok)).toBe(true);
  });

  it("names the failing part with 503 when a dependency is down", async () => {
    const broken = runBundle(bundle, {
      ...inject("stackVars"),
      UPSTASH_REDIS_REST_TOKEN: "wrong-token",
    });
    try {
      const response = await broken.dispatchFetch("http://shop.test/healthz");
      const body = (await response.json()) as {
        status: string;
        failing: string[];
        checks: Record<string, { ok: boolean; error?: string }>;
      };
      expect(response.status).toBe(503);
      expect(body.failing).toEqual(["redis"]);
      expect(body.checks.postgres?.ok).toBe(true);
      expect(body.checks.redis?.error).toBeTruthy();
    } finally {
      await broken.dispose();
    }
  });

  it("serves a seeded demo sale's page", async () => {
    const [live] = demoSales(Date.now()).map((sale) => saleConfigSchema.parse(sale));
    const kv = await mf.getKVNamespace("SALES");
    await kv.put(saleKey(live!.sku), JSON.stringify(live));
    const response = await mf.dispatchFetch(`http://shop.test/sales/${live!.sku}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain(live!.title);
    expect(page).toContain('data-phase="live"');
  });
});
