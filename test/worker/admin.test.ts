import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SkuReconciliation } from "../../src/orders/reconcile.ts";
import worker from "../../workers/storefront/index.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { seedSale, Shopper, type ApiError } from "./support.ts";

const admin = (init: RequestInit = {}) => exports.default.fetch("https://shop.test/admin/api/reconciliation", init);

describe("admin API", () => {
  it("refuses a missing or wrong bearer token with 401", async () => {
    const missing = await admin();
    expect(missing.status).toBe(401);
    expect((await missing.json<ApiError>()).error.code).toBe("unauthorized");
    const wrong = await admin({ headers: { Authorization: "Bearer not-the-token" } });
    expect(wrong.status).toBe(401);
  });

  it("is closed, not open, when no ADMIN_TOKEN is configured", async () => {
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request("https://shop.test/admin/api/reconciliation", { headers: { Authorization: "Bearer " } }),
      { ...env, ADMIN_TOKEN: "" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(503);
    expect((await response.json<ApiError>()).error.code).toBe("admin_closed");
  });

  it("reconciles each SKU object's counts with Postgres after its outbox drains", async () => {
    const sale = await seedSale({ stock: 20, perShopperLimit: 1, tiers: [] });
    const shoppers = await Promise.all(Array.from({ length: 30 }, () => Shopper.create()));
    await Promise.all(shoppers.map((s) => s.checkout(sale.sku, 1)));
    const response = await admin({ headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    const report = await response.json<{ skus: SkuReconciliation[] }>();
    const mine = report.skus.find((s) => s.sku === sale.sku)!;
    expect(mine).toMatchObject({ outboxPending: 0, differences: [], consistent: true });
    expect(mine.object.pending_payment).toBe(20);
    expect(mine.postgres.pending_payment).toBe(20);
  });
});
