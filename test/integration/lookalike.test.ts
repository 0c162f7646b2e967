import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { queueAudience, readAudience, readPool } from "../../src/audiences/audience-store.ts";
import type { ShopperFacts } from "../../src/audiences/features.ts";
import { buildLookalike } from "../../src/audiences/lookalike.ts";
import { generatePopulation, precisionOf } from "../../src/audiences/population.ts";
import { openDatabase } from "../../src/db/client.ts";
import { events, lookalikeAudienceMembers, orderStatusHistory, orders, rfmScores } from "../../src/db/schema.ts";
import { buildQueuedAudiences } from "../../scripts/audiences/lookalike.ts";

/**
 * Lookalike audiences (issue 18) in Node: the measurement on the generated population
 * (the same generator and RNG seed as `npm run eval:lookalike`), and the job against the test
 * Postgres: a planted population written as events, paid orders and RFM scores, read back as
 * the same facts, and built into an audience of this test's own shoppers.
 */
let database: ReturnType<typeof openDatabase>;
beforeAll(() => {
  const vars = inject("stackVars");
  database = openDatabase({ url: vars.DATABASE_URL, localWsProxy: vars.NEON_WS_PROXY });
});
afterAll(async () => {
  await database?.close();
});

const DAY = 86_400_000;
const tag = () => crypto.randomUUID().replaceAll("-", "").slice(0, 10);

/** Writes a shopper's facts as the rows they come from: a view event per view, an order per category bought, their RFM scores. */
async function writeShoppers(pool: readonly ShopperFacts[], skuPrefix: string, now: number): Promise<void> {
  const eventRows: Array<typeof events.$inferInsert> = [];
  const orderRows: Array<typeof orders.$inferInsert> = [];
  const paidRows: Array<typeof orderStatusHistory.$inferInsert> = [];
  const scoreRows: Array<typeof rfmScores.$inferInsert> = [];
  for (const s of pool) {
    const devices = (["phone", "tablet", "desktop"] as const).flatMap((d) => Array<string>(s.devices[d]).fill(d));
    const locales = [...Array<string>(s.locales.zh).fill("zh-CN"), ...Array<string>(s.locales.en).fill("en")];
    let n = 0;
    for (const [category, count] of Object.entries(s.views)) {
      for (let i = 0; i < count; i++, n++) {
        const at = new Date(now - (n + 1) * 60_000);
        eventRows.push({
          id: `evt_${tag()}${n}`,
          type: "product_view",
          shopperId: s.shopperId,
          at,
          receivedAt: at,
          sku: `${skuPrefix}-${category}`,
          category,
          device: devices[n % Math.max(1, devices.length)] ?? "phone",
          locale: locales[n % Math.max(1, locales.length)] ?? null,
        });
      }
    }
    const bought = Object.entries(s.purchases);
    bought.forEach(([category, units], i) => {
      const id = `ord_${tag()}${i}`;
      const paidAt = new Date(now - (s.recencyDays ?? 0) * DAY - i * 1000);
      const total = Math.round(s.spentFen / bought.length);
      orderRows.push({
        id,
        sku: `${skuPrefix}-${category}`,
        shopperId: s.shopperId,
        qty: units,
        unitPrices: [total],
        totalAmount: total,
        status: "paid",
        idempotencyKey: id,
        createdAt: paidAt,
        updatedAt: paidAt,
      });
      paidRows.push({ orderId: id, status: "paid", at: paidAt });
    });
    if (s.rfm) {
      scoreRows.push({
        shopperId: s.shopperId,
        recencyDays: s.recencyDays ?? 0,
        frequency: s.orders,
        monetary: s.spentFen,
        ...s.rfm,
        segment: "loyal",
        runId: `test-${skuPrefix}`,
        computedAt: new Date(now),
      });
    }
  }
  for (let i = 0; i < eventRows.length; i += 2_000) await database.db.insert(events).values(eventRows.slice(i, i + 2_000));
  for (let i = 0; i < orderRows.length; i += 1_000) await database.db.insert(orders).values(orderRows.slice(i, i + 1_000));
  for (let i = 0; i < paidRows.length; i += 1_000) await database.db.insert(orderStatusHistory).values(paidRows.slice(i, i + 1_000));
  for (let i = 0; i < scoreRows.length; i += 1_000) await database.db.insert(rfmScores).values(scoreRows.slice(i, i + 1_000));
}

describe("the measurement (npm run eval:lookalike)", () => {
  it("a 1 % audience of the 10,000-shopper population is at least 80 % the planted segment", () => {
    const population = generatePopulation();
    expect(population.shoppers).toHaveLength(10_000);
    expect(population.planted.size).toBe(1_000);
    expect(population.seeds.size).toBe(200);
    const audience = buildLookalike(population.shoppers, population.seeds, 10);
    expect(audience.members).toHaveLength(100);
    expect(audience.members.some((m) => population.seeds.has(m.shopperId))).toBe(false);
    expect(precisionOf(audience.members, population.planted)).toBeGreaterThanOrEqual(0.8);
  });
});

describe("the lookalike job over Postgres", () => {
  it("reads a shopper's facts back from events, paid orders and RFM scores", async () => {
    const id = `shp_lk${tag()}`;
    const now = Date.now();
    const written: ShopperFacts = {
      shopperId: id,
      views: { baby: 3, toys: 1 },
      purchases: { baby: 2 },
      orders: 1,
      spentFen: 12_300,
      recencyDays: 4,
      devices: { phone: 3, tablet: 0, desktop: 1 },
      locales: { zh: 3, en: 1 },
      rfm: { r: 5, f: 1, m: 2 },
    };
    await writeShoppers([written], `lk${tag()}`, now);
    const [read] = await readPool(database.db, [id]);
    expect(read).toEqual(written);
  });

  it("builds a queued audience of the shoppers most like the seeds, never a seed, with progress, and once", async () => {
    const prefix = `shp_lk${tag()}_`;
    const population = generatePopulation({ shoppers: 600, planted: 150, seeds: 100, seed: 2026, idPrefix: prefix });
    await writeShoppers(population.shoppers, `lk${tag()}`, Date.now());
    const ids = population.shoppers.map((s) => s.shopperId);
    const key = crypto.randomUUID();
    const { row } = await queueAudience(database.db, {
      id: `aud_${tag()}`,
      name: "planted parents",
      seed: { kind: "list", shopperIds: [...population.seeds] },
      seedCount: population.seeds.size,
      percentTenths: 50,
      idempotencyKey: key,
      createdBy: "test",
      at: Date.now(),
    });
    expect(row.status).toBe("queued");
    expect(await buildQueuedAudiences(database.db, { only: [row.id], pool: ids })).toBe(1);
    const built = await readAudience(database.db, row.id);
    expect(built).toMatchObject({ status: "built", progress: 100, poolSize: 600, size: 30, error: null });
    // The estimate: a 5 % audience from four-fifths of the seeds finds more of the held-out fifth than chance (5 %).
    expect(built?.holdoutRecall).toBeGreaterThan(0.05);
    const members = await database.db
      .select()
      .from(lookalikeAudienceMembers)
      .where(sql`${lookalikeAudienceMembers.audienceId} = ${row.id}`)
      .orderBy(lookalikeAudienceMembers.rank);
    expect(members.map((m) => m.rank)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(members.some((m) => population.seeds.has(m.shopperId))).toBe(false);
    expect(precisionOf(members, population.planted)).toBeGreaterThanOrEqual(0.8);
    // Built: a second pass leases nothing of it; the same key answers the same audience.
    expect(await buildQueuedAudiences(database.db, { only: [row.id], pool: ids })).toBe(0);
    const again = await queueAudience(database.db, {
      ...row,
      seed: { kind: "list", shopperIds: [] },
      idempotencyKey: key,
      createdBy: "test",
      at: Date.now(),
      id: `aud_${tag()}`,
    });
    expect(again).toMatchObject({ created: false, row: { id: row.id } });
  });

  it("fails an audience whose seeds have no behaviour to compare, saying why", async () => {
    const { row } = await queueAudience(database.db, {
      id: `aud_${tag()}`,
      name: "ghosts",
      seed: { kind: "list", shopperIds: Array.from({ length: 120 }, (_, i) => `shp_ghost${tag()}${i}`) },
      seedCount: 120,
      percentTenths: 10,
      idempotencyKey: crypto.randomUUID(),
      createdBy: "test",
      at: Date.now(),
    });
    await buildQueuedAudiences(database.db, { only: [row.id], pool: [] });
    expect(await readAudience(database.db, row.id)).toMatchObject({
      status: "failed",
      error: "only 0 seeds are shoppers with any behaviour to compare; at least 100 are needed",
    });
  });
});
