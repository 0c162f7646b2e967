import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { databaseSettings } from "../../src/config.ts";
import { openDatabase } from "../../src/db/client.ts";
import { eventually, postgresTotals } from "./postgres-support.ts";
import { seedSale, Shopper, type ApiOrder } from "./support.ts";

describe("orders reach Postgres through the outbox", () => {
  it("drains by itself: every acknowledged order lands once, with its status history", async () => {
    const sale = await seedSale({ stock: 30, perShopperLimit: 1, tiers: [] });
    const shoppers = await Promise.all(Array.from({ length: 80 }, () => Shopper.create()));
    const responses = await Promise.all(shoppers.map((s) => s.checkout(sale.sku, 1)));
    const accepted: Array<{ shopper: Shopper; order: ApiOrder }> = [];
    for (const [i, response] of responses.entries()) {
      if (response.status === 201) accepted.push({ shopper: shoppers[i]!, order: (await response.json<{ order: ApiOrder }>()).order });
    }
    expect(accepted).toHaveLength(30);
    for (const { shopper, order } of accepted.slice(0, 10)) await shopper.post(`/api/orders/${order.id}/pay`, {});
    for (const { shopper, order } of accepted.slice(10, 15)) await shopper.post(`/api/orders/${order.id}/cancel`);

    const totals = await eventually(
      () => postgresTotals(sale.sku),
      (t) => t.paid?.orders === 10 && t.cancelled?.orders === 5 && t.pending_payment?.orders === 15,
    );
    expect(totals.paid).toEqual({ orders: 10, units: 10, amount: accepted.slice(0, 10).reduce((s, a) => s + a.order.totalAmount, 0) });
    expect(totals.cancelled?.units).toBe(5);
    expect(totals.pending_payment?.units).toBe(15);

    const { pool, close } = openDatabase(databaseSettings(env));
    try {
      const history = await pool.query<{ order_id: string; statuses: string[] }>(
        "select order_id, array_agg(status order by at, status) as statuses from order_status_history where order_id like $1 group by order_id",
        [`ord_${sale.sku}_%`],
      );
      expect(history.rows).toHaveLength(30);
      const paidHistory = history.rows.find((r) => r.order_id === accepted[0]!.order.id);
      expect(paidHistory?.statuses).toEqual(["pending_payment", "paid"]);
    } finally {
      await close();
    }
  });

  it("sums to the stock after a sell-out, with nothing left in the outbox", async () => {
    const sale = await seedSale({ stock: 25, perShopperLimit: 2, tiers: [] });
    const shoppers = await Promise.all(Array.from({ length: 40 }, () => Shopper.create()));
    await Promise.all(shoppers.map((s) => s.checkout(sale.sku, 2)));
    await Promise.all(shoppers.map((s) => s.checkout(sale.sku, 1)));
    const { outboxPending } = await env.SKU_SALE.getByName(sale.sku).flushOutbox();
    expect(outboxPending).toBe(0);
    const totals = await postgresTotals(sale.sku);
    expect(totals.pending_payment?.units).toBe(25);
  });
});
