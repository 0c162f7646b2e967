import { createMessageBatch, createExecutionContext, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { redisSettings } from "../../src/config.ts";
import type { ShopperEvent } from "../../src/events/event.ts";
import { eventMessage } from "../../src/events/event-message.ts";
import { ViewWindowStore } from "../../src/profile/view-window-store.ts";
import { openRedis } from "../../src/redis/client.ts";
import consumer from "../../workers/events/index.ts";
import type { RecCtrBody, RecModelsBody } from "../../web/client/console/recommendation-types.ts";
import type { RecommendationsBody } from "../../workers/storefront/api/recommendations.ts";
import { modelsChanged } from "../../workers/storefront/recs/active-model.ts";
import { RecModelStore } from "../../workers/storefront/recs/model-store.ts";
import { fixtureModel } from "../support/rec-model-fixture.ts";
import { admin, readError } from "./admin-support.ts";
import { clearSurface, withRunningExperiment } from "./experiment-support.ts";
import { withPostgres } from "./postgres-support.ts";
import { call, freshAddress, makeAccount, signIn } from "./staff-support.ts";
import { seedSale, Shopper } from "./support.ts";

/**
 * Recommendations serving in workerd with the real bindings (issue 18, part E): models uploaded,
 * stored in KV (chunked), activated and rolled back through the admin API, audited in Postgres;
 * `GET /api/recommendations` ranking by the active model from the shopper's view window in
 * Redis, popularity for new shoppers, for the popularity arm, and for a missing or corrupt model
 * (warned, never an error); the CTR per arm from rec events written by the events consumer.
 */

type Sale = Awaited<ReturnType<typeof seedSale>>;
let phones: Sale[];
let shoes: Sale[];

/** The active pointer is one per shop: start it at a random revision so the audit's (kind, key, revision) never meets another run's. */
async function seedPointer(): Promise<void> {
  const base = fixtureModel([{ sku: "seed-base", category: "base" }], { version: `seed-${crypto.randomUUID().slice(0, 8)}` });
  await new RecModelStore(env.SALES).put(
    {
      version: base.version,
      trainedAt: base.trainedAt,
      dims: base.dims,
      items: 1,
      metrics: null,
      uploadedAt: Date.now(),
      uploadedBy: "test",
    },
    JSON.stringify(base),
  );
  await new RecModelStore(env.SALES).setActive({
    model: base.version,
    revision: 1_000_000 + Math.floor(Math.random() * 1_000_000_000),
    previous: null,
    activatedAt: Date.now(),
    activatedBy: "test",
  });
  modelsChanged();
}

async function upload(artifact: unknown, actor?: string): Promise<Response> {
  return admin("/recommendations/models", { body: artifact, ...(actor ? { actor } : {}) });
}

async function uploadAndActivate(artifact: ReturnType<typeof fixtureModel>): Promise<void> {
  expect((await upload(artifact)).status).toBe(201);
  const activated = await admin(`/recommendations/models/${artifact.version}/activate`, { method: "POST" });
  expect(activated.status, await activated.clone().text()).toBe(200);
}

function catalogue() {
  return fixtureModel(
    [...phones.map((s) => ({ sku: s.sku, category: "phones" })), ...shoes.map((s) => ({ sku: s.sku, category: "shoes" }))],
    { popularity: [...shoes, ...phones].map((s) => s.sku) },
  );
}

async function viewPhones(shopper: Shopper, count: number): Promise<void> {
  const now = Date.now();
  const events: ShopperEvent[] = phones.slice(0, count).map((sale, i) => ({
    id: crypto.randomUUID(),
    type: "product_view",
    shopperId: shopper.id,
    device: "phone",
    at: now - (count - i) * 60_000,
    sku: sale.sku,
    category: "phones",
  }));
  await new ViewWindowStore(openRedis(redisSettings(env))).record(events, now);
}

async function recommendationsFor(shopper: Shopper, query = "page=home&locale=zh-CN"): Promise<RecommendationsBody> {
  const response = await shopper.request(`/api/recommendations?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get("Cache-Control")).toContain("no-store");
  return response.json<RecommendationsBody>();
}

beforeAll(async () => {
  phones = await Promise.all(Array.from({ length: 5 }, (_, i) => seedSale({ title: `手机 ${i}`, category: "phones" })));
  shoes = await Promise.all(Array.from({ length: 5 }, (_, i) => seedSale({ title: `跑鞋 ${i}`, category: "shoes" })));
  await clearSurface("recommendations");
  await seedPointer();
});

describe("the model store through the admin API", () => {
  it("uploads (validated, audited), lists with metrics, refuses a version twice, activates and rolls back", async () => {
    const first = catalogue();
    const second = { ...catalogue(), version: `${first.version}-b`, trainedAt: first.trainedAt + 1 };
    const created = await upload(first, encodeURIComponent("李娜"));
    expect(created.status).toBe(201);
    expect((await created.json<{ model: { version: string; items: number; chunks: number } }>()).model).toMatchObject({
      version: first.version,
      items: 10,
      chunks: 1,
    });
    // The same artifact again (a retried publish) answers what was stored; other contents under that version are refused.
    const replay = await upload(first);
    expect(replay.status).toBe(200);
    expect((await replay.json<{ model: { uploadedBy: string } }>()).model.uploadedBy).toBe("李娜");
    expect((await readError(await upload({ ...first, popularity: [...first.popularity].reverse() }))).code).toBe("conflict");
    expect((await upload(second)).status).toBe(201);

    const listed = await (await admin("/recommendations/models")).json<RecModelsBody>();
    const mine = listed.models.filter((m) => m.version === first.version || m.version === second.version);
    expect(mine.map((m) => m.version)).toEqual([second.version, first.version]);
    expect(mine[0]!.metrics).toMatchObject({ k: 10, rows: [{ ranker: "two_tower", recallAtK: 0.42 }, { ranker: "popularity" }] });

    const before = listed.active!;
    const a = await (
      await admin(`/recommendations/models/${first.version}/activate`, { method: "POST", actor: "ops" })
    ).json<RecModelsBody>();
    expect(a.active).toMatchObject({ model: first.version, revision: before.revision + 1, previous: before.model, activatedBy: "ops" });
    const b = await (await admin(`/recommendations/models/${second.version}/activate`, { method: "POST" })).json<RecModelsBody>();
    expect(b.active).toMatchObject({ model: second.version, previous: first.version, revision: before.revision + 2 });
    const back = await admin("/recommendations/models/rollback", { method: "POST" });
    expect((await back.json<RecModelsBody>()).active).toMatchObject({
      model: first.version,
      previous: second.version,
      revision: before.revision + 3,
    });
    expect((await admin("/recommendations/models")).status).toBe(200);

    const audit = await (await admin("/recommendations/audit?limit=50")).json<{
      entries: Array<{ action: string; actor: string; after: { model?: string; version: number } }>;
    }>();
    const actions = audit.entries.filter((e) => e.after.model === first.version || e.after.model === second.version).map((e) => e.action);
    expect(actions.slice(0, 3)).toEqual(["rollback", "activate", "activate"]);
    expect(audit.entries.some((e) => e.action === "upload" && e.actor === "李娜")).toBe(true);
  });

  it("lists every problem of a broken artifact in one 400 and stores nothing", async () => {
    const good = catalogue();
    const broken = { ...good, dims: 3, itemEmbeddings: "not base64!", popularity: ["nobody-sells-this"], extra: 1 };
    const response = await upload(broken);
    expect(response.status).toBe(400);
    const error = await readError(response);
    expect(error.code).toBe("invalid_request");
    expect((error.problems as string[]).length).toBeGreaterThanOrEqual(2);
    expect(await new RecModelStore(env.SALES).describe(good.version)).toBeNull();
  });

  it("404s an unknown version, 409s a rollback with nothing before, refuses an analyst's activation", async () => {
    expect((await admin("/recommendations/models/no-such-model/activate", { method: "POST" })).status).toBe(404);
    const store = new RecModelStore(env.SALES);
    const current = (await store.active())!;
    await store.setActive({ ...current, previous: null });
    expect((await readError(await admin("/recommendations/models/rollback", { method: "POST" }))).code).toBe("conflict");
    const analyst = await makeAccount("analyst");
    const { cookie } = await signIn(analyst.email, analyst.password, freshAddress());
    expect((await call("/recommendations/models", { cookie })).status).toBe(200);
    expect(
      (
        await call(`/recommendations/models/${current.model}/activate`, {
          method: "POST",
          cookie,
          headers: { Origin: "https://shop.test" },
        })
      ).status,
    ).toBe(403);
  });

  it("takes a model far bigger than other admin bodies (here about 1 MB) and lists it", async () => {
    const big = fixtureModel(
      Array.from({ length: 8_000 }, (_, i) => ({ sku: `big-${i}-${crypto.randomUUID().slice(0, 8)}`, category: `c${i % 4}` })),
    );
    const text = JSON.stringify(big);
    expect(text.length).toBeGreaterThan(512 * 1024);
    const response = await upload(big);
    expect(response.status, await response.clone().text()).toBe(201);
    expect((await response.json<{ model: { items: number; size: number } }>()).model).toMatchObject({ items: 8_000, size: text.length });
    expect(await new RecModelStore(env.SALES).text(big.version)).toBe(text);
  });

  it("stores a model bigger than one KV value in chunks and reads it back whole", async () => {
    const store = new RecModelStore(env.SALES, 1_000);
    const artifact = catalogue();
    const text = JSON.stringify(artifact);
    const stored = await store.put(
      { version: artifact.version, trainedAt: 1, dims: artifact.dims, items: 10, metrics: null, uploadedAt: 1, uploadedBy: "t" },
      text,
    );
    expect(stored.chunks).toBe(Math.ceil(text.length / 1_000));
    expect(stored.chunks).toBeGreaterThan(1);
    expect(await store.text(artifact.version)).toBe(text);
  });
});

describe("GET /api/recommendations", () => {
  it("after three phone views ranks phones first by the active model, each saying which phone it is because of", async () => {
    const model = catalogue();
    await uploadAndActivate(model);
    const shopper = await Shopper.create();
    await viewPhones(shopper, 3);
    const body = await recommendationsFor(shopper, `page=sale&sku=${phones[4]!.sku}&locale=zh-CN`);
    expect(body).toMatchObject({ arm: "two_tower", experiment: null, source: "model", modelVersion: model.version });
    const mineOnly = body.items.filter((item) => [...phones, ...shoes].some((s) => s.sku === item.sku));
    expect(mineOnly.slice(0, 4).every((item) => item.category === "phones")).toBe(true);
    expect(body.items.map((i) => i.sku)).not.toContain(phones[4]!.sku);
    const first = mineOnly[0]!;
    expect(first.reason.kind).toBe("viewed");
    expect(phones.slice(0, 3).map((p) => p.title)).toContain((first.reason as { title: string }).title);
    expect(first.url).toBe(`/sales/${first.sku}`);
  });

  it("gives a new shopper popularity, reason popular now", async () => {
    await uploadAndActivate(catalogue());
    const body = await recommendationsFor(await Shopper.create());
    expect(body.source).toBe("popularity");
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.every((item) => item.reason.kind === "popular" && item.score === null)).toBe(true);
  });

  it("answers popularity, with a warning naming the reason, when the active model is corrupt", async () => {
    const model = catalogue();
    await uploadAndActivate(model);
    // Someone (or something) overwrote a chunk in KV with junk.
    await env.SALES.put(`rec-model-chunk:${model.version}:0`, `${"x".repeat(JSON.stringify(model).length)}`);
    modelsChanged();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const shopper = await Shopper.create();
      await viewPhones(shopper, 3);
      const body = await recommendationsFor(shopper);
      expect(body).toMatchObject({ source: "popularity", modelVersion: null });
      expect(body.items.length).toBeGreaterThan(0);
      expect(warn.mock.calls.map((call) => String(call[0])).join("\n")).toContain(`model ${model.version} is not valid JSON`);
    } finally {
      warn.mockRestore();
    }
  });

  it("without a model ranks by the shop's own popularity (paid orders, then add-to-carts), warning that none is stored", async () => {
    const store = new RecModelStore(env.SALES);
    const current = (await store.active())!;
    await store.setActive({ ...current, model: `gone-${crypto.randomUUID().slice(0, 8)}` });
    modelsChanged();
    const [bought, carted] = await Promise.all([
      seedSale({ title: "热销耳机", category: "audio" }),
      seedSale({ title: "加购耳机", category: "audio" }),
    ]);
    const at = new Date();
    await withPostgres(async (pool) => {
      for (const [type, sku, n] of [
        ["order_paid", bought.sku, 2],
        ["add_to_cart", carted.sku, 3],
      ] as const)
        for (let i = 0; i < n; i++)
          await pool.query(
            "insert into events (id, type, shopper_id, at, received_at, sku, device) values ($1, $2, $3, $4, $4, $5, 'phone')",
            [crypto.randomUUID(), type, `shp_${crypto.randomUUID().replaceAll("-", "")}`, at, sku],
          );
    });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const body = await recommendationsFor(await Shopper.create());
      expect(body).toMatchObject({ arm: "two_tower", source: "popularity", modelVersion: null });
      const order = body.items.map((item) => item.sku);
      expect(order.indexOf(bought.sku)).toBeGreaterThanOrEqual(0);
      expect(order.indexOf(bought.sku)).toBeLessThan(order.indexOf(carted.sku));
      // Every other SKU of this file has no events: both come before them.
      const others = order.filter((sku) => [...phones, ...shoes].some((s) => s.sku === sku)).map((sku) => order.indexOf(sku));
      expect(Math.min(...others)).toBeGreaterThan(order.indexOf(carted.sku));
      expect(warn.mock.calls.map((call) => String(call[0])).join("\n")).toMatch(
        /answering with popularity: model gone-\w+ is active but not stored whole/,
      );
    } finally {
      warn.mockRestore();
    }
  });

  it("follows the recommendations experiment: its popularity arm ranks by popularity after phone views", async () => {
    await uploadAndActivate(catalogue());
    await withRunningExperiment(
      {
        surface: "recommendations",
        primaryMetric: "checkout",
        variants: [
          { key: "popularity", name: "Popularity", weight: 1 },
          { key: "two_tower", name: "Two towers", weight: 0 },
        ],
      },
      async (experiment) => {
        const shopper = await Shopper.create();
        await viewPhones(shopper, 3);
        const body = await recommendationsFor(shopper);
        expect(body).toMatchObject({ arm: "popularity", experiment: experiment.key, source: "popularity" });
      },
    );
  });
});

describe("CTR per arm", () => {
  it("counts rec_impression and rec_click events per arm (clicks over impressions, with a Wilson interval)", async () => {
    const ctr = async () => (await (await admin("/recommendations/ctr?days=1")).json<RecCtrBody>()).arms;
    const before = await ctr();
    const shopperId = `shp_${crypto.randomUUID().replaceAll("-", "")}`;
    const rec = (type: "rec_impression" | "rec_click", arm: "popularity" | "two_tower", position: number): ShopperEvent => ({
      id: crypto.randomUUID(),
      type,
      shopperId,
      device: "phone",
      at: Date.now(),
      sku: phones[position]!.sku,
      arm,
      source: arm === "two_tower" ? "model" : "popularity",
      position,
    });
    const events = [
      ...[0, 1, 2, 3].map((p) => rec("rec_impression", "two_tower", p)),
      rec("rec_click", "two_tower", 1),
      ...[0, 1].map((p) => rec("rec_impression", "popularity", p)),
    ];
    const batch = createMessageBatch("shopper-events", [
      { id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: eventMessage(events) },
    ]);
    const ctx = createExecutionContext();
    await consumer.queue(batch, env as never);
    expect((await getQueueResult(batch, ctx)).retryMessages).toEqual([]);
    const stored = await withPostgres(
      async (pool) => (await pool.query("select count(*)::int as n from events where shopper_id = $1", [shopperId])).rows[0].n,
    );
    expect(stored).toBe(7);
    const after = await ctr();
    const delta = (arm: string, key: "impressions" | "clicks") =>
      after.find((a) => a.arm === arm)![key] - before.find((a) => a.arm === arm)![key];
    expect(delta("two_tower", "impressions")).toBe(4);
    expect(delta("two_tower", "clicks")).toBe(1);
    expect(delta("popularity", "impressions")).toBe(2);
    expect(delta("popularity", "clicks")).toBe(0);
    const twoTower = after.find((a) => a.arm === "two_tower")!;
    expect(twoTower.low!).toBeLessThanOrEqual(twoTower.ctr!);
    expect(twoTower.high!).toBeGreaterThanOrEqual(twoTower.ctr!);
  });
});
