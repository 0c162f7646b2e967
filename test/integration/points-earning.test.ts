import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { webhookIdOf } from "../../src/membership/crm-events.ts";
import { pointsBalance } from "../../src/membership/points-ledger.ts";
import { POINTS_LIFETIME_MS } from "../../src/membership/points-rules.ts";
import { writeOrderEvents } from "../../src/orders/order-sink.ts";
import { outboxEvent, paidOrder, pendingOrder, testShopper } from "../support/paid-orders.ts";

// Earning on payment (issue 16, brief contract 1), in the outbox's own transaction, against
// the real Postgres. Each test has shoppers and orders of its own.
let database: ReturnType<typeof openDatabase>;
beforeAll(() => {
  const vars = inject("stackVars");
  database = openDatabase({ url: vars.DATABASE_URL, localWsProxy: vars.NEON_WS_PROXY });
});
afterAll(async () => {
  await database?.close();
});

async function ledgerOf(shopperId: string) {
  const { rows } = await database.pool.query<{ amount: number; reason: string; key: string; order_id: string; at: Date; expires_at: Date }>(
    "select amount, reason, idempotency_key as key, order_id, at, expires_at from points_entries where shopper_id = $1 order by reason desc, idempotency_key",
    [shopperId],
  );
  return rows;
}

async function webhooksOf(shopperId: string) {
  const { rows } = await database.pool.query<{ id: string; type: string; payload: { data: Record<string, unknown> } }>(
    "select id, type, payload from crm_outbox where shopper_id = $1 order by id",
    [shopperId],
  );
  return rows;
}

describe("earning points on payment", () => {
  it("earns 1 point per whole yuan times the multiplier, doubled once for an electronic invoice, however often the batch is replayed", async () => {
    const shopperId = testShopper();
    // A gold member earning 150 %: ¥399.99 paid → floor(399 × 150 / 100) = 598 points.
    await database.pool.query("insert into members (shopper_id, points_multiplier_percent, recompute_due) values ($1, 150, false)", [
      shopperId,
    ]);
    const order = pendingOrder(shopperId, 39_999);
    await writeOrderEvents(database.db, [outboxEvent(order, "checkout")]);
    // The shopper chose an electronic invoice when paying: the paid order carries it to orders.invoice_kind.
    const paid = outboxEvent({ ...paidOrder(order), invoiceKind: "electronic" }, "payment confirmed");
    await writeOrderEvents(database.db, [paid]);
    await writeOrderEvents(database.db, [paid]);
    await writeOrderEvents(database.db, [outboxEvent(order), paid]);

    const ledger = await ledgerOf(shopperId);
    expect(ledger.map(({ amount, reason, key }) => ({ amount, reason, key }))).toEqual([
      { amount: 598, reason: "order_paid", key: `earn:${order.id}` },
      { amount: 598, reason: "electronic_invoice", key: `earn-invoice:${order.id}` },
    ]);
    expect(ledger[0]?.at.getTime()).toBe(paid.order.updatedAt);
    expect(ledger[0]?.expires_at.getTime()).toBe(paid.order.updatedAt + POINTS_LIFETIME_MS);
    expect(await pointsBalance(database.db, shopperId)).toBe(1_196);

    const { rows: member } = await database.pool.query("select recompute_due from members where shopper_id = $1", [shopperId]);
    expect(member).toEqual([{ recompute_due: true }]);

    const webhooks = await webhooksOf(shopperId);
    expect(webhooks.map((w) => w.id).sort()).toEqual(
      (await Promise.all([webhookIdOf(`earn:${order.id}`), webhookIdOf(`earn-invoice:${order.id}`)])).sort(),
    );
    expect(webhooks.every((w) => w.type === "member.points_earned")).toBe(true);
    expect(webhooks.map((w) => w.payload.data).sort((a, b) => String(a.reason).localeCompare(String(b.reason)))).toMatchObject([
      { shopperId, points: 598, reason: "electronic_invoice", orderId: order.id },
      { shopperId, points: 598, reason: "order_paid", orderId: order.id },
    ]);
  });

  it("earns at 100 % for a shopper with no member row yet, and creates the row due for recomputing", async () => {
    const shopperId = testShopper();
    const order = pendingOrder(shopperId, 12_345);
    await writeOrderEvents(database.db, [outboxEvent(order), outboxEvent(paidOrder(order))]);
    expect((await ledgerOf(shopperId)).map((r) => [r.reason, r.amount])).toEqual([["order_paid", 123]]);
    const { rows } = await database.pool.query("select recompute_due, points_multiplier_percent from members where shopper_id = $1", [
      shopperId,
    ]);
    expect(rows).toEqual([{ recompute_due: true, points_multiplier_percent: 100 }]);
  });

  it("earns nothing for orders not paid, nor for less than ¥1", async () => {
    const shopperId = testShopper();
    const unpaid = pendingOrder(shopperId, 50_000);
    const tiny = pendingOrder(shopperId, 99);
    await writeOrderEvents(database.db, [outboxEvent(unpaid), outboxEvent(tiny), outboxEvent(paidOrder(tiny))]);
    expect(await ledgerOf(shopperId)).toEqual([]);
    expect(await webhooksOf(shopperId)).toEqual([]);
  });

  it("earns once when overlapping batches with the same payments are written concurrently", async () => {
    const shopperId = testShopper();
    const orders = Array.from({ length: 12 }, (_, i) => pendingOrder(shopperId, 10_000 + i * 100));
    await writeOrderEvents(
      database.db,
      orders.map((o) => outboxEvent(o)),
    );
    const paid = orders.map((o) => outboxEvent(paidOrder(o)));
    await Promise.all(Array.from({ length: 6 }, (_, w) => writeOrderEvents(database.db, paid.slice(w, w + 7).concat(paid.slice(0, 2)))));
    const ledger = await ledgerOf(shopperId);
    expect(ledger).toHaveLength(12);
    expect(await pointsBalance(database.db, shopperId)).toBe(orders.reduce((sum, o) => sum + Math.floor(o.totalAmount / 100), 0));
    expect(await webhooksOf(shopperId)).toHaveLength(12);
  });
});
