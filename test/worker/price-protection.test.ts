import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import { recordSkuPrice } from "../../src/membership/price-history.ts";
import { claimPriceProtection } from "../../workers/storefront/api/price-credit.ts";
import { scanPriceProtection } from "../../workers/storefront/api/price-protection-scan.ts";
import { refundOrder } from "../../workers/storefront/api/refund-order.ts";
import { freshId, insertOrder, rowsOf, setProtection, shanghai } from "./membership-support.ts";

const price = (sku: string, fen: number, at: number) =>
  withDatabase(databaseSettings(env), (db) => recordSkuPrice(db, { sku, price: fen, at, source: "test" }));
const claims = (orderId: string) =>
  rowsOf<{ amount: string; drop_price: string; source: string }>(
    "select amount, drop_price, source from price_protection_claims where order_id = $1 order by drop_price desc",
    [orderId],
  );
const refunded = async (orderId: string) =>
  Number(
    (await rowsOf<{ sum: string }>("select coalesce(sum(amount), 0) as sum from order_refunds where order_id = $1", [orderId]))[0]?.sum,
  );

/** A diamond member's ¥399 order of a fresh SKU, paid 2026-11-11 10:00 in Shanghai, the price recorded then. */
async function diamondOrder(qty = 1) {
  const shopperId = freshId("shp");
  const sku = `t-pp-${crypto.randomUUID().slice(0, 8)}`;
  await setProtection(shopperId, 365);
  const paidAt = shanghai(2026, 11, 11, 10);
  await price(sku, 39_900, paidAt - 60_000);
  const orderId = await insertOrder({ shopperId, sku, qty, total: 39_900 * qty, paidAt });
  return { shopperId, sku, orderId };
}

describe("price protection: settlement (issue 16)", () => {
  it("follows the issue's worked example end to end: ¥349 pays ¥50, ¥329 pays ¥20 more, a drop on day 366 nothing", async () => {
    const { shopperId, sku, orderId } = await diamondOrder();
    await price(sku, 34_900, shanghai(2027, 3, 1, 9));
    const first = await claimPriceProtection(env, orderId, { source: "shopper", at: shanghai(2027, 3, 1, 20), shopperId });
    expect(first.credits.map((c) => c.amount)).toEqual([5_000]);

    await price(sku, 32_900, shanghai(2027, 4, 1, 9));
    const second = await scanPriceProtection(env, shanghai(2027, 4, 1, 10));
    expect(second.credited).toBeGreaterThanOrEqual(1);
    expect((await claims(orderId)).map((c) => [Number(c.amount), c.source])).toEqual([
      [5_000, "shopper"],
      [2_000, "scan"],
    ]);

    // Day 366 (2027-11-11 in Shanghai) is outside a 365-day window; day 365 would not be.
    await price(sku, 29_900, shanghai(2027, 11, 11, 0) + 60_000);
    const late = await claimPriceProtection(env, orderId, { source: "shopper", at: shanghai(2027, 11, 12), shopperId });
    expect(late).toMatchObject({ credits: [], reason: "outside_window" });
    expect(await refunded(orderId)).toBe(7_000);
    const events = await rowsOf("select 1 from crm_outbox where shopper_id = $1 and type = 'member.price_protection_credited'", [
      shopperId,
    ]);
    expect(events).toHaveLength(2);
  });

  it("pays once when the shopper's claims and the scan meet on one drop, many at once", async () => {
    const { shopperId, sku, orderId } = await diamondOrder(2);
    await price(sku, 34_900, shanghai(2027, 3, 1, 9));
    await price(sku, 32_900, shanghai(2027, 3, 2, 9));
    const at = shanghai(2027, 3, 3);
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 6 }, () => claimPriceProtection(env, orderId, { source: "shopper", at, shopperId })),
      scanPriceProtection(env, at),
      scanPriceProtection(env, at),
    ]);
    expect(outcomes.filter((o) => o.status === "rejected")).toEqual([]);
    // (399 − 329) × 2 units, whatever the split between the drops.
    expect(await refunded(orderId)).toBe(14_000);
    const paid = await claims(orderId);
    expect(paid.reduce((sum, c) => sum + Number(c.amount), 0)).toBe(14_000);
    expect(new Set(paid.map((c) => c.drop_price)).size).toBe(paid.length);
  });

  it("credits only the units kept after a partial refund, nothing when all were refunded, and nothing for a cancelled order", async () => {
    const { shopperId, sku, orderId } = await diamondOrder(3);
    await refundOrder(env, { orderId, amount: 39_900, units: 1, reason: "return", idempotencyKey: freshId("rf"), actor: "test" });
    await price(sku, 34_900, shanghai(2027, 1, 5));
    const partial = await claimPriceProtection(env, orderId, { source: "shopper", at: shanghai(2027, 1, 6), shopperId });
    expect(partial.credits).toMatchObject([{ perUnit: 5_000, units: 2, amount: 10_000 }]);

    await refundOrder(env, { orderId, amount: 2 * 34_900, units: 2, reason: "return", idempotencyKey: freshId("rf"), actor: "test" });
    await price(sku, 30_000, shanghai(2027, 1, 7));
    const none = await claimPriceProtection(env, orderId, { source: "shopper", at: shanghai(2027, 1, 8), shopperId });
    expect(none).toMatchObject({ credits: [], reason: "all_refunded" });

    const cancelled = await insertOrder({ shopperId, sku, total: 39_900, paidAt: shanghai(2026, 12, 1), status: "cancelled" });
    const refusal = await claimPriceProtection(env, cancelled, { source: "shopper", at: shanghai(2027, 1, 8), shopperId });
    expect(refusal).toMatchObject({ credits: [], reason: "not_paid" });
  });

  it("refuses another shopper's order, and says why when nothing dropped or the tier has no protection", async () => {
    const { shopperId, orderId } = await diamondOrder();
    await expect(
      claimPriceProtection(env, orderId, { source: "shopper", at: shanghai(2027, 1, 1), shopperId: freshId("shp") }),
    ).rejects.toThrow(/no order/);
    expect(await claimPriceProtection(env, orderId, { source: "shopper", at: shanghai(2027, 1, 1), shopperId })).toMatchObject({
      reason: "not_lower",
    });
    await setProtection(shopperId, 0);
    expect(await claimPriceProtection(env, orderId, { source: "shopper", at: shanghai(2027, 1, 1), shopperId })).toMatchObject({
      reason: "outside_window",
    });
  });

  it("records a SKU's price only when it changes", async () => {
    const sku = `t-pp-${crypto.randomUUID().slice(0, 8)}`;
    expect(await price(sku, 10_000, 1_000)).toEqual({ recorded: true });
    expect(await price(sku, 10_000, 2_000)).toEqual({ recorded: false });
    expect(await price(sku, 9_000, 3_000)).toEqual({ recorded: true });
    expect(await price(sku, 10_000, 4_000)).toEqual({ recorded: true });
  });
});
