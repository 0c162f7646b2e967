import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { SkuSale } from "../../durable-objects/sku-sale/index.ts";
import { demoSales } from "../../src/sales/demo-sales.ts";
import { saleConfigSchema, saleKey, type SaleConfig, type SaleConfigInput } from "../../src/sales/sale-config.ts";
import type { SkuSnapshot } from "../../src/sales/snapshot.ts";
import type { presentOrder } from "../../workers/storefront/api/present.ts";

/** A live sale under a fresh SKU, written to KV: every test gets its own object. */
export async function seedSale(overrides: Partial<SaleConfigInput> = {}): Promise<SaleConfig> {
  const now = Date.now();
  const sale = saleConfigSchema.parse({
    ...demoSales(now)[0],
    sku: `t-${crypto.randomUUID().slice(0, 18)}`,
    stock: 300,
    startsAt: now - 60_000,
    endsAt: now + 3_600_000,
    ...overrides,
  });
  await env.SALES.put(saleKey(sale.sku), JSON.stringify(sale));
  return sale;
}

/** A shopper with a session cookie, as a browser would hold it. */
export class Shopper {
  cookie = "";
  id = "";

  static async create(): Promise<Shopper> {
    const shopper = new Shopper();
    const response = await shopper.post("/api/session");
    shopper.id = (await response.json<{ shopperId: string }>()).shopperId;
    return shopper;
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set("Cookie", this.cookie);
    const response = await exports.default.fetch(`https://shop.test${path}`, { ...init, headers });
    const set = response.headers.get("Set-Cookie");
    if (set) this.cookie = set.split(";")[0]!;
    return response;
  }

  checkout(sku: string, qty: number, key: string = crypto.randomUUID()): Promise<Response> {
    return this.request("/api/checkout", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": key },
      body: JSON.stringify({ sku, qty }),
    });
  }

  post(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }
}

/** A live sale with one order held by a fresh shopper. */
export async function placeOrder() {
  const sale = await seedSale({ perShopperLimit: 5 });
  const shopper = await Shopper.create();
  const response = await shopper.checkout(sale.sku, 1);
  expect(response.status).toBe(201);
  const { order } = await response.json<{ order: ApiOrder }>();
  return { sale, shopper, order };
}

/** The order's status as its shopper reads it. */
export async function orderStatus(shopper: Shopper, id: string): Promise<string> {
  return (await (await shopper.request(`/api/orders/${id}`)).json<{ order: ApiOrder }>()).order.status;
}

/**
 * Moves a SKU object's clock `ms` forward, so its holds run out at once instead of after a
 * real wait (src/clock.ts). Only time moves: releasing what ran out is still the object's
 * alarm's job, so follow with `runDurableObjectAlarm`. The clock lives in the instance: an
 * eviction sets it back to real time.
 */
export async function advanceObjectClock(sku: string, ms: number): Promise<void> {
  await runInDurableObject(env.SKU_SALE.getByName(sku), (instance: SkuSale) => SkuSale.clockOf(instance).advance(ms));
}

export async function snapshot(sku: string): Promise<SkuSnapshot> {
  const response = await exports.default.fetch(`https://shop.test/api/skus/${sku}`);
  if (response.status !== 200) throw new Error(`snapshot of ${sku}: ${response.status} ${await response.text()}`);
  return response.json<SkuSnapshot>();
}

/** An order as the API answers it. */
export type ApiOrder = ReturnType<typeof presentOrder>;

export type ApiError = { error: { code: string; message: string; [detail: string]: unknown } };
