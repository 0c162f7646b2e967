import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { databaseSettings } from "../../src/config.ts";
import { withDatabase } from "../../src/db/client.ts";
import { recordSkuPrice } from "../../src/membership/price-history.ts";
import { type TierConfig, TIER_CONFIG_KEY } from "../../src/membership/tier-config.ts";
import { admin } from "./admin-support.ts";
import { insertOrder, rowsOf, seedTierCoupon, setProtection, testTiers } from "./membership-support.ts";
import { type ApiError, Shopper } from "./support.ts";

type Saved = { tiers: TierConfig };
const DAY = 86_400_000;

describe("member tiers and price protection: the routes (issue 16)", () => {
  it("saves the tier document in versions, audited, listing every problem of a bad one and refusing a stale version", async () => {
    await env.SALES.delete(TIER_CONFIG_KEY);
    const couponId = await seedTierCoupon();
    const { id: _id, version: _v, updatedAt: _u, updatedBy: _b, ...draft } = testTiers(couponId);

    const bad = await admin("/membership/tiers", {
      method: "PUT",
      actor: "mia",
      body: {
        ...draft,
        expectedVersion: 0,
        tiers: [draft.tiers[1], { ...draft.tiers[0], benefits: { ...draft.tiers[0]!.benefits, couponTemplates: ["nope-nope"] } }],
      },
    });
    expect(bad.status).toBe(400);
    const problems = ((await bad.json()) as ApiError).error.problems as string[];
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^tiers\.1\.minSpend: must be above 500000/)]));

    const unknownCoupon = await admin("/membership/tiers", {
      method: "PUT",
      actor: "mia",
      body: {
        ...draft,
        expectedVersion: 0,
        tiers: [{ ...draft.tiers[0], benefits: { ...draft.tiers[0]!.benefits, couponTemplates: ["nope-nope"] } }],
      },
    });
    expect(unknownCoupon.status).toBe(400);
    expect(((await unknownCoupon.json()) as ApiError).error.problems).toEqual([
      'tiers.0.benefits.couponTemplates.0: no coupon template "nope-nope"',
    ]);

    // Postgres is shared by every test file (the browser's tier saves too), and its audit log
    // takes one row per version: start from a version no other test saves.
    const base = 1_000 + Math.floor(Math.random() * 1_000_000);
    await env.SALES.put(TIER_CONFIG_KEY, JSON.stringify({ ...testTiers(couponId), version: base }));
    const first = await admin("/membership/tiers", { method: "PUT", actor: "mia", body: { ...draft, expectedVersion: base } });
    expect(first.status).toBe(200);
    expect(((await first.json()) as Saved).tiers).toMatchObject({ version: base + 1, updatedBy: "mia" });
    const stale = await admin("/membership/tiers", { method: "PUT", actor: "leo", body: { ...draft, expectedVersion: base } });
    expect(stale.status).toBe(409);
    const second = await admin("/membership/tiers", {
      method: "PUT",
      actor: "leo",
      body: { ...draft, timeZone: "Asia/Hong_Kong", expectedVersion: base + 1 },
    });
    expect(second.status).toBe(200);

    const read = (await (await admin("/membership/tiers")).json()) as Saved;
    expect(read.tiers).toMatchObject({ version: base + 2, timeZone: "Asia/Hong_Kong" });
    const history = (await (await admin("/membership/tiers/history")).json()) as { versions: TierConfig[] };
    expect(history.versions.map((v) => v.version).slice(0, 2)).toEqual([base + 2, base + 1]);
    const audit = (await (await admin("/membership/tiers/audit")).json()) as {
      entries: Array<{ actor: string; action: string; version: number }>;
    };
    expect(audit.entries.slice(0, 2).map((e) => [e.actor, e.action, e.version])).toEqual([
      ["leo", "update", base + 2],
      ["mia", "update", base + 1],
    ]);
    await env.SALES.delete(TIER_CONFIG_KEY);
  });

  it("answers the shopper's standing on /api/me/membership, recomputed on read", async () => {
    const shopper = await Shopper.create();
    await insertOrder({ shopperId: shopper.id, sku: "t-me", total: 120_000, paidAt: Date.now() - DAY });
    const response = await shopper.request("/api/me/membership");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { spend12m: number; priceProtection: { total: number } };
    expect(body).toMatchObject({ spend12m: 120_000, priceProtection: { total: 0, credits: [] } });
  });

  it("claims price protection for the shopper's order: the credit, then 409 no_price_credit with the reason", async () => {
    const shopper = await Shopper.create();
    const sku = `t-pp-${crypto.randomUUID().slice(0, 8)}`;
    await setProtection(shopper.id, 365);
    const paidAt = Date.now() - 10 * DAY;
    const orderId = await insertOrder({ shopperId: shopper.id, sku, total: 39_900, paidAt });
    await withDatabase(databaseSettings(env), (db) => recordSkuPrice(db, { sku, price: 34_900, at: paidAt + DAY, source: "test" }));
    const claim = () => shopper.post(`/api/orders/${orderId}/price-protection`, {}, { "Idempotency-Key": crypto.randomUUID() });

    const [a, b] = await Promise.all([claim(), claim()]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const paid = (await (a.status === 200 ? a : b).json()) as { total: number };
    expect(paid.total).toBe(5_000);
    const refused = (await (a.status === 409 ? a : b).json()) as ApiError;
    expect(refused.error).toMatchObject({ code: "no_price_credit", reason: "not_lower" });

    const other = await Shopper.create();
    const notYours = await other.post(`/api/orders/${orderId}/price-protection`, {}, { "Idempotency-Key": crypto.randomUUID() });
    expect(notYours.status).toBe(404);
    const noKey = await shopper.post(`/api/orders/${orderId}/price-protection`, {});
    expect(noKey.status).toBe(400);

    const me = (await (await shopper.request("/api/me/membership")).json()) as { priceProtection: { total: number; credits: unknown[] } };
    expect(me.priceProtection).toMatchObject({ total: 5_000, credits: [{ orderId, amount: 5_000, dropPrice: 34_900 }] });

    const report = await admin(`/price-protection/claims?sku=${sku}`);
    expect(report.status).toBe(200);
    expect(await report.json()).toMatchObject({
      total: { claims: 1, amount: 5_000 },
      bySku: [{ sku, claims: 1, amount: 5_000 }],
      byDay: [{ day: new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(Date.now()), claims: 1, amount: 5_000 }],
      claims: [{ orderId, amount: 5_000, source: "shopper" }],
    });
    const lookup = await admin(`/members/${shopper.id}`);
    expect(lookup.status).toBe(200);
    // The credit's refund marked the member due, and the read above recomputed them: no tiers are configured here.
    expect(await lookup.json()).toMatchObject({ shopperId: shopper.id, tier: null, protectionDays: 0, spend12m: 39_900 - 5_000 });
  });

  it("records a live sale's selling price when the admin saves it", async () => {
    const sku = `a-${crypto.randomUUID().slice(0, 18)}`;
    const now = Date.now();
    const created = await admin("/sales", {
      method: "POST",
      actor: "mia",
      body: { sku, title: "Priced", listPrice: 39_900, stock: 10, startsAt: now - 60_000, endsAt: now + 3_600_000 },
    });
    expect(created.status).toBe(201);
    const prices = await rowsOf<{ price: string; source: string }>("select price, source from sku_prices where sku = $1", [sku]);
    expect(prices.map((row) => [Number(row.price), row.source])).toEqual([[39_900, "admin"]]);
  });
});
