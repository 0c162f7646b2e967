import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { databaseSettings } from "../../src/config.ts";
import { openDatabase } from "../../src/db/client.ts";
import { writeOrderEvents } from "../../src/orders/order-sink.ts";
import { outboxEvent, paidOrder, pendingOrder, testShopper } from "../support/paid-orders.ts";
import { admin } from "./admin-support.ts";
import { withPostgres } from "./postgres-support.ts";
import type { ApiError } from "./support.ts";

// The admin refunds route (issue 16) on the real Worker and Postgres: refunds checked with the
// order's row locked, once per Idempotency-Key, and the order's points taken back in proportion.

/** A paid order in Postgres, as the outbox writes it (its points earned with it). */
async function paidInPostgres(totalAmount: number, invoice: "paper" | "electronic" = "paper") {
  const shopperId = testShopper();
  const order = pendingOrder(shopperId, totalAmount);
  const { db, close } = openDatabase(databaseSettings(env));
  try {
    await writeOrderEvents(db, [outboxEvent(order)]);
    await writeOrderEvents(db, [outboxEvent({ ...paidOrder(order), invoiceKind: invoice })]);
  } finally {
    await close();
  }
  return order;
}

function refund(orderId: string, key: string, body: unknown) {
  return admin(`/orders/${orderId}/refunds`, { method: "POST", body, headers: { "Idempotency-Key": key } });
}

const ledgerOf = (shopperId: string) =>
  withPostgres(async (pool) => {
    const { rows } = await pool.query<{ amount: number; reason: string }>(
      "select amount, reason from points_entries where shopper_id = $1 order by id",
      [shopperId],
    );
    return rows;
  });

describe("POST /admin/api/orders/{id}/refunds", () => {
  it("refunds in parts, taking back the order's points in proportion, and a full refund takes back all of both rows", async () => {
    const order = await paidInPostgres(39_900, "electronic");
    const earned = await ledgerOf(order.shopperId);
    expect(earned).toHaveLength(2);
    expect(earned).toEqual(
      expect.arrayContaining([
        { amount: 399, reason: "order_paid" },
        { amount: 399, reason: "electronic_invoice" },
      ]),
    );
    const first = await refund(order.id, "refund-part-1", { amount: 10_000, units: 0, reason: "goodwill" });
    expect(first.status).toBe(201);
    const { refund: made } = (await first.json()) as { refund: { id: string; amount: number; actor: string } };
    expect(made).toMatchObject({ amount: 10_000, actor: "admin" });
    const second = await refund(order.id, "refund-part-2", { amount: 29_900, units: 2, reason: "return" });
    expect(second.status).toBe(201);
    const ledger = await ledgerOf(order.shopperId);
    // floor(798 × 10000 / 39900) = 200, then the rest: 598.
    expect(ledger.slice(2)).toEqual([
      { amount: -200, reason: "order_refunded" },
      { amount: -598, reason: "order_refunded" },
    ]);
    expect(ledger.reduce((sum, row) => sum + row.amount, 0)).toBe(0);

    const listed = await admin(`/orders/${order.id}/refunds`);
    expect(listed.status).toBe(200);
    const { refunds } = (await listed.json()) as { refunds: { amount: number }[] };
    expect(refunds.map((r) => r.amount).sort()).toEqual([10_000, 29_900]);

    const more = await refund(order.id, "refund-part-3", { amount: 1, units: 0, reason: "goodwill" });
    expect(more.status).toBe(409);
    expect(((await more.json()) as ApiError).error).toMatchObject({ code: "not_refundable", refundableAmount: 0 });
  });

  it("refunds once for the same key twice, and refuses the key with other figures", async () => {
    const order = await paidInPostgres(20_000);
    const body = { amount: 5_000, units: 0, reason: "goodwill" };
    const [a, b] = await Promise.all([refund(order.id, "same-key-1", body), refund(order.id, "same-key-1", body)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const ids = await Promise.all([a, b].map(async (r) => ((await r.json()) as { refund: { id: string } }).refund.id));
    expect(new Set(ids).size).toBe(1);
    const replay = await refund(order.id, "same-key-1", body);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    const other = await refund(order.id, "same-key-1", { ...body, amount: 4_000 });
    expect(other.status).toBe(422);
    const sums = await withPostgres((pool) =>
      pool.query<{ n: string; amount: string }>("select count(*) as n, sum(amount) as amount from order_refunds where order_id = $1", [
        order.id,
      ]),
    );
    expect(sums.rows[0]).toEqual({ n: "1", amount: "5000" });
    expect((await ledgerOf(order.shopperId)).map((r) => r.amount)).toEqual([200, -50]);
  });

  it("never refunds more than was paid when many refunds of one order race", async () => {
    const order = await paidInPostgres(10_000);
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        refund(order.id, `race-${i}-${order.id.slice(-8)}`, { amount: 3_000, units: 0, reason: "goodwill" }),
      ),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(13);
    const sums = await withPostgres((pool) =>
      pool.query<{ amount: string }>("select sum(amount) as amount from order_refunds where order_id = $1", [order.id]),
    );
    expect(Number(sums.rows[0]?.amount)).toBe(9_000);
    // 100 points earned; three refunds of 30 % take back 30 each.
    expect((await ledgerOf(order.shopperId)).map((r) => r.amount)).toEqual([100, -30, -30, -30]);
  });

  it("answers bad input with a 4xx and writes nothing", async () => {
    const order = await paidInPostgres(10_000);
    for (const body of [
      { amount: 0, units: 0, reason: "goodwill" },
      { amount: 1.5, units: 0, reason: "goodwill" },
      { amount: 100, units: -1, reason: "return" },
      { amount: 100, units: 0, reason: "price_protection" },
    ]) {
      expect((await refund(order.id, "bad-input-1", body)).status).toBe(400);
    }
    expect((await refund("not-an-order", "bad-input-2", { amount: 100, units: 0, reason: "goodwill" })).status).toBe(404);
    const missing = await admin(`/orders/${order.id}/refunds`, { method: "POST", body: { amount: 100, units: 0, reason: "goodwill" } });
    expect(missing.status).toBe(400);
    const unknown = await refund(`${order.id.slice(0, -4)}zzzz`, "bad-input-3", { amount: 100, units: 0, reason: "goodwill" });
    expect(unknown.status).toBe(404);
    const sums = await withPostgres((pool) => pool.query("select count(*)::int as n from order_refunds where order_id = $1", [order.id]));
    expect(sums.rows[0]).toEqual({ n: 0 });
  });
});

describe("GET /admin/api/shoppers/{id}/points", () => {
  it("shows the balance and the ledger", async () => {
    const order = await paidInPostgres(12_300);
    const response = await admin(`/shoppers/${order.shopperId}/points`);
    expect(response.status).toBe(200);
    const statement = (await response.json()) as { balance: number; held: number; entries: { amount: number; reason: string }[] };
    expect(statement).toMatchObject({ balance: 123, held: 0, entries: [{ amount: 123, reason: "order_paid" }] });
    expect((await admin("/shoppers/not-a-shopper/points")).status).toBe(404);
  });
});
