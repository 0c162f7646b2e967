import { createExecutionContext, runDurableObjectAlarm, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import { appendPoints, pointsBalance } from "../../src/membership/points-ledger.ts";
import { POINTS_HOLD_MS } from "../../src/membership/points-rules.ts";
import worker from "../../workers/storefront/index.ts";
import { settleLeftHolds } from "../../workers/storefront/points-jobs.ts";
import { advanceObjectClock, type ApiError, type ApiOrder, Shopper, seedSale } from "./support.ts";
import { withPostgres } from "./postgres-support.ts";

// Spending points inside the TCC (issue 16) on the real Worker, SKU objects and Postgres:
// Try holds, Confirm spends, Cancel and expiry return, each once.

const PRICE = 10_000;

async function grant(shopperId: string, points: number): Promise<void> {
  await withDatabase(databaseSettings(env), (db) =>
    appendPoints(db, { shopperId, amount: points, reason: "crm_grant", idempotencyKey: `test-grant:${shopperId}`, at: Date.now() }),
  );
}

const balanceOf = (shopperId: string) => withDatabase(databaseSettings(env), (db) => pointsBalance(db, shopperId));

async function ledgerOf(shopperId: string) {
  return withPostgres(async (pool) => {
    const { rows } = await pool.query<{ amount: number; reason: string }>(
      "select amount, reason from points_entries where shopper_id = $1 order by id",
      [shopperId],
    );
    return rows;
  });
}

function tryWithPoints(shopper: Shopper, sku: string, points: number, key: string = crypto.randomUUID()) {
  return shopper.post("/api/checkout", { sku, qty: 1, points }, { "Idempotency-Key": key });
}

describe("points at checkout", () => {
  it("20 concurrent Tries spending a balance that covers 5: exactly 5 hold, the rest are refused, nothing overdrawn", async () => {
    const sale = await seedSale({ listPrice: PRICE, tiers: [], perShopperLimit: 50 });
    const shopper = await Shopper.create();
    await grant(shopper.id, 5 * 1_000);
    const answers = await Promise.all(Array.from({ length: 20 }, () => tryWithPoints(shopper, sale.sku, 1_000)));
    const placed = answers.filter((r) => r.status === 201);
    expect(placed).toHaveLength(5);
    for (const refused of answers.filter((r) => r.status !== 201)) {
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as ApiError).error.code).toBe("points_insufficient");
    }
    expect(await balanceOf(shopper.id)).toBe(0);
    const orders = await Promise.all(placed.map(async (r) => ((await r.json()) as { order: ApiOrder }).order));
    expect(orders.every((o) => o.pointsUsed === 1_000 && o.totalAmount === PRICE - 1_000)).toBe(true);
  });

  it("Confirm spends, Cancel returns, each once; a checkout without points makes no hold", async () => {
    const sale = await seedSale({ listPrice: PRICE, tiers: [], perShopperLimit: 50 });
    const shopper = await Shopper.create();
    await grant(shopper.id, 3_000);
    const toPay = ((await (await tryWithPoints(shopper, sale.sku, 1_000)).json()) as { order: ApiOrder }).order;
    const toCancel = ((await (await tryWithPoints(shopper, sale.sku, 2_000)).json()) as { order: ApiOrder }).order;
    expect(await balanceOf(shopper.id)).toBe(0);

    const paid = await shopper.post(`/api/orders/${toPay.id}/pay`, {});
    expect(paid.status).toBe(200);
    expect(((await paid.json()) as { order: ApiOrder }).order).toMatchObject({ status: "paid", totalAmount: 9_000, pointsUsed: 1_000 });
    await shopper.post(`/api/orders/${toPay.id}/pay`, {});
    expect((await shopper.post(`/api/orders/${toCancel.id}/cancel`, {})).status).toBe(200);
    await shopper.post(`/api/orders/${toCancel.id}/cancel`, {});
    // What the paid order earned comes with the outbox; the points' own rows are these.
    const own = async () => (await ledgerOf(shopper.id)).filter((r) => r.reason !== "order_paid");
    expect((await own()).reduce((sum, r) => sum + r.amount, 0)).toBe(2_000);
    // The job finds nothing left to settle, even once every wait is over.
    await settleLeftHolds(env, Date.now() + POINTS_HOLD_MS + 60_000);
    expect((await own()).map((r) => [r.reason, r.amount])).toEqual([
      ["crm_grant", 3_000],
      ["checkout_hold", -1_000],
      ["checkout_hold", -2_000],
      ["hold_spent", 0],
      ["hold_returned", 2_000],
    ]);

    const plain = await shopper.checkout(sale.sku, 1);
    expect(plain.status).toBe(201);
    expect(((await plain.json()) as { order: ApiOrder }).order.pointsUsed).toBe(0);
    expect(await own()).toHaveLength(5);
  });

  it("refuses more than half of the order, and more points than the balance, holding nothing", async () => {
    const sale = await seedSale({ listPrice: PRICE, tiers: [], perShopperLimit: 50 });
    const shopper = await Shopper.create();
    await grant(shopper.id, 8_000);
    const over = await tryWithPoints(shopper, sale.sku, 5_001);
    expect(over.status).toBe(422);
    expect(((await over.json()) as ApiError).error).toMatchObject({ code: "points_over_cap", maxPoints: 5_000 });
    const short = await tryWithPoints(shopper, sale.sku, 9_000);
    expect(short.status).toBe(409);
    expect(((await short.json()) as ApiError).error).toMatchObject({ code: "points_insufficient", available: 8_000 });
    for (const points of [0, -5, 1.5, "10"]) expect((await tryWithPoints(shopper, sale.sku, points as number)).status).toBe(400);
    expect(await balanceOf(shopper.id)).toBe(8_000);
    // A retried Try that was refused does not hold again: its hold went back, the key is spent.
    const key = crypto.randomUUID();
    expect((await tryWithPoints(shopper, sale.sku, 5_001, key)).status).toBe(422);
    expect(((await (await tryWithPoints(shopper, sale.sku, 5_001, key)).json()) as ApiError).error.code).toBe("points_unavailable");
    expect(await balanceOf(shopper.id)).toBe(8_000);
  });

  it("a checkout without points makes no call for them: it goes through with Postgres unreachable, one with points is 503", async () => {
    const sale = await seedSale({ listPrice: PRICE, tiers: [], perShopperLimit: 50 });
    const shopper = await Shopper.create();
    const unreachable = { ...env, DATABASE_URL: "postgres://nobody:nothing@127.0.0.1:9/none" };
    const tryWith = async (body: Record<string, unknown>) => {
      const ctx = createExecutionContext();
      const response = await worker.fetch(
        new Request("https://shop.test/api/checkout", {
          method: "POST",
          headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID(), Cookie: shopper.cookie },
          body: JSON.stringify({ sku: sale.sku, qty: 1, ...body }),
        }),
        unreachable,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return response;
    };
    expect((await tryWith({})).status).toBe(201);
    const withPoints = await tryWith({ points: 100 });
    expect(withPoints.status).toBe(503);
    expect(((await withPoints.json()) as ApiError).error.code).toBe("dependency_unavailable");
  });

  it("the Cron Trigger runs the points job: earned points past their year lapse", async () => {
    const shopper = await Shopper.create();
    const earnedAt = Date.now() - 400 * 86_400_000;
    await withDatabase(databaseSettings(env), (db) =>
      appendPoints(db, {
        shopperId: shopper.id,
        amount: 700,
        reason: "order_paid",
        idempotencyKey: `old-earn:${shopper.id}`,
        at: earnedAt,
        expiresAt: earnedAt + 365 * 86_400_000,
      }),
    );
    const ctx = createExecutionContext();
    await worker.scheduled({ scheduledTime: Date.now(), cron: "* * * * *", noRetry: () => undefined }, env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await balanceOf(shopper.id)).toBe(0);
    expect((await ledgerOf(shopper.id)).map((r) => [r.reason, r.amount])).toEqual([
      ["order_paid", 700],
      ["expired", -700],
    ]);
  });

  it("cancel by key gives the order's points back", async () => {
    const sale = await seedSale({ listPrice: PRICE, tiers: [], perShopperLimit: 50 });
    const shopper = await Shopper.create();
    await grant(shopper.id, 1_000);
    const key = crypto.randomUUID();
    expect((await tryWithPoints(shopper, sale.sku, 1_000, key)).status).toBe(201);
    expect(await balanceOf(shopper.id)).toBe(0);
    expect((await shopper.post("/api/checkout/cancel", { sku: sale.sku }, { "Idempotency-Key": key })).status).toBe(200);
    expect(await balanceOf(shopper.id)).toBe(1_000);
  });

  it("an order left to expire gives its points back through the settling job, once", async () => {
    const sale = await seedSale({ listPrice: PRICE, tiers: [], perShopperLimit: 50, holdSeconds: 60 });
    const shopper = await Shopper.create();
    await grant(shopper.id, 1_000);
    const { order } = (await (await tryWithPoints(shopper, sale.sku, 1_000)).json()) as { order: ApiOrder };
    // While the order waits for payment, the job leaves its hold alone.
    await settleLeftHolds(env, Date.now() + POINTS_HOLD_MS + 1_000);
    expect(await balanceOf(shopper.id)).toBe(0);
    // The object's next alarm may be its outbox's (a drain due now), then the expiry: run each
    // until the order has expired, as its own alarms would in real time.
    await advanceObjectClock(sale.sku, 61_000);
    const orderStatus = async () => ((await (await shopper.request(`/api/orders/${order.id}`)).json()) as { order: ApiOrder }).order.status;
    for (let run = 0; run < 3 && (await orderStatus()) !== "expired"; run++) await runDurableObjectAlarm(env.SKU_SALE.getByName(sale.sku));
    expect(await orderStatus()).toBe("expired");
    const later = Date.now() + POINTS_HOLD_MS + 61_000;
    const settled = await Promise.all([settleLeftHolds(env, later), settleLeftHolds(env, later)]);
    expect(settled.sort()).toEqual([0, 1]);
    expect(await balanceOf(shopper.id)).toBe(1_000);
    expect((await ledgerOf(shopper.id)).map((r) => r.reason)).toEqual(["crm_grant", "checkout_hold", "hold_returned"]);
    expect((await shopper.request(`/api/orders/${order.id}`)).status).toBe(200);
  });

  it("the order page uses points on an unpaid order, and changing them gives the first hold back", async () => {
    const sale = await seedSale({ listPrice: PRICE, tiers: [], perShopperLimit: 50 });
    const shopper = await Shopper.create();
    await grant(shopper.id, 4_000);
    const { order } = (await (await shopper.checkout(sale.sku, 1)).json()) as { order: ApiOrder };
    const use = (points: number, key = crypto.randomUUID()) =>
      shopper.post(`/api/orders/${order.id}/points`, { points }, { "Idempotency-Key": key });
    const first = await use(3_000);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { order: ApiOrder }).order).toMatchObject({ pointsUsed: 3_000, totalAmount: 7_000 });
    expect(await balanceOf(shopper.id)).toBe(1_000);
    const second = await use(4_000);
    expect(((await second.json()) as { order: ApiOrder }).order).toMatchObject({ pointsUsed: 4_000, totalAmount: 6_000 });
    expect(await balanceOf(shopper.id)).toBe(0);
    const none = await use(0);
    expect(((await none.json()) as { order: ApiOrder }).order).toMatchObject({ pointsUsed: 0, totalAmount: PRICE });
    expect(await balanceOf(shopper.id)).toBe(4_000);
    expect((await use(6_000)).status).toBe(409);
  });
});
