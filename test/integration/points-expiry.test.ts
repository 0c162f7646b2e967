import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { expirePoints } from "../../src/membership/points-expiry.ts";
import { holdKeyOf, holdPoints, settleHold } from "../../src/membership/points-holds.ts";
import { appendPoints, pointsBalance } from "../../src/membership/points-ledger.ts";
import { POINTS_LIFETIME_MS } from "../../src/membership/points-rules.ts";
import { pointsStatement } from "../../src/membership/points-statement.ts";
import { testShopper } from "../support/paid-orders.ts";

// Expiry (issue 16, README "Points"): each earned row lapses 365 days after it was earned, and
// what is used comes out of the oldest rows first. The clock is the `now` the job is given.
let database: ReturnType<typeof openDatabase>;
beforeAll(() => {
  const vars = inject("stackVars");
  database = openDatabase({ url: vars.DATABASE_URL, localWsProxy: vars.NEON_WS_PROXY });
});
afterAll(async () => {
  await database?.close();
});

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 10);

function earn(shopperId: string, amount: number, at: number, key: string) {
  return appendPoints(database.db, {
    shopperId,
    amount,
    reason: "order_paid",
    idempotencyKey: `${key}:${shopperId}`,
    at,
    expiresAt: at + POINTS_LIFETIME_MS,
  });
}

async function expiredRows(shopperId: string) {
  const { rows } = await database.pool.query<{ amount: number; key: string }>(
    "select amount, idempotency_key as key from points_entries where shopper_id = $1 and reason = 'expired' order by id",
    [shopperId],
  );
  return rows;
}

describe("points expiry", () => {
  it("lapses what is left of each row 365 days on, oldest used first, once however often the job runs", async () => {
    const shopperId = testShopper();
    const first = await earn(shopperId, 100, T0, "a");
    await earn(shopperId, 50, T0 + 30 * DAY, "b");
    // 120 points spent on day 40: all of the first row and 20 of the second.
    const checkout = { shopperId, sku: "expiry-sku", idempotencyKey: "spend-1" };
    await holdPoints(database.db, checkout, holdKeyOf(checkout), 120, T0 + 40 * DAY);
    await settleHold(database.db, holdKeyOf(checkout), { kind: "spent", used: 120, orderId: "ord_x" }, T0 + 40 * DAY);

    // Day 364: nothing is due yet; 30 points lapse within 30 days of day 370 (the second row's rest).
    await expirePoints(database.db, T0 + 364 * DAY, 500);
    expect(await expiredRows(shopperId)).toEqual([]);
    const soon = await pointsStatement(database.db, shopperId, T0 + 370 * DAY);
    expect(soon.expiringSoon).toEqual([{ points: 30, expiresAt: T0 + 30 * DAY + POINTS_LIFETIME_MS }]);

    // Day 365: the first row lapses with nothing left of it (a marker row of 0, left out of the statement).
    await expirePoints(database.db, T0 + 365 * DAY, 500);
    expect(await expiredRows(shopperId)).toEqual([{ amount: 0, key: `expire:${first.id}` }]);
    expect(await pointsBalance(database.db, shopperId)).toBe(30);

    // Day 395, twice and at once: the second row's 30 lapse, once.
    await Promise.all([expirePoints(database.db, T0 + 395 * DAY, 500), expirePoints(database.db, T0 + 395 * DAY, 500)]);
    await expirePoints(database.db, T0 + 400 * DAY, 500);
    expect((await expiredRows(shopperId)).map((r) => r.amount)).toEqual([0, -30]);
    expect(await pointsBalance(database.db, shopperId)).toBe(0);
    const statement = await pointsStatement(database.db, shopperId, T0 + 400 * DAY);
    // Newest first; the spend used every point it held (a settlement of 0) and the marker of 0 are left out.
    expect(statement.entries.map((e) => e.reason)).toEqual(["expired", "checkout_hold", "order_paid", "order_paid"]);
  });

  it("takes held points as used: a hold does not lapse under its checkout, and a lapse never overdraws", async () => {
    const shopperId = testShopper();
    await earn(shopperId, 200, T0, "a");
    const checkout = { shopperId, sku: "expiry-sku", idempotencyKey: "held-1" };
    await holdPoints(database.db, checkout, holdKeyOf(checkout), 150, T0 + 364 * DAY);
    await expirePoints(database.db, T0 + 366 * DAY, 500);
    expect((await expiredRows(shopperId)).map((r) => r.amount)).toEqual([-50]);
    expect(await pointsBalance(database.db, shopperId)).toBe(0);
    // The order is paid: nothing more moves.
    await settleHold(database.db, holdKeyOf(checkout), { kind: "spent", used: 150, orderId: "ord_y" }, T0 + 366 * DAY);
    expect(await pointsBalance(database.db, shopperId)).toBe(0);
  });
});
