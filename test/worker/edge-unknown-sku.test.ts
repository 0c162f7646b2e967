import { listDurableObjectIds } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { saleKey } from "../../src/sales/sale-config.ts";
import { edgeClock } from "../../workers/storefront/api/sku-object.ts";
import { createSale, draftSale } from "./admin-support.ts";
import { seedSale, Shopper, type ApiError } from "./support.ts";

/**
 * Issue 12: a request for a SKU with no sale never wakes a Durable Object, and costs one KV
 * read per SKU per isolate and TTL (workers/storefront/api/sku-object.ts, `saleDirectory`).
 * The isolate's clock is held, and moved by hand: nothing here waits for a TTL to run out.
 */

beforeEach(() => edgeClock.hold());
afterEach(() => {
  edgeClock.release();
  vi.restoreAllMocks();
});

const randomSku = () => `nosale-${crypto.randomUUID().slice(0, 18)}`;
const orderIdOf = (sku: string) => `ord_${sku}_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;

/** Every shopper route that names a SKU (in its path, its body or its order id), for `sku`. */
function everyRoute(shopper: Shopper, sku: string): Array<{ route: string; send: () => Promise<Response>; message: string }> {
  const id = orderIdOf(sku);
  const noSale = `no sale for SKU "${sku}"`;
  const key = { "Idempotency-Key": crypto.randomUUID() };
  return [
    { route: "GET /api/skus/:sku", send: () => shopper.request(`/api/skus/${sku}`), message: noSale },
    {
      route: "GET /api/skus/:sku/live",
      send: () => shopper.request(`/api/skus/${sku}/live`, { headers: { Upgrade: "websocket" } }),
      message: noSale,
    },
    { route: "POST /api/checkout", send: () => shopper.checkout(sku, 1), message: noSale },
    { route: "POST /api/skus/:sku/queue", send: () => shopper.post(`/api/skus/${sku}/queue`, {}), message: noSale },
    { route: "POST /api/checkout/cancel", send: () => shopper.post("/api/checkout/cancel", { sku }, key), message: noSale },
    { route: "GET /api/orders/:id", send: () => shopper.request(`/api/orders/${id}`), message: `no order ${id}` },
    { route: "POST /api/orders/:id/pay", send: () => shopper.post(`/api/orders/${id}/pay`, {}), message: `no order ${id}` },
    { route: "POST /api/orders/:id/cancel", send: () => shopper.post(`/api/orders/${id}/cancel`, {}), message: `no order ${id}` },
  ];
}

async function expectNotFound(response: Response, message: string, what: string): Promise<void> {
  const body = await response.json<ApiError>();
  expect({ status: response.status, body }, what).toEqual({ status: 404, body: { error: { code: "not_found", message } } });
}

/**
 * Counts the Worker's KV reads of sales from now on, by SKU: `SALES.get` calls made through
 * `saleObject`'s lookup (workers/storefront/api/sku-object.ts), told from the objects' own
 * reads of their configuration, which share the binding, by the calling code.
 */
function workerKvReads(): (sku: string) => number {
  const reads: string[] = [];
  const get = env.SALES.get.bind(env.SALES) as (key: string, options?: unknown) => Promise<unknown>;
  vi.spyOn(env.SALES, "get").mockImplementation(((key: string, options?: unknown) => {
    if (new Error().stack?.includes("sku-object.ts")) reads.push(key);
    return get(key, options);
  }) as typeof env.SALES.get);
  return (sku) => reads.filter((key) => key === saleKey(sku)).length;
}

describe("unknown SKUs at the edge", () => {
  it("answers 200 random well-formed SKUs 404 on every shopper route, creating no Durable Object", async () => {
    const shopper = await Shopper.create();
    const before = new Set((await listDurableObjectIds(env.SKU_SALE)).map((id) => id.toString()));
    const skus = Array.from({ length: 200 }, randomSku);
    for (let i = 0; i < skus.length; i += 25) {
      await Promise.all(
        skus
          .slice(i, i + 25)
          .flatMap((sku) =>
            everyRoute(shopper, sku).map(async ({ route, send, message }) => expectNotFound(await send(), message, `${route} ${sku}`)),
          ),
      );
    }
    const created = (await listDurableObjectIds(env.SKU_SALE)).filter((id) => !before.has(id.toString()));
    expect(created.map((id) => id.name ?? id.toString())).toEqual([]);
  });

  it("reads KV once per SKU per TTL however many requests ask, and not per checkout of a SKU on sale", async () => {
    const kvReads = workerKvReads();
    const shopper = await Shopper.create();
    const sku = randomSku();
    // Concurrent first: they share one lookup; then one after another: answered from memory.
    await Promise.all(
      everyRoute(shopper, sku)
        .flatMap((r) => [r, r, r])
        .map(async ({ send, message }) => expectNotFound(await send(), message, sku)),
    );
    for (const { send, message } of everyRoute(shopper, sku)) await expectNotFound(await send(), message, sku);
    expect(kvReads(sku)).toBe(1);
    edgeClock.advance(4_999);
    await expectNotFound(await shopper.request(`/api/skus/${sku}`), `no sale for SKU "${sku}"`, sku);
    expect(kvReads(sku)).toBe(1);
    edgeClock.advance(1); // 5 s: "no sale" has expired, looked up again, once
    await Promise.all(everyRoute(shopper, sku).map(async ({ send, message }) => expectNotFound(await send(), message, sku)));
    expect(kvReads(sku)).toBe(2);

    // A SKU on sale: its first request looks it up, then a minute of checkouts reads nothing more.
    const sale = await seedSale({ perShopperLimit: 1 });
    const buyers = await Promise.all(Array.from({ length: 40 }, () => Shopper.create()));
    const answers = await Promise.all(buyers.map((buyer) => buyer.checkout(sale.sku, 1)));
    expect(answers.map((a) => a.status)).toEqual(Array(40).fill(201));
    edgeClock.advance(59_999);
    for (const buyer of buyers.slice(0, 10)) expect((await buyer.checkout(sale.sku, 1)).status).toBe(409); // limit_exceeded, from the object
    expect(kvReads(sale.sku)).toBe(1);
    edgeClock.advance(1);
    expect((await buyers[0]!.checkout(sale.sku, 1)).status).toBe(409);
    expect(kvReads(sale.sku)).toBe(2);
  });

  it("reaches a sale created through the admin API at once in this isolate; one written to KV elsewhere within 5 s", async () => {
    const shopper = await Shopper.create();
    const draft = draftSale({ sku: randomSku() });
    await expectNotFound(await shopper.request(`/api/skus/${draft.sku}`), `no sale for SKU "${draft.sku}"`, "before");
    await createSale(draft);
    expect((await shopper.request(`/api/skus/${draft.sku}`)).status).toBe(200);
    expect((await shopper.checkout(draft.sku, 1)).status).toBe(201);

    // Saved through another isolate: this one learns of it from KV once its "no sale" expires.
    const other = randomSku();
    await expectNotFound(await shopper.checkout(other, 1), `no sale for SKU "${other}"`, "before");
    await seedSale({ sku: other });
    await expectNotFound(await shopper.checkout(other, 1), `no sale for SKU "${other}"`, "from memory");
    edgeClock.advance(4_999);
    await expectNotFound(await shopper.checkout(other, 1), `no sale for SKU "${other}"`, "from memory, still");
    edgeClock.advance(1);
    expect((await shopper.checkout(other, 1)).status).toBe(201);
  });
});
