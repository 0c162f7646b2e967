import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import { memberStanding } from "../../src/membership/member-standing.ts";
import { pointsBalance } from "../../src/membership/points-ledger.ts";
import { refundOrder } from "../../workers/storefront/api/refund-order.ts";
import { recomputeTiers } from "../../workers/storefront/api/tier-recompute.ts";
import { runScheduledJobs } from "../../workers/storefront/scheduled.ts";
import { DAY, freshId, insertOrder, memberRow, rowsOf, seedTierCoupon, testTiers } from "./membership-support.ts";

const wallet = (shopperId: string, templateId: string) => env.COUPON_POOL.getByName(templateId).wallet(shopperId);

describe("member tiers: recompute (issue 16)", () => {
  it("puts a member in the tier their 12-month spend reaches, writes the row and tells the CRM, once", async () => {
    const couponId = await seedTierCoupon();
    const tiers = testTiers(couponId);
    const shopperId = freshId("shp");
    const now = Date.now();
    await insertOrder({ shopperId, sku: "t-tiers", total: 300_000, paidAt: now - 10 * DAY });
    await insertOrder({ shopperId, sku: "t-tiers", total: 250_000, paidAt: now - 5 * DAY });
    // Paid 400 days ago: out of the 12-month window.
    await insertOrder({ shopperId, sku: "t-tiers", total: 5_000_000, paidAt: now - 400 * DAY });
    // Cancelled: never a purchase.
    await insertOrder({ shopperId, sku: "t-tiers", total: 5_000_000, paidAt: now - DAY, status: "cancelled" });

    const [result] = await recomputeTiers(env, [shopperId], now, tiers);
    expect(result).toMatchObject({ from: null, to: "gold", standing: { spend12m: 550_000 } });
    expect(await memberRow(shopperId)).toMatchObject({
      tier: "gold",
      protection_days: 90,
      points_multiplier_percent: 150,
      recompute_due: false,
    });
    const events = await rowsOf<{ type: string }>("select type from crm_outbox where shopper_id = $1 order by type", [shopperId]);
    expect(events.map((e) => e.type)).toEqual([
      "member.benefit_granted",
      "member.benefit_granted",
      "member.benefit_granted",
      "member.tier_changed",
    ]);
    // The gold coupon arrived in the shopper's wallet, the welcome points in the ledger.
    expect(await wallet(shopperId, couponId)).toHaveLength(1);
    expect(await withDatabase(databaseSettings(env), (db) => pointsBalance(db, shopperId))).toBe(300);

    // Recomputing again changes nothing and grants nothing.
    await recomputeTiers(env, [shopperId], now + 1_000, tiers);
    expect(await rowsOf("select 1 from crm_outbox where shopper_id = $1", [shopperId])).toHaveLength(4);
    expect(await wallet(shopperId, couponId)).toHaveLength(1);
  });

  it("moves down on a refund and up again without granting the tier's benefits a second time", async () => {
    const couponId = await seedTierCoupon();
    const tiers = testTiers(couponId);
    const shopperId = freshId("shp");
    const now = Date.now();
    const orderId = await insertOrder({ shopperId, sku: "t-tiers", total: 600_000, paidAt: now - DAY });
    await recomputeTiers(env, [shopperId], now, tiers);
    expect((await memberRow(shopperId))?.tier).toBe("gold");

    await refundOrder(env, { orderId, amount: 200_000, units: 0, reason: "goodwill", idempotencyKey: freshId("rf"), actor: "test" }, now);
    expect((await memberRow(shopperId))?.recompute_due).toBe(true);
    await recomputeTiers(env, [shopperId], now + 1_000, tiers);
    expect(await memberRow(shopperId)).toMatchObject({ tier: "silver", spend_12m: "400000", protection_days: 30 });

    await insertOrder({ shopperId, sku: "t-tiers", total: 200_000, paidAt: now + 2_000 });
    await recomputeTiers(env, [shopperId], now + 3_000, tiers);
    expect((await memberRow(shopperId))?.tier).toBe("gold");
    const grants = await rowsOf<{ idempotency_key: string }>("select idempotency_key from benefit_grants where shopper_id = $1", [
      shopperId,
    ]);
    expect(grants).toHaveLength(3);
    expect(await wallet(shopperId, couponId)).toHaveLength(1);
    expect(await withDatabase(databaseSettings(env), (db) => pointsBalance(db, shopperId))).toBe(300);
    const changes = await rowsOf("select 1 from crm_outbox where shopper_id = $1 and type = 'member.tier_changed'", [shopperId]);
    expect(changes).toHaveLength(3);
  });

  it("grants once when many recomputes of one member run at once", async () => {
    const couponId = await seedTierCoupon();
    const tiers = testTiers(couponId);
    const shopperId = freshId("shp");
    const now = Date.now();
    await insertOrder({ shopperId, sku: "t-tiers", total: 700_000, paidAt: now - DAY });
    await Promise.all(Array.from({ length: 8 }, (_, i) => recomputeTiers(env, [shopperId], now + i, tiers)));
    expect(await rowsOf("select 1 from benefit_grants where shopper_id = $1", [shopperId])).toHaveLength(3);
    expect(await rowsOf("select 1 from crm_outbox where shopper_id = $1 and type = 'member.tier_changed'", [shopperId])).toHaveLength(1);
    expect(await rowsOf("select 1 from points_entries where shopper_id = $1", [shopperId])).toHaveLength(1);
    expect(await wallet(shopperId, couponId)).toHaveLength(1);
  });

  it("retries a coupon whose delivery failed on the member's next recompute", async () => {
    const couponId = `tier-missing-${crypto.randomUUID().slice(0, 6)}`;
    const tiers = testTiers(couponId);
    const shopperId = freshId("shp");
    const now = Date.now();
    await insertOrder({ shopperId, sku: "t-tiers", total: 600_000, paidAt: now - DAY });
    // The template is not in KV yet: recorded, not delivered.
    const [first] = await recomputeTiers(env, [shopperId], now, tiers);
    expect(first?.undelivered).toHaveLength(1);
    await seedTierCoupon({ id: couponId });
    const [second] = await recomputeTiers(env, [shopperId], now + 1_000, tiers);
    expect(second?.undelivered).toHaveLength(1);
    expect(await wallet(shopperId, couponId)).toHaveLength(1);
    const [third] = await recomputeTiers(env, [shopperId], now + 2_000, tiers);
    expect(third?.undelivered).toHaveLength(0);
  });

  it("the Cron Trigger's tier job takes members marked due; memberStanding reads the row with the configuration", async () => {
    const couponId = await seedTierCoupon();
    const tiers = testTiers(couponId);
    await env.SALES.put("membership:tiers", JSON.stringify(tiers));
    const shopperId = freshId("shp");
    const now = Date.now();
    await insertOrder({ shopperId, sku: "t-tiers", total: 150_000, paidAt: now - DAY });
    await rowsOf("insert into members (shopper_id, recompute_due) values ($1, true)", [shopperId]);
    await runScheduledJobs(env, now, createExecutionContext());
    expect((await memberRow(shopperId))?.tier).toBe("silver");
    const standing = await withDatabase(databaseSettings(env), (db) => memberStanding(db, shopperId, tiers));
    expect(standing).toMatchObject({
      tier: "silver",
      tierName: { en: "Silver" },
      spend12m: 150_000,
      next: { tier: "gold", spendToGo: 350_000, pointsToGo: null, percent: 30 },
      benefits: { protectionDays: 30 },
    });
  });
});
