import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { databaseSettings } from "../../src/config.ts";
import { openDatabase } from "../../src/db/client.ts";
import { eventually } from "./postgres-support.ts";
import { advanceObjectClock, type ApiError, type ApiOrder, seedSale, Shopper, snapshot } from "./support.ts";

const MIN = 60_000;

/**
 * A presale whose deposit window is open now (issue 19): the sale starts in 10 minutes, the
 * balance window is minutes 20 to 30, the sale ends at 60. ¥50 deposits worth ¥150 off a ¥599 unit.
 */
async function presale(stock: number, forfeit: "keep" | "refund" = "refund") {
  const now = Date.now();
  return seedSale({
    stock,
    listPrice: 59_900,
    tiers: [],
    gifts: [],
    perShopperLimit: 2,
    holdSeconds: 300,
    startsAt: now + 10 * MIN,
    endsAt: now + 60 * MIN,
    presale: {
      depositPerUnit: 5_000,
      depositWorthPerUnit: 15_000,
      depositStartsAt: now - MIN,
      depositEndsAt: now + 10 * MIN,
      balanceStartsAt: now + 20 * MIN,
      balanceEndsAt: now + 30 * MIN,
      forfeit,
    },
  });
}

async function pay(shopper: Shopper, id: string, line?: "deposit" | "balance"): Promise<Response> {
  return shopper.post(`/api/orders/${id}/pay`, line ? { line } : {});
}

async function checkoutOrder(shopper: Shopper, sku: string): Promise<ApiOrder> {
  const response = await shopper.checkout(sku, 1);
  expect(response.status).toBe(201);
  return (await response.json<{ order: ApiOrder }>()).order;
}

describe("presale deposits and balance (issue 19), on the real SKU object and Postgres", () => {
  it("deposit holders and ordinary checkouts racing for the same stock never oversell", async () => {
    const sale = await presale(20);
    const depositors = await Promise.all(Array.from({ length: 20 }, () => Shopper.create()));
    // Twenty deposits at once for twenty units: each gets one, every rank once.
    const deposits = await Promise.all(depositors.map((s) => checkoutOrder(s, sale.sku)));
    expect(deposits.every((o) => o.presale?.state === "deposit_pending" && o.presale.deposit === 5_000)).toBe(true);
    expect(deposits.every((o) => o.totalAmount === 49_900 && o.presale?.balance === 44_900)).toBe(true);
    expect(new Set(deposits.map((o) => o.id)).size).toBe(20);
    // Twelve pay their deposit; the other eight holds run out (300 s) and go back on sale.
    const paid = await Promise.all(deposits.slice(0, 12).map((o, i) => pay(depositors[i]!, o.id)));
    expect(paid.map((r) => r.status)).toEqual(Array(12).fill(200));
    await advanceObjectClock(sale.sku, 10 * MIN);
    await runDurableObjectAlarm(env.SKU_SALE.getByName(sale.sku));
    // The sale is open: twenty shoppers race for the eight units left.
    const buyers = await Promise.all(Array.from({ length: 20 }, () => Shopper.create()));
    const answers = await Promise.all(buyers.map((s) => s.checkout(sale.sku, 1)));
    const created = answers.filter((r) => r.status === 201);
    expect(created).toHaveLength(8);
    for (const refused of answers.filter((r) => r.status !== 201)) {
      expect(refused.status).toBe(409);
      expect((await refused.json<ApiError>()).error.code).toBe("sold_out");
    }
    const ordinary = await Promise.all(created.map(async (r) => (await r.json<{ order: ApiOrder }>()).order));
    expect(ordinary.every((o) => o.presale === null && o.totalAmount === 59_900)).toBe(true);
    const counts = await env.SKU_SALE.getByName(sale.sku).counts();
    expect(counts.ok && counts.value.unitsByStatus).toMatchObject({ deposit_paid: 12, pending_payment: 8, expired: 8, paid: 0 });
    expect((await snapshot(sale.sku)).stock.remaining).toBe(0);
  });

  it("refuses the balance before its window with 409 and when it opens, pays it; forfeits the unpaid at the close and refunds its deposit once; both lines reach Postgres", async () => {
    const sale = await presale(5, "refund");
    const [payer, forfeiter] = [await Shopper.create(), await Shopper.create()];
    const kept = await checkoutOrder(payer, sale.sku);
    const lost = await checkoutOrder(forfeiter, sale.sku);
    for (const [shopper, order] of [
      [payer, kept],
      [forfeiter, lost],
    ] as const) {
      // The balance named before the deposit: refused, nothing charged.
      const early = await pay(shopper, order.id, "balance");
      expect(early.status).toBe(409);
      expect((await early.json<ApiError>()).error).toMatchObject({ code: "order_not_payable", status: "deposit_pending" });
      const deposit = await pay(shopper, order.id);
      expect(deposit.status).toBe(200);
      const { order: after } = await deposit.json<{ order: ApiOrder }>();
      expect(after).toMatchObject({ status: "deposit_paid", presale: { state: "deposit_paid", depositPaidAt: expect.any(Number) } });
      expect(after.presale?.depositRef).toBeTruthy();
      expect(after.expiresAt).toBe(sale.presale!.balanceEndsAt);
      // Paying again before the balance window: 409 with when it opens, nothing charged.
      const again = await pay(shopper, order.id);
      expect(again.status).toBe(409);
      expect((await again.json<ApiError>()).error).toMatchObject({ code: "balance_not_open", opensAt: sale.presale!.balanceStartsAt });
      // A retry that names the deposit (its first answer lost) is told it went through, and charges nothing.
      const retried = await pay(shopper, order.id, "deposit");
      expect(retried.status).toBe(200);
      expect(await retried.json()).toMatchObject({ changed: false, order: { status: "deposit_paid" } });
    }
    // The balance window opens: the payer pays the balance.
    await advanceObjectClock(sale.sku, 20 * MIN);
    const balance = await pay(payer, kept.id);
    expect(balance.status).toBe(200);
    const { order: settled } = await balance.json<{ order: ApiOrder }>();
    expect(settled).toMatchObject({ status: "paid", presale: { balancePaidAt: expect.any(Number) } });
    expect(settled.paymentRef).not.toBe(settled.presale?.depositRef);
    // The window closes: the alarm forfeits the other order, its unit back on sale.
    await advanceObjectClock(sale.sku, 10 * MIN);
    const stub = env.SKU_SALE.getByName(sale.sku);
    // Run the alarm until the order is forfeited: one the runtime fired itself may have been under way, having read
    // the clock before it moved, and then set the next alarm for the close; the next run is what forfeits.
    const status = async () => {
      await runDurableObjectAlarm(stub);
      return forfeiter.request(`/api/orders/${lost.id}`).then(async (r) => (await r.json<{ order: ApiOrder }>()).order.status);
    };
    expect(await eventually(status, (s) => s === "forfeited")).toBe("forfeited");
    const late = await pay(forfeiter, lost.id);
    expect(late.status).toBe(409);
    expect((await late.json<ApiError>()).error).toMatchObject({ code: "order_not_payable", status: "forfeited" });
    expect((await snapshot(sale.sku)).stock.remaining).toBe(4);
    // The deposit is refunded once, however often the alarm runs.
    const refunds = await eventually(
      () => stub.forfeitRefunds(),
      (rows) => rows.every((row) => row.refundedAt !== null),
    );
    expect(refunds).toEqual([{ orderId: lost.id, amount: 5_000, refundedAt: expect.any(Number) }]);
    await runDurableObjectAlarm(stub);
    expect(await stub.forfeitRefunds()).toEqual(refunds);

    expect((await stub.flushOutbox()).outboxPending).toBe(0);
    const { pool, close } = openDatabase(databaseSettings(env));
    try {
      const lines = await pool.query<{ order_id: string; kind: string; amount: string }>(
        "select order_id, kind, amount::text from order_payments where order_id = any($1) order by order_id, kind",
        [[kept.id, lost.id]],
      );
      expect(lines.rows).toEqual(
        [
          { order_id: kept.id, kind: "balance", amount: "44900" },
          { order_id: kept.id, kind: "deposit", amount: "5000" },
          { order_id: lost.id, kind: "deposit", amount: "5000" },
        ].sort((a, b) => (a.order_id === b.order_id ? a.kind.localeCompare(b.kind) : a.order_id < b.order_id ? -1 : 1)),
      );
      const orders = await pool.query<{ id: string; status: string; total: string; presale: { balance: number } | null }>(
        "select id, status, total_amount::text as total, presale from orders where id = any($1) order by id",
        [[kept.id, lost.id]],
      );
      expect(Object.fromEntries(orders.rows.map((r) => [r.id, [r.status, r.total, r.presale?.balance]]))).toEqual({
        [kept.id]: ["paid", "49900", 44_900],
        [lost.id]: ["forfeited", "49900", 44_900],
      });
      const events = await pool.query<{ type: string }>("select type from events where order_id = $1 order by at, type", [lost.id]);
      expect(events.rows.map((r) => r.type)).toEqual(expect.arrayContaining(["presale_deposit_paid", "presale_forfeited"]));
    } finally {
      await close();
    }
  });
});
