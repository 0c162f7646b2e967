import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SkuReconciliation } from "../../src/orders/reconcile.ts";
import { admin } from "./admin-support.ts";
import { eventually, postgresOrders, postgresTotals, withPostgres } from "./postgres-support.ts";
import { seedSale, Shopper, type ApiOrder } from "./support.ts";

/** The reconciliation report of one SKU, through the admin API. */
async function reconciliationOf(sku: string): Promise<SkuReconciliation> {
  const response = await admin("/reconciliation");
  expect(response.status).toBe(200);
  const report = await response.json<{ skus: SkuReconciliation[] }>();
  return report.skus.find((s) => s.sku === sku)!;
}

describe("the outbox drain (issue 10)", () => {
  it("keeps draining by itself after a drain found the outbox empty", async () => {
    const sale = await seedSale({ stock: 40, perShopperLimit: 1, tiers: [] });
    const stub = env.SKU_SALE.getByName(sale.sku);
    // The empty drain: a reconciliation or a sale's first alarm used to stop every later one.
    expect(await stub.flushOutbox()).toEqual({ outboxPending: 0 });
    expect((await reconciliationOf(sale.sku)).consistent).toBe(true);

    const shoppers = await Promise.all(Array.from({ length: 20 }, () => Shopper.create()));
    const responses = await Promise.all(shoppers.map((s) => s.checkout(sale.sku, 1)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));

    // No flush from here on: the object's own alarm must carry them to Postgres.
    const totals = await eventually(
      () => postgresTotals(sale.sku),
      (t) => t.pending_payment?.orders === 20,
    );
    expect(totals.pending_payment?.orders).toBe(20);
  });

  it("lands every acknowledged order in its acknowledged status, however checkouts, payments, cancels, drains and alarms interleave", async () => {
    type Step = { kind: "checkout"; shopper: number; qty: number } | { kind: "pay" | "cancel"; pick: number } | { kind: "drain" | "alarm" };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant("checkout" as const), shopper: fc.nat(5), qty: fc.integer({ min: 1, max: 2 }) }),
      fc.record({ kind: fc.constantFrom("pay" as const, "cancel" as const), pick: fc.nat(50) }),
      fc.record({ kind: fc.constantFrom("drain" as const, "alarm" as const) }),
    );
    // Each round's steps are sent at once; rounds follow each other.
    const rounds = fc.array(fc.array(step, { minLength: 1, maxLength: 8 }), { minLength: 2, maxLength: 5 });

    await fc.assert(
      fc.asyncProperty(rounds, async (plan) => {
        const sale = await seedSale({ stock: 10, perShopperLimit: 3, tiers: [] });
        const stub = env.SKU_SALE.getByName(sale.sku);
        const shoppers = await Promise.all(Array.from({ length: 6 }, () => Shopper.create()));
        const acknowledged = new Map<string, { shopper: Shopper; order: ApiOrder }>();
        const acknowledge = async (shopper: Shopper, response: Response) => {
          if (response.ok) {
            const { order } = await response.json<{ order: ApiOrder }>();
            acknowledged.set(order.id, { shopper, order });
          } else {
            await response.body?.cancel();
          }
        };
        const run = async (s: Step) => {
          if (s.kind === "checkout") {
            const shopper = shoppers[s.shopper]!;
            await acknowledge(shopper, await shopper.checkout(sale.sku, s.qty));
          } else if (s.kind === "pay" || s.kind === "cancel") {
            const known = [...acknowledged.values()];
            if (known.length === 0) return;
            const { shopper, order } = known[s.pick % known.length]!;
            await acknowledge(shopper, await shopper.post(`/api/orders/${order.id}/${s.kind}`, {}));
          } else if (s.kind === "drain") {
            await stub.flushOutbox();
          } else {
            await runDurableObjectAlarm(stub);
          }
        };
        for (const round of plan) await Promise.all(round.map(run));

        // Every answer the API gave is what Postgres ends up holding, with no flush asked for.
        const expected = new Map([...acknowledged].map(([id, { order }]) => [id, order.status]));
        const landed = await eventually(
          () => postgresOrders(sale.sku),
          (rows) => [...expected].every(([id, status]) => rows.get(id)?.status === status),
        );
        expect(new Map([...landed].map(([id, row]) => [id, row.status]))).toEqual(expected);
        expect(await stub.flushOutbox()).toEqual({ outboxPending: 0 });
      }),
      { numRuns: 6 },
    );
  }, 240_000);
});

describe("one order cannot hold back the outbox (issue 10)", () => {
  it("writes an order total above 2^31 fen (Postgres money is bigint)", async () => {
    const sale = await seedSale({ listPrice: 400_000_000, stock: 20, perShopperLimit: 10, tiers: [] });
    const [big, small] = await Promise.all([Shopper.create(), Shopper.create()]);
    const bigOrder = (await (await big.checkout(sale.sku, 10)).json<{ order: ApiOrder }>()).order;
    const smallOrder = (await (await small.checkout(sale.sku, 1)).json<{ order: ApiOrder }>()).order;
    expect(bigOrder.totalAmount).toBe(4_000_000_000);

    expect(await env.SKU_SALE.getByName(sale.sku).flushOutbox()).toEqual({ outboxPending: 0 });
    const rows = await postgresOrders(sale.sku);
    expect(rows.get(bigOrder.id)?.totalAmount).toBe(4_000_000_000);
    expect(rows.get(smallOrder.id)?.totalAmount).toBe(400_000_000);
  });

  it("parks an order Postgres refuses as a dead letter, lands the ones behind it, shows it, and lands it on retry after a fix", async () => {
    const sale = await seedSale({ stock: 30, perShopperLimit: 5, tiers: [] });
    const stub = env.SKU_SALE.getByName(sale.sku);
    // A rule Postgres enforces from now on (NOT VALID: old rows are not checked) that one order breaks.
    const constraint = `refuse_${sale.sku.replace(/-/g, "_")}`;
    await withPostgres((pool) =>
      pool.query(`alter table orders add constraint ${constraint} check (sku <> '${sale.sku}' or qty <> 3) not valid`),
    );
    let refused: ApiOrder;
    const landed: ApiOrder[] = [];
    const shoppers = await Promise.all(Array.from({ length: 6 }, () => Shopper.create()));
    try {
      refused = (await (await shoppers[0]!.checkout(sale.sku, 3)).json<{ order: ApiOrder }>()).order;
      for (const shopper of shoppers.slice(1)) landed.push((await (await shopper.checkout(sale.sku, 1)).json<{ order: ApiOrder }>()).order);

      expect(await stub.flushOutbox()).toEqual({ outboxPending: 0 });
      const rows = await postgresOrders(sale.sku);
      expect(landed.every((order) => rows.has(order.id))).toBe(true);
      expect(rows.has(refused.id)).toBe(false);

      const report = await reconciliationOf(sale.sku);
      expect(report).toMatchObject({ deadLettered: 1, outboxPending: 0, consistent: false });

      const listed = await admin(`/sales/${sale.sku}/dead-letters`);
      expect(listed.status).toBe(200);
      const body = await listed.json<{ total: number; deadLetters: Array<Record<string, unknown>> }>();
      expect(body.total).toBe(1);
      expect(body.deadLetters[0]).toMatchObject({ orderId: refused.id, failure: { sqlstate: "23514", constraint } });
      // Ids and the refusal only: the order row (shopper, prices) is not handed out.
      expect(JSON.stringify(body)).not.toContain(shoppers[0]!.id);

      const view = await admin(`/sales/${sale.sku}`);
      expect((await view.json<{ live: { outbox: unknown } }>()).live.outbox).toEqual({ pending: 0, deadLettered: 1 });

      // Retrying before the fix parks it again, and loses nothing.
      const early = await admin(`/sales/${sale.sku}/dead-letters/retry`, { method: "POST" });
      expect(await early.json()).toMatchObject({ requeued: 1, deadLettered: 1, outboxPending: 0 });
    } finally {
      await withPostgres((pool) => pool.query(`alter table orders drop constraint if exists ${constraint}`));
    }

    const retried = await admin(`/sales/${sale.sku}/dead-letters/retry`, { method: "POST" });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ requeued: 1, deadLettered: 0, outboxPending: 0 });
    expect((await postgresOrders(sale.sku)).get(refused!.id)).toMatchObject({ status: "pending_payment", qty: 3 });
    expect(await reconciliationOf(sale.sku)).toMatchObject({ deadLettered: 0, outboxPending: 0, consistent: true, differences: [] });
  });
});
