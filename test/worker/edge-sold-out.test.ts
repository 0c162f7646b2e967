import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SkuSale } from "../../durable-objects/sku-sale/index.ts";
import { saleKey } from "../../src/sales/sale-config.ts";
import { REFUSAL_TRUST_MS } from "../../workers/storefront/api/edge-verdict.ts";
import { edgeClock } from "../../workers/storefront/api/sku-object.ts";
import { createSale, objectConfig, update } from "./admin-support.ts";
import { advanceObjectClock, seedSale, Shopper, snapshot, type ApiError, type ApiOrder } from "./support.ts";

/**
 * Issue 12, sold out at the edge (workers/storefront/api/edge-verdict.ts): once a SKU's object
 * answers a Try `sold_out` (or `not_started`, `ended`), the Worker answers the same from memory
 * and the object sees none of it, for a second (five for `ended`); then one request at a time
 * asks the object again. The isolate's clock is held and moved by hand, so "within a second" is
 * exact and nothing sleeps; the object's clock is moved separately (`advanceObjectClock`).
 */

beforeEach(() => edgeClock.hold());
afterEach(() => {
  edgeClock.release();
  vi.restoreAllMocks();
});

/** Counts the Tries that reach `sku`'s object from now on. */
function objectTries(sku: string): () => number {
  const spy = vi.spyOn(SkuSale.prototype, "tryCheckout");
  return () => spy.mock.contexts.filter((instance) => (instance as unknown as { ctx: DurableObjectState }).ctx.id.name === sku).length;
}

async function answer(response: Response) {
  return { status: response.status, body: await response.json<unknown>() };
}

const SOLD_OUT = { status: 409, body: { error: { code: "sold_out", message: "sold out" } } };

/** A live sale of `stock` units, one per shopper, bought up by fresh shoppers; then one more Try is refused by the object. */
async function soldOut(stock: number) {
  const sale = await seedSale({ stock, tiers: [], perShopperLimit: 1 });
  const tries = objectTries(sale.sku);
  const buyers = await Promise.all(Array.from({ length: stock }, () => Shopper.create()));
  const orders: Array<{ shopper: Shopper; order: ApiOrder; key: string }> = [];
  for (const shopper of buyers) {
    const key = crypto.randomUUID();
    const response = await shopper.checkout(sale.sku, 1, key);
    expect(response.status).toBe(201);
    orders.push({ shopper, key, order: (await response.json<{ order: ApiOrder }>()).order });
  }
  const late = await Shopper.create();
  const fromObject = await answer(await late.checkout(sale.sku, 1));
  expect(fromObject).toEqual(SOLD_OUT);
  expect(tries()).toBe(stock + 1);
  return { sale, tries, orders, late };
}

describe("sold out at the edge", () => {
  it("answers 500 Tries after a sell-out from memory, exactly as the object did; the object sees none", async () => {
    const { sale, tries, late } = await soldOut(3);
    for (let batch = 0; batch < 5; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          // Shoppers old and new: a refusal from memory comes before the session, so a new one is issued no cookie.
          const shopper = i % 2 === 0 ? late : new Shopper();
          const response = await shopper.checkout(sale.sku, 1);
          return { ...(await answer(response)), cookie: i % 2 === 0 ? null : response.headers.get("Set-Cookie") };
        }),
      );
      expect(answers).toEqual(Array(100).fill({ ...SOLD_OUT, cookie: null }));
    }
    expect(tries()).toBe(4);

    // A second on: exactly one request asks the object, the others wait for its answer.
    edgeClock.advance(REFUSAL_TRUST_MS.sold_out);
    const burst = await Promise.all(Array.from({ length: 20 }, async () => answer(await late.checkout(sale.sku, 1))));
    expect(burst).toEqual(Array(20).fill(SOLD_OUT));
    expect(tries()).toBe(5);
    expect((await snapshot(sale.sku)).stock).toMatchObject({ remaining: 0, held: 3 });
  });

  it("sells a unit whose hold expired within a second of the isolate's time", async () => {
    const { sale, tries, late } = await soldOut(1);
    await advanceObjectClock(sale.sku, sale.holdSeconds * 1000);
    expect(await runDurableObjectAlarm(env.SKU_SALE.getByName(sale.sku))).toBe(true);
    expect((await snapshot(sale.sku)).stock.remaining).toBe(1);

    expect(await answer(await late.checkout(sale.sku, 1))).toEqual(SOLD_OUT); // from memory: at most a second stale
    edgeClock.advance(999);
    expect(await answer(await late.checkout(sale.sku, 1))).toEqual(SOLD_OUT);
    expect(tries()).toBe(2);
    edgeClock.advance(1); // a second after the object said "sold out": asked again
    expect((await late.checkout(sale.sku, 1)).status).toBe(201);
    expect(tries()).toBe(3);
  });

  it("sells a cancelled unit within a second, whether cancelled by order or by key", async () => {
    const { sale, orders, late } = await soldOut(2);
    const byOrder = orders[0]!;
    expect((await byOrder.shopper.post(`/api/orders/${byOrder.order.id}/cancel`, {})).status).toBe(200);
    expect(await answer(await late.checkout(sale.sku, 1))).toEqual(SOLD_OUT);
    edgeClock.advance(REFUSAL_TRUST_MS.sold_out);
    expect((await late.checkout(sale.sku, 1)).status).toBe(201);

    const next = await Shopper.create();
    expect(await answer(await next.checkout(sale.sku, 1))).toEqual(SOLD_OUT); // the object again: sold out
    const byKey = orders[1]!;
    const cancelled = await byKey.shopper.post("/api/checkout/cancel", { sku: sale.sku }, { "Idempotency-Key": byKey.key });
    expect(await cancelled.json()).toMatchObject({ changed: true });
    expect(await answer(await next.checkout(sale.sku, 1))).toEqual(SOLD_OUT);
    edgeClock.advance(REFUSAL_TRUST_MS.sold_out);
    expect((await next.checkout(sale.sku, 1)).status).toBe(201);
  });

  it("sells a top-up saved through this isolate at once, and one saved elsewhere within a second", async () => {
    const { sale } = await createSale({ stock: 1, tiers: [], perShopperLimit: 1 });
    const tries = objectTries(sale.sku);
    expect((await (await Shopper.create()).checkout(sale.sku, 1)).status).toBe(201);
    const waiting = await Shopper.create();
    expect(await answer(await waiting.checkout(sale.sku, 1))).toEqual(SOLD_OUT);

    expect((await update(sale, { stock: 2 })).status).toBe(200);
    expect((await waiting.checkout(sale.sku, 1)).status).toBe(201); // no clock moved

    const another = await Shopper.create();
    expect(await answer(await another.checkout(sale.sku, 1))).toEqual(SOLD_OUT);
    // Another isolate's save: the object takes it (and KV), this isolate's memory is not told.
    const running = (await objectConfig(sale.sku))!;
    const topUp = { ...running, version: running.version + 1, stock: 3 };
    expect((await env.SKU_SALE.getByName(sale.sku).applyConfig(topUp)).ok).toBe(true);
    await env.SALES.put(saleKey(sale.sku), JSON.stringify(topUp));
    const before = tries();
    expect(await answer(await another.checkout(sale.sku, 1))).toEqual(SOLD_OUT);
    expect(tries()).toBe(before);
    edgeClock.advance(REFUSAL_TRUST_MS.sold_out);
    expect((await another.checkout(sale.sku, 1)).status).toBe(201);
  });

  it("lets the retry of the Try that took the last unit through, to be replayed, not refused", async () => {
    const sale = await seedSale({ stock: 1, tiers: [], perShopperLimit: 1 });
    const buyer = await Shopper.create();
    const key = crypto.randomUUID();
    const first = await buyer.checkout(sale.sku, 1, key);
    const { order } = await first.json<{ order: ApiOrder }>();
    expect(await answer(await (await Shopper.create()).checkout(sale.sku, 1))).toEqual(SOLD_OUT);

    const retry = await buyer.checkout(sale.sku, 1, key); // the first answer was lost on its way
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await retry.json<{ order: ApiOrder }>()).order.id).toBe(order.id);
  });

  it("answers not_started and ended from memory as the object words them, not_started for a second, ended for five", async () => {
    const now = Date.now();
    const upcoming = await seedSale({ startsAt: now + 600_000, endsAt: now + 3_600_000 });
    const ended = await seedSale({ startsAt: now - 7_200_000, endsAt: now - 3_600_000 });
    const shopper = await Shopper.create();
    for (const [sale, status, code, trust] of [
      [upcoming, 409, "not_started", REFUSAL_TRUST_MS.not_started],
      [ended, 410, "ended", REFUSAL_TRUST_MS.ended],
    ] as const) {
      const tries = objectTries(sale.sku);
      const fromObject = await answer(await shopper.checkout(sale.sku, 1));
      expect(fromObject).toMatchObject({ status, body: { error: { code } } });
      const fromMemory = await Promise.all(Array.from({ length: 20 }, async () => answer(await shopper.checkout(sale.sku, 1))));
      expect(fromMemory).toEqual(Array(20).fill(fromObject));
      edgeClock.advance(trust - 1);
      expect(await answer(await shopper.checkout(sale.sku, 1))).toEqual(fromObject);
      expect(tries()).toBe(1);
      edgeClock.advance(1);
      expect(await answer(await shopper.checkout(sale.sku, 1))).toEqual(fromObject);
      expect(tries()).toBe(2);
      vi.restoreAllMocks();
    }
    expect((await shopper.checkout(upcoming.sku, 1)).status).toBe(409);
    const error = (await (await shopper.checkout(upcoming.sku, 1)).json<ApiError>()).error;
    expect(error).toEqual({ code: "not_started", message: "the sale has not started yet", startsAt: upcoming.startsAt });
  });

  it("sells out exactly under a stampede with cancels in between: nothing oversold, every returned unit resold", async () => {
    const stock = 20;
    const sale = await seedSale({ stock, tiers: [], perShopperLimit: 1 });
    const live: Array<{ shopper: Shopper; order: ApiOrder }> = [];
    let accepted = 0;
    let cancelled = 0;
    const stampede = async (shoppers: number) => {
      const crowd = await Promise.all(Array.from({ length: shoppers }, () => Shopper.create()));
      const answers = await Promise.all(crowd.map(async (shopper) => ({ shopper, response: await shopper.checkout(sale.sku, 1) })));
      for (const { shopper, response } of answers) {
        if (response.status === 201) {
          accepted++;
          live.push({ shopper, order: (await response.json<{ order: ApiOrder }>()).order });
        } else {
          expect(await answer(response)).toEqual(SOLD_OUT);
        }
      }
    };
    for (let round = 0; round < 6; round++) {
      await stampede(30);
      // Three shoppers change their minds while others keep coming; sometimes within the second.
      for (const { shopper, order } of live.splice(0, 3)) {
        expect(await (await shopper.post(`/api/orders/${order.id}/cancel`, {})).json()).toMatchObject({ changed: true });
        cancelled++;
      }
      edgeClock.advance(round % 2 === 0 ? 300 : REFUSAL_TRUST_MS.sold_out);
    }
    edgeClock.advance(REFUSAL_TRUST_MS.sold_out);
    await stampede(30);

    expect(accepted - cancelled).toBe(stock);
    expect(live).toHaveLength(stock);
    expect(new Set(live.map(({ order }) => order.id)).size).toBe(stock);
    expect((await snapshot(sale.sku)).stock).toMatchObject({ total: stock, remaining: 0, held: stock, sold: 0 });
    const counts = await env.SKU_SALE.getByName(sale.sku).counts();
    expect(counts.ok && counts.value.unitsByStatus).toMatchObject({ pending_payment: stock, cancelled });
  });
});
