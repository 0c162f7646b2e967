import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SkuSale } from "../../durable-objects/sku-sale/index.ts";
import { refusals } from "../../workers/storefront/api/edge-verdict.ts";
import { edgeClock } from "../../workers/storefront/api/sku-object.ts";
import { seedSale, Shopper, type ApiOrder } from "./support.ts";

/**
 * The front door (workers/storefront/api/refusal-door.ts, issue 12): while the isolate remembers
 * a sold-out SKU, a Try for it is answered before the router, with what the route would answer
 * from the same memory; anything the route would answer otherwise goes on to the route. The
 * route's own memory step (`refusals.decide`) not being asked shows the door answered.
 */

beforeEach(() => edgeClock.hold());
afterEach(() => {
  edgeClock.release();
  vi.restoreAllMocks();
});

const SOLD_OUT = { error: { code: "sold_out", message: "sold out" } };

/** A sale of one unit, bought; then a Try refused by the object, which the isolate now remembers. */
async function soldOutSale() {
  const sale = await seedSale({ stock: 1, tiers: [], perShopperLimit: 1 });
  const buyer = await Shopper.create();
  const key = crypto.randomUUID();
  expect((await buyer.checkout(sale.sku, 1, key)).status).toBe(201);
  const late = await Shopper.create();
  const fromObject = await late.checkout(sale.sku, 1);
  expect(fromObject.status).toBe(409);
  expect(await fromObject.json()).toEqual(SOLD_OUT);
  return { sale, buyer, key, late, fromObject };
}

describe("the front door for a sold-out stampede", () => {
  it("answers a Try for a remembered sold-out SKU before the router, with the route's status, body and headers", async () => {
    const { sale, late, fromObject } = await soldOutSale();
    const decide = vi.spyOn(refusals, "decide");
    const tries = vi.spyOn(SkuSale.prototype, "tryCheckout");
    const answers = await Promise.all(Array.from({ length: 50 }, () => late.checkout(sale.sku, 1)));
    for (const answer of answers) {
      expect(answer.status).toBe(409);
      expect(await answer.json()).toEqual(SOLD_OUT);
      expect([...answer.headers.keys()].sort()).toEqual([...fromObject.headers.keys()].sort());
    }
    expect(decide).not.toHaveBeenCalled();
    expect(tries).not.toHaveBeenCalled();
  });

  it("leaves to the route every Try the route would answer otherwise, with the body it read", async () => {
    const { sale, buyer, key, late } = await soldOutSale();
    const other = await seedSale({ stock: 5, tiers: [], perShopperLimit: 1 });
    const decide = vi.spyOn(refusals, "decide");
    const post = (body: string, headers: Record<string, string>) =>
      late.request("/api/checkout", { method: "POST", body, headers: { "Idempotency-Key": crypto.randomUUID(), ...headers } });
    const json = { "Content-Type": "application/json" };
    const soldOutBody = JSON.stringify({ sku: sale.sku, qty: 1 });

    expect((await post(soldOutBody, { "Content-Type": "text/plain" })).status).toBe(415);
    expect((await post(soldOutBody, { ...json, Origin: "https://elsewhere.test" })).status).toBe(403);
    expect((await post(soldOutBody, { ...json, "Idempotency-Key": "short" })).status).toBe(400);
    expect((await post(`{"sku": "${sale.sku}"`, json)).status).toBe(400);
    // Another SKU, on sale: the route gets the body the door read, and places the order.
    const placed = await post(JSON.stringify({ sku: other.sku, qty: 1 }), json);
    expect(placed.status).toBe(201);
    expect((await placed.json<{ order: ApiOrder }>()).order.sku).toBe(other.sku);
    // The retry of a Try that made an order here is the object's to replay, sold out or not.
    const replay = await buyer.checkout(sale.sku, 1, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    // The route asked its memory for the malformed key (its 400 comes after that step), the other SKU and the replay.
    expect(decide).toHaveBeenCalledTimes(3);
  });

  it("answers nothing once the memory lapses: the route asks the object again", async () => {
    const { sale, late } = await soldOutSale();
    edgeClock.advance(1_001);
    const decide = vi.spyOn(refusals, "decide");
    expect((await late.checkout(sale.sku, 1)).status).toBe(409);
    expect(decide).toHaveBeenCalledTimes(1);
  });

  it("reads no body while no refusal is remembered", async () => {
    edgeClock.advance(10_000); // every refusal remembered by earlier tests has lapsed
    expect(refusals.anyInForce()).toBe(false);
    const sale = await seedSale({ stock: 5, tiers: [], perShopperLimit: 1 });
    const shopper = await Shopper.create();
    const text = vi.spyOn(Request.prototype, "text");
    expect((await shopper.checkout(sale.sku, 1)).status).toBe(201);
    expect(text).not.toHaveBeenCalled();
  });
});
