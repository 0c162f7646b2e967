import { describe, expect, it } from "vitest";
import { seedSale, Shopper, snapshot, type ApiError, type ApiOrder } from "./support.ts";

describe("POST /api/session", () => {
  it("issues a signed HttpOnly cookie once and recognises it after", async () => {
    const shopper = new Shopper();
    const first = await shopper.post("/api/session");
    expect(first.status).toBe(201);
    const cookie = first.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/^fs_session=shp_[0-9a-z]+\./);
    expect(cookie).toContain("HttpOnly");
    const { shopperId } = await first.json<{ shopperId: string }>();

    const again = await shopper.post("/api/session");
    expect(again.status).toBe(200);
    expect((await again.json<{ shopperId: string }>()).shopperId).toBe(shopperId);
  });

  it("replaces a tampered cookie with a new identity", async () => {
    const shopper = await Shopper.create();
    const forged = shopper.cookie.replace(/shp_[0-9a-z]+/, "shp_aaaaaaaaaaaaaaaaaaaaaaaa");
    shopper.cookie = forged;
    const response = await shopper.post("/api/session");
    expect(response.status).toBe(201);
    expect((await response.json<{ shopperId: string }>()).shopperId).not.toBe(shopper.id);
  });
});

describe("GET /api/skus/:sku", () => {
  it("reports phase, server time, stock, current price, tier and the next tier's threshold", async () => {
    const sale = await seedSale({ stock: 300 });
    const before = Date.now();
    const snap = await snapshot(sale.sku);
    expect(snap).toMatchObject({
      sku: sale.sku,
      title: sale.title,
      phase: "live",
      startsAt: sale.startsAt,
      endsAt: sale.endsAt,
      stock: { total: 300, remaining: 300, sold: 0, held: 0 },
      perShopperLimit: sale.perShopperLimit,
      price: { unitPrice: 29_950, unitsLeftInTier: 100, nextTier: { fromRank: 101, unitPrice: 41_930 } },
    });
    expect(snap.serverTime).toBeGreaterThanOrEqual(before);
  });

  it("answers an unknown SKU with 404", async () => {
    const response = await new Shopper().request("/api/skus/no-such-sku-here");
    expect(response.status).toBe(404);
    expect((await response.json<ApiError>()).error.code).toBe("not_found");
  });
});

describe("POST /api/checkout (Try)", () => {
  it("holds units as a pending order priced by sale rank, with an expiry", async () => {
    const sale = await seedSale({ perShopperLimit: 5, holdSeconds: 300 });
    const shopper = await Shopper.create();
    const response = await shopper.checkout(sale.sku, 2);
    expect(response.status).toBe(201);
    const { order } = await response.json<{ order: ApiOrder }>();
    expect(order).toMatchObject({ sku: sale.sku, qty: 2, status: "pending_payment", unitPrices: [29_950, 29_950], totalAmount: 59_900 });
    expect(order.id).toMatch(new RegExp(`^ord_${sale.sku}_`));
    expect(order.expiresAt).toBe(order.createdAt + 300_000);
    expect((await snapshot(sale.sku)).stock).toMatchObject({ remaining: 298, held: 2, sold: 0 });
  });

  it("returns the same order for a retried key and takes no more stock; a different body is 422", async () => {
    const sale = await seedSale({ perShopperLimit: 5 });
    const shopper = await Shopper.create();
    const key = crypto.randomUUID();
    const first = await (await shopper.checkout(sale.sku, 2, key)).json<{ order: ApiOrder }>();
    const retry = await shopper.checkout(sale.sku, 2, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await retry.json<{ order: ApiOrder }>()).order.id).toBe(first.order.id);
    expect((await snapshot(sale.sku)).stock.remaining).toBe(298);

    const conflict = await shopper.checkout(sale.sku, 3, key);
    expect(conflict.status).toBe(422);
    expect((await conflict.json<ApiError>()).error.code).toBe("idempotency_conflict");
    expect((await snapshot(sale.sku)).stock.remaining).toBe(298);
  });

  it("refuses before the start with startsAt, and after the end with 410", async () => {
    const upcoming = await seedSale({ startsAt: Date.now() + 600_000, endsAt: Date.now() + 1_200_000 });
    const ended = await seedSale({ startsAt: Date.now() - 1_200_000, endsAt: Date.now() - 1_000 });
    const shopper = await Shopper.create();

    const early = await shopper.checkout(upcoming.sku, 1);
    expect(early.status).toBe(409);
    expect(await early.json()).toEqual({
      error: { code: "not_started", message: "the sale has not started yet", startsAt: upcoming.startsAt },
    });
    const late = await shopper.checkout(ended.sku, 1);
    expect(late.status).toBe(410);
    expect((await late.json<ApiError>()).error.code).toBe("ended");
    expect((await snapshot(upcoming.sku)).stock.remaining).toBe(upcoming.stock);
  });

  it.each([
    ["malformed JSON", "{not json", 400, "invalid_request"],
    ["a non-integer qty", JSON.stringify({ qty: 1.5 }), 400, "invalid_request"],
    ["a zero qty", JSON.stringify({ qty: 0 }), 400, "invalid_request"],
    ["a negative qty", JSON.stringify({ qty: -2 }), 400, "invalid_request"],
    ["a string qty", JSON.stringify({ qty: "2" }), 400, "invalid_request"],
    ["an unknown field", JSON.stringify({ qty: 1, coupon: "FREE" }), 400, "invalid_request"],
    ["a qty over the per-shopper limit", JSON.stringify({ qty: 3 }), 409, "limit_exceeded"],
    ["an unknown SKU", JSON.stringify({ qty: 1, sku: "no-such-sku-anywhere" }), 404, "not_found"],
  ])("answers %s with %i and takes nothing", async (_, body, status, code) => {
    const sale = await seedSale({ perShopperLimit: 2 });
    const shopper = await Shopper.create();
    const withSku = body.startsWith('{"') && !body.includes('"sku"') ? body.replace("{", `{"sku":"${sale.sku}",`) : body;
    const response = await shopper.request("/api/checkout", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: withSku,
    });
    expect(response.status).toBe(status);
    const error = await response.json<ApiError>();
    expect(error.error.code).toBe(code);
    expect(error.error.message.length).toBeGreaterThan(0);
    expect((await snapshot(sale.sku)).stock).toMatchObject({ remaining: sale.stock, held: 0 });
  });

  it("refuses a body not sent as JSON instead of reading it as empty", async () => {
    const sale = await seedSale();
    const shopper = await Shopper.create();
    const response = await shopper.request("/api/checkout", {
      method: "POST",
      headers: { "Content-Type": "text/plain", "Idempotency-Key": crypto.randomUUID() },
      body: JSON.stringify({ sku: sale.sku, qty: 1 }),
    });
    expect(response.status).toBe(415);
    expect((await response.json<ApiError>()).error.message).toContain("Content-Type: application/json");
    expect((await snapshot(sale.sku)).stock.remaining).toBe(sale.stock);
  });

  it("answers an unknown API route with 404 and issues no session for it", async () => {
    const response = await new Shopper().request("/api/no-such-route");
    expect(response.status).toBe(404);
    expect(response.headers.get("Set-Cookie")).toBeNull();
  });

  it("requires an Idempotency-Key and takes nothing without one", async () => {
    const sale = await seedSale();
    const shopper = await Shopper.create();
    const response = await shopper.post("/api/checkout", { sku: sale.sku, qty: 1 });
    expect(response.status).toBe(400);
    expect((await response.json<ApiError>()).error.message).toContain("Idempotency-Key");
    expect((await snapshot(sale.sku)).stock.remaining).toBe(sale.stock);
  });
});

describe("under a stampede", () => {
  it("sells exactly the stock to many concurrent shoppers, each tier exactly its size", async () => {
    const sale = await seedSale({
      stock: 60,
      perShopperLimit: 1,
      tiers: [
        { fromRank: 1, toRank: 20, unitPrice: 100 },
        { fromRank: 21, toRank: 45, unitPrice: 200 },
      ],
      listPrice: 300,
    });
    const shoppers = await Promise.all(Array.from({ length: 200 }, () => Shopper.create()));
    const responses = await Promise.all(shoppers.map((s) => s.checkout(sale.sku, 1)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(60);
    expect(statuses.filter((s) => s === 409)).toHaveLength(140);
    const orders = await Promise.all(responses.filter((r) => r.status === 201).map((r) => r.json<{ order: ApiOrder }>()));
    const prices = orders.map(({ order }) => order.unitPrices[0]);
    expect(prices.filter((p) => p === 100)).toHaveLength(20);
    expect(prices.filter((p) => p === 200)).toHaveLength(25);
    expect(prices.filter((p) => p === 300)).toHaveLength(15);
    expect((await snapshot(sale.sku)).stock).toMatchObject({ remaining: 0, held: 60 });
    expect((await snapshot(sale.sku)).phase).toBe("sold_out");
  });

  it("holds the per-shopper limit when one shopper fires many checkouts at once", async () => {
    const sale = await seedSale({ perShopperLimit: 2 });
    const shopper = await Shopper.create();
    const responses = await Promise.all(Array.from({ length: 25 }, () => shopper.checkout(sale.sku, 1)));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(2);
    const refused = responses.filter((r) => r.status !== 201);
    expect(refused.every((r) => r.status === 409)).toBe(true);
    expect((await snapshot(sale.sku)).stock.held).toBe(2);
  });

  it("never sells twice for concurrent retries of one key", async () => {
    const sale = await seedSale({ perShopperLimit: 3 });
    const shopper = await Shopper.create();
    const key = crypto.randomUUID();
    const responses = await Promise.all(Array.from({ length: 30 }, () => shopper.checkout(sale.sku, 3, key)));
    expect(responses.every((r) => r.status === 201)).toBe(true);
    const ids = new Set(await Promise.all(responses.map(async (r) => (await r.json<{ order: ApiOrder }>()).order.id)));
    expect(ids.size).toBe(1);
    expect((await snapshot(sale.sku)).stock).toMatchObject({ remaining: sale.stock - 3, held: 3 });
  });
});
