import { describe, expect, it } from "vitest";
import type { PresaleOrderSummary } from "../../src/presale-view/presale-timeline.ts";
import { DAY } from "./membership-support.ts";
import { withPostgres } from "./postgres-support.ts";
import { Shopper } from "./support.ts";

/**
 * `GET /api/me/presale-orders` (issue 19, /me's "My presale orders"): the shopper's own presale
 * orders from Postgres, newest first, each with its state read by the SKU object's rule: a paid
 * deposit is deposit_paid before the balance window, balance_due in it, and forfeited once it
 * closed even before the object's alarm wrote that. Nobody else's orders, and no ordinary ones.
 */
async function insertOrder(shopperId: string, status: string, presale: Record<string, unknown> | null, createdAt: number) {
  const id = `ord_b-presale-api_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  await withPostgres((pool) =>
    pool.query(
      `insert into orders (id, sku, shopper_id, qty, unit_prices, ranks, total_amount, status, idempotency_key, created_at, updated_at, presale)
       values ($1, 'b-presale-api', $2, 1, '[29950]', '[1]', 19950, $3, $4, $5, $5, $6)`,
      [id, shopperId, status, crypto.randomUUID(), new Date(createdAt), presale === null ? null : JSON.stringify(presale)],
    ),
  );
  return id;
}

const line = (opensAt: number, closesAt: number) => ({
  deposit: 5_000,
  depositWorth: 15_000,
  balance: 14_950,
  balanceOpensAt: opensAt,
  balanceClosesAt: closesAt,
  forfeit: "keep",
  depositPaidAt: opensAt - DAY,
  depositRef: "local_dep",
  balancePaidAt: null,
});

describe("GET /api/me/presale-orders", () => {
  it("lists only the shopper's presale orders, newest first, each state by the clock", async () => {
    const shopper = await Shopper.create();
    const other = await Shopper.create();
    const now = Date.now();
    const waiting = await insertOrder(shopper.id, "deposit_paid", line(now + DAY, now + 2 * DAY), now - 1_000);
    const due = await insertOrder(shopper.id, "deposit_paid", line(now - DAY, now + DAY), now - 2_000);
    const closed = await insertOrder(shopper.id, "deposit_paid", line(now - 2 * DAY, now - DAY), now - 3_000);
    await insertOrder(shopper.id, "paid", null, now - 4_000);
    await insertOrder(other.id, "deposit_paid", line(now + DAY, now + 2 * DAY), now);

    const response = await shopper.request("/api/me/presale-orders");
    expect(response.status).toBe(200);
    const { orders } = await response.json<{ orders: PresaleOrderSummary[] }>();
    expect(orders.map((o) => [o.id, o.status, o.presale.state])).toEqual([
      [waiting, "deposit_paid", "deposit_paid"],
      [due, "deposit_paid", "balance_due"],
      [closed, "deposit_paid", "forfeited"],
    ]);
    expect(orders[0]!.presale).toMatchObject({ deposit: 5_000, depositWorth: 15_000, balance: 14_950, forfeit: "keep" });

    const theirs = await (await other.request("/api/me/presale-orders")).json<{ orders: PresaleOrderSummary[] }>();
    expect(theirs.orders.map((o) => o.sku)).toEqual(["b-presale-api"]);
  });
});
