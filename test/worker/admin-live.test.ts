import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { saleKey } from "../../src/sales/sale-config.ts";
import { admin, auditRows, createSale, kvState, objectConfig, readError, update, type SaleSaved } from "./admin-support.ts";
import { Shopper, snapshot, type ApiOrder } from "./support.ts";

/**
 * Every step below is checked right after the save, well within the object's KV refresh
 * interval (5 s): only the save telling the object directly can explain what is seen.
 */
describe("admin API: changes reach a running sale at once", () => {
  it("tops up stock and extends the end of a sale shoppers are buying from", async () => {
    const { sale } = await createSale({ stock: 10, tiers: [], perShopperLimit: 10 });
    const shopper = await Shopper.create();
    expect((await shopper.checkout(sale.sku, 10)).status).toBe(201);
    const soldOut = await (await Shopper.create()).checkout(sale.sku, 1);
    expect(soldOut.status).toBe(409);

    const saved = await update(sale, { stock: 25, endsAt: sale.endsAt + 3_600_000 });
    expect(saved.status).toBe(200);
    const body = await saved.json<SaleSaved>();
    expect(body).toMatchObject({
      changed: true,
      sale: { version: 2, stock: 25 },
      snapshot: { stock: { total: 25, remaining: 15, held: 10 } },
    });

    expect((await snapshot(sale.sku)).stock).toMatchObject({ total: 25, remaining: 15 });
    expect((await snapshot(sale.sku)).endsAt).toBe(sale.endsAt + 3_600_000);
    expect((await (await Shopper.create()).checkout(sale.sku, 1)).status).toBe(201);
  });

  it("pauses (checkout refused with sale_paused), then resumes (checkout works), each at once", async () => {
    const { sale } = await createSale();
    const shopper = await Shopper.create();
    const { order: held } = await (await shopper.checkout(sale.sku, 1)).json<{ order: ApiOrder }>();

    const paused = await admin(`/sales/${sale.sku}/pause`, { method: "POST", actor: "ops-lead" });
    expect(paused.status).toBe(200);
    expect(await paused.json<SaleSaved>()).toMatchObject({ changed: true, sale: { paused: true, version: 2, updatedBy: "ops-lead" } });
    expect((await snapshot(sale.sku)).paused).toBe(true);

    const refused = await shopper.checkout(sale.sku, 1);
    expect(refused.status).toBe(409);
    expect((await readError(refused)).code).toBe("sale_paused");
    // What a shopper already holds can still be paid while the sale is paused.
    expect((await shopper.post(`/api/orders/${held.id}/pay`, {})).status).toBe(200);

    const again = await admin(`/sales/${sale.sku}/pause`, { method: "POST" });
    expect(await again.json<SaleSaved>()).toMatchObject({ changed: false, sale: { version: 2 } });

    const resumed = await admin(`/sales/${sale.sku}/resume`, { method: "POST" });
    expect(await resumed.json<SaleSaved>()).toMatchObject({ changed: true, sale: { paused: false, version: 3 } });
    expect((await snapshot(sale.sku)).paused).toBe(false);
    expect((await shopper.checkout(sale.sku, 1)).status).toBe(201);

    expect((await auditRows(sale.sku)).map((row) => row.action)).toEqual(["create", "pause", "resume"]);
    expect((await kvState(sale.sku)).current).toMatchObject({ version: 3, paused: false });
  });

  it("refuses stock below the units sold and held, and writes nothing", async () => {
    const { sale } = await createSale({ stock: 20, tiers: [], perShopperLimit: 10 });
    const buyer = await Shopper.create();
    const { order } = await (await buyer.checkout(sale.sku, 4)).json<{ order: ApiOrder }>();
    await buyer.post(`/api/orders/${order.id}/pay`, {});
    await (await Shopper.create()).checkout(sale.sku, 3);

    const refused = await update(sale, { stock: 6 });
    expect(refused.status).toBe(409);
    const error = await readError(refused);
    expect(error).toMatchObject({ code: "conflict", minimumStock: 7 });
    expect(error.problems).toEqual(["stock: must be at least 7, the units sold (4) and held (3) now"]);
    expect(await objectConfig(sale.sku)).toMatchObject({ version: 1, stock: 20 });
    expect((await kvState(sale.sku)).history).toHaveLength(1);
    expect(await auditRows(sale.sku)).toHaveLength(1);

    // Exactly the units out is allowed: the sale is then sold out.
    const cut = await update(sale, { stock: 7 });
    expect(cut.status).toBe(200);
    expect((await snapshot(sale.sku)).stock).toMatchObject({ total: 7, remaining: 0, sold: 4, held: 3 });
    expect((await snapshot(sale.sku)).phase).toBe("sold_out");
  });

  it("lowers stock below the highest rank handed out when released units make room", async () => {
    const { sale } = await createSale({ stock: 10, tiers: [], perShopperLimit: 10 });
    const shopper = await Shopper.create();
    const { order } = await (await shopper.checkout(sale.sku, 8)).json<{ order: ApiOrder }>();
    await shopper.post(`/api/orders/${order.id}/cancel`);
    await (await Shopper.create()).checkout(sale.sku, 2); // ranks 1-2 again: 2 out, highest rank ever 8

    expect((await update(sale, { stock: 5 })).status).toBe(200);
    expect((await snapshot(sale.sku)).stock).toMatchObject({ total: 5, remaining: 3, held: 2 });
    const buyers = await Promise.all(Array.from({ length: 5 }, () => Shopper.create()));
    const statuses = await Promise.all(buyers.map(async (b) => (await b.checkout(sale.sku, 1)).status));
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
  });

  it("never lets a lagging KV take a running sale back to an older version", async () => {
    const { sale } = await createSale({ stock: 10 });
    const saved = await (await update(sale, { stock: 30 })).json<SaleSaved>();
    expect(saved.sale.version).toBe(2);
    // KV as a slow replica might still serve it: version 1.
    await env.SALES.put(saleKey(sale.sku), JSON.stringify(sale));
    await env.SKU_SALE.getByName(sale.sku).reloadConfig();
    expect((await snapshot(sale.sku)).stock.total).toBe(30);
    expect(await objectConfig(sale.sku)).toMatchObject({ version: 2 });

    // A newer version written to KV by other means is still followed.
    await env.SALES.put(saleKey(sale.sku), JSON.stringify({ ...saved.sale, version: 3, stock: 40 }));
    await env.SKU_SALE.getByName(sale.sku).reloadConfig();
    expect((await snapshot(sale.sku)).stock.total).toBe(40);
  });
});
