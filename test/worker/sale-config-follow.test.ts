import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { saleKey } from "../../src/sales/sale-config.ts";
import { seedSale, Shopper, snapshot } from "./support.ts";

describe("the SKU object follows its configuration in KV", () => {
  it("takes a stock top-up and a new end at once when told to reload", async () => {
    const sale = await seedSale({ stock: 10, tiers: [], perShopperLimit: 5 });
    const shopper = await Shopper.create();
    await shopper.checkout(sale.sku, 4);
    await env.SALES.put(saleKey(sale.sku), JSON.stringify({ ...sale, stock: 25, endsAt: sale.endsAt + 60_000 }));
    const reloaded = await env.SKU_SALE.getByName(sale.sku).reloadConfig();
    expect(reloaded.ok).toBe(true);
    const snap = await snapshot(sale.sku);
    expect(snap.stock).toMatchObject({ total: 25, remaining: 21, held: 4 });
    expect(snap.endsAt).toBe(sale.endsAt + 60_000);
  });

  it("never sets stock below what is sold or held, and keeps the last good configuration over a bad one", async () => {
    const sale = await seedSale({ stock: 10, tiers: [], perShopperLimit: 5 });
    const shopper = await Shopper.create();
    await shopper.checkout(sale.sku, 5);
    await env.SALES.put(saleKey(sale.sku), JSON.stringify({ ...sale, stock: 3 }));
    await env.SKU_SALE.getByName(sale.sku).reloadConfig();
    expect((await snapshot(sale.sku)).stock).toMatchObject({ total: 10, remaining: 5, held: 5 });

    await env.SALES.put(saleKey(sale.sku), JSON.stringify({ ...sale, stock: -1 }));
    await env.SKU_SALE.getByName(sale.sku).reloadConfig();
    expect((await snapshot(sale.sku)).stock.total).toBe(10);
  });
});
