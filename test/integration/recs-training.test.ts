// The two-tower recommender trained end to end (issue 18, part D): a small seeded generated log
// with planted tastes, trained with TensorFlow.js on the CPU, evaluated on a time-based hold-out;
// the issue's two targets asserted. Then the Postgres path: this test's own shoppers' events
// read back from the shared Postgres as the training log.

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadEventLog } from "../../scripts/recs/load-events.ts";
import { generatedInput, TEST_GENERATOR, trainAndEvaluate } from "../../scripts/recs/pipeline.ts";
import { openDatabase } from "../../src/db/client.ts";
import { events } from "../../src/db/schema.ts";
import { decodeModel, rankItems, type RecModelArtifact, shopperVector } from "../../src/recs/model.ts";

describe("training the two-tower recommender on a small generated log", () => {
  let artifact: RecModelArtifact;
  const progress: string[] = [];

  beforeAll(async () => {
    ({ artifact } = await trainAndEvaluate(generatedInput(TEST_GENERATOR, "test-small", { onProgress: (line) => progress.push(line) })));
  }, 300_000);

  it("reaches at least twice popularity's recall@10 on the held-out sessions, and beats random", () => {
    const rows = Object.fromEntries(artifact.metrics!.rows.map((row) => [row.ranker, row]));
    expect(artifact.metrics!.heldOutShoppers).toBeGreaterThan(50);
    expect(rows.two_tower!.recallAtK).toBeGreaterThanOrEqual(2 * rows.popularity!.recallAtK);
    expect(rows.two_tower!.ndcgAtK).toBeGreaterThan(rows.popularity!.ndcgAtK);
    expect(rows.popularity!.recallAtK).toBeGreaterThan(rows.random!.recallAtK);
  });

  it("puts at least 5 phones in the top 10 after three phone views", () => {
    expect(artifact.metrics!.phonesInTop10AfterThreePhoneViews).toBeGreaterThanOrEqual(5);
  });

  it("publishes an artifact that survives JSON and decodes, with its training facts and progress lines", () => {
    const decoded = decodeModel(JSON.parse(JSON.stringify(artifact)));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.items).toHaveLength(200);
    expect(decoded.value.training).toMatchObject({ tauDays: 7, epochs: 3, hardNegatives: 2 });
    expect(progress.some((line) => line.startsWith("epoch 3/3: loss"))).toBe(true);
    // A shopper who viewed three shoes gets mostly shoes (the planted category structure, not just phones).
    const shoes = decoded.value.items.filter((item) => item.category === "shoes").slice(0, 3);
    const now = TEST_GENERATOR.start + TEST_GENERATOR.days * 86_400_000;
    const vector = shopperVector(decoded.value, {
      views: shoes.map((item, i) => ({ sku: item.sku, category: "shoes", at: now - (i + 1) * 60_000 })),
      segment: null,
      paidOrders: 0,
      spentFen: 0,
      now,
    });
    const top = rankItems(decoded.value, vector, { limit: 10, exclude: shoes.map((item) => item.sku) });
    expect(top.filter((r) => r.sku.startsWith("shoes-")).length).toBeGreaterThanOrEqual(5);
  });
});

describe("the training log from Postgres", () => {
  let database: ReturnType<typeof openDatabase>;
  const run = randomUUID().slice(0, 8);
  const shopper = (n: number) => `shp_recs_${run}_${n}`;
  const sku = (name: string) => `${name}-${run}`;
  const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);

  beforeAll(() => {
    const vars = inject("stackVars");
    database = openDatabase({ url: vars.DATABASE_URL, localWsProxy: vars.NEON_WS_PROXY });
  });
  afterAll(() => database.close());

  it("reads views, adds to cart and paid orders of the given shoppers, filling a cart's category from its views and banding paid prices", async () => {
    const row = (n: number, type: string, name: string, minutes: number, extra: Partial<typeof events.$inferInsert> = {}) => ({
      id: `evt_${run}_${n}`,
      type,
      shopperId: shopper(n % 2),
      at: new Date(T0 + minutes * 60_000),
      receivedAt: new Date(T0 + minutes * 60_000),
      sku: sku(name),
      device: "phone",
      ...extra,
    });
    await database.db.insert(events).values([
      row(1, "product_view", "phone", 0, { category: "phones" }),
      row(2, "product_view", "phone", 1, { category: "phones" }),
      row(3, "add_to_cart", "phone", 2, { props: { qty: 1 } }),
      row(4, "order_paid", "phone", 3, { amount: 300_000, orderId: `ord_${run}`, props: { qty: 2 } }),
      row(5, "page_view", "phone", 4),
      row(6, "product_view", "shoe", -60 * 24 * 10, { category: "shoes" }), // before `since`
    ]);
    const loaded = await loadEventLog(database.db, T0 - 24 * 60 * 60_000, [shopper(0), shopper(1)]);
    expect(loaded.log.map((e) => [e.type, e.sku, e.category])).toEqual([
      ["product_view", sku("phone"), "phones"],
      ["product_view", sku("phone"), "phones"],
      ["add_to_cart", sku("phone"), "phones"],
      ["order_paid", sku("phone"), "phones"],
    ]);
    expect(loaded.log[3]!.amount).toBe(300_000);
    expect(loaded.items).toEqual([{ sku: sku("phone"), category: "phones", priceBand: "premium", tags: [] }]); // ¥1,500 a unit
  });
});
