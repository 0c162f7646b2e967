import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { saleKey, type SaleConfigInput } from "../../src/sales/sale-config.ts";
import { ADMIN_BODY_LIMIT, SHOPPER_BODY_LIMIT } from "../../workers/storefront/api/request-body.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { admin, createSale, draftSale, expectNothingWritten, type SaleSaved } from "./admin-support.ts";
import { seedSale, Shopper, snapshot, type ApiError, orderStatus, placeOrder } from "./support.ts";

const KiB = 1024;

/** What a streamed body sends in all: far over either limit, yet small enough that code without a limit reads it whole and fails the test (an endless one would exhaust memory instead). */
const STREAMED = 4 * 1024 * KiB;

/**
 * A streamed body (no Content-Length: the runtime sends it chunked), 1 KiB per pull, counting
 * what the server pulled: `pulled` well under STREAMED shows it stopped reading at the limit.
 */
function streamedBody(total = STREAMED): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const chunk = new TextEncoder().encode(`{"pad":"${" ".repeat(KiB)}`.slice(0, KiB));
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled * KiB >= total) return controller.close();
      pulled++;
      controller.enqueue(chunk);
    },
  });
  return { body, pulled: () => pulled * KiB };
}

/** A body of `size` bytes sent whole: the runtime declares its Content-Length. */
const paddedJson = (size: number) => `{"pad":"${"x".repeat(size - 10)}"}`;

async function expectTooLarge(response: Response, limit: number): Promise<void> {
  expect(response.status).toBe(413);
  expect(await response.json()).toEqual({
    error: { code: "payload_too_large", message: expect.stringContaining(String(limit)), limit },
  });
}

/** Every state-changing shopper route, with what proves it took nothing when it refused. */
const SHOPPER_ROUTES: Array<{
  route: string;
  send: (body: BodyInit, headers?: Record<string, string>) => Promise<{ response: Response; tookNothing: () => Promise<void> }>;
}> = [
  {
    route: "POST /api/session",
    send: async (body, headers) => {
      const shopper = new Shopper();
      const response = await shopper.request("/api/session", {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body,
      });
      return { response, tookNothing: async () => expect(response.headers.get("Set-Cookie")).toBeNull() };
    },
  },
  {
    route: "POST /api/checkout",
    send: async (body, headers) => {
      const sale = await seedSale();
      const shopper = await Shopper.create();
      const response = await shopper.request("/api/checkout", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID(), ...headers },
        body,
      });
      return {
        response,
        tookNothing: async () => expect((await snapshot(sale.sku)).stock).toMatchObject({ remaining: sale.stock, held: 0 }),
      };
    },
  },
  {
    route: "POST /api/checkout/cancel",
    send: async (body, headers) => {
      const sale = await seedSale();
      const shopper = await Shopper.create();
      const key = crypto.randomUUID();
      const response = await shopper.request("/api/checkout/cancel", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": key, ...headers },
        body,
      });
      // The key was not marked cancelled: a Try with it still holds a unit.
      return { response, tookNothing: async () => expect((await shopper.checkout(sale.sku, 1, key)).status).toBe(201) };
    },
  },
  {
    route: "POST /api/orders/:id/pay",
    send: async (body, headers) => {
      const { shopper, order } = await placeOrder();
      const response = await shopper.request(`/api/orders/${order.id}/pay`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body,
      });
      return { response, tookNothing: async () => expect(await orderStatus(shopper, order.id)).toBe("pending_payment") };
    },
  },
  {
    route: "POST /api/orders/:id/cancel",
    send: async (body, headers) => {
      const { shopper, order } = await placeOrder();
      const response = await shopper.request(`/api/orders/${order.id}/cancel`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body,
      });
      return { response, tookNothing: async () => expect(await orderStatus(shopper, order.id)).toBe("pending_payment") };
    },
  },
];

describe("shopper bodies are limited to 16 KiB while they are read", () => {
  it.each(SHOPPER_ROUTES)(
    "$route: a 1 MiB body (Content-Length declared) is 413 payload_too_large, and nothing is taken",
    async ({ send }) => {
      const { response, tookNothing } = await send(paddedJson(1024 * KiB));
      await expectTooLarge(response, SHOPPER_BODY_LIMIT);
      await tookNothing();
    },
  );

  it.each(SHOPPER_ROUTES)(
    "$route: a streamed body without Content-Length is cut off past the limit: 413, nothing taken",
    async ({ send }) => {
      const { body, pulled } = streamedBody();
      const { response, tookNothing } = await send(body);
      await expectTooLarge(response, SHOPPER_BODY_LIMIT);
      // The server stopped reading soon after the limit, nowhere near the end of the body.
      expect(pulled()).toBeLessThan(SHOPPER_BODY_LIMIT + 64 * KiB);
      await tookNothing();
    },
  );

  it("refuses a declared 50 MiB body before reading it", async () => {
    const { body, pulled } = streamedBody();
    const { response, tookNothing } = await SHOPPER_ROUTES[1]!.send(body, { "Content-Length": String(50 * 1024 * KiB) });
    await expectTooLarge(response, SHOPPER_BODY_LIMIT);
    expect(pulled()).toBeLessThan(SHOPPER_BODY_LIMIT);
    await tookNothing();
  });

  it("counts the body even when its Content-Length understates it", async () => {
    const { body } = streamedBody();
    const { response, tookNothing } = await SHOPPER_ROUTES[3]!.send(body, { "Content-Length": "20" });
    await expectTooLarge(response, SHOPPER_BODY_LIMIT);
    await tookNothing();
  });

  it("accepts a body right at the limit (it is then validated as usual)", async () => {
    const sale = await seedSale();
    const shopper = await Shopper.create();
    const atLimit = JSON.stringify({ sku: sale.sku, qty: 1 }).replace("{", `{${" ".repeat(SHOPPER_BODY_LIMIT - 100)}`);
    const padded = atLimit + " ".repeat(SHOPPER_BODY_LIMIT - new TextEncoder().encode(atLimit).length);
    expect(new TextEncoder().encode(padded).length).toBe(SHOPPER_BODY_LIMIT);
    const held = await shopper.request("/api/checkout", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: padded,
    });
    expect(held.status).toBe(201);
    const over = await shopper.request("/api/checkout", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: `${padded} `,
    });
    await expectTooLarge(over, SHOPPER_BODY_LIMIT);
    expect((await snapshot(sale.sku)).stock.held).toBe(1);
  });
});

/** The largest sale a marketer can reasonably write: every list at its maximum, every text in 3-byte characters. */
function maximalDraft(): SaleConfigInput {
  const base = draftSale();
  const han = (n: number) => "限时秒杀".repeat(Math.ceil(n / 4)).slice(0, n);
  const tiers = Array.from({ length: 400 }, (_, i) => ({
    fromRank: i * 250 + 1,
    toRank: (i + 1) * 250,
    unitPrice: 99_999 - i,
    label: han(80),
  }));
  return {
    ...base,
    title: han(200),
    description: han(4000),
    images: Array.from({ length: 12 }, (_, i) => `https://images.example.com/${i}/${"a".repeat(2000)}`),
    stock: 100_000,
    listPrice: 199_999,
    tiers,
    gifts: Array.from({ length: 20 }, (_, i) => ({
      id: `gift-${i}`,
      title: han(80),
      startsAt: base.startsAt,
      endsAt: base.endsAt,
      stock: 100_000,
    })),
  };
}

function adminRequest(path: string, init: { method: string; body: BodyInit; headers?: Record<string, string> }): Promise<Response> {
  return exports.default.fetch(`https://shop.test/admin/api${path}`, {
    method: init.method,
    headers: { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json", ...init.headers },
    body: init.body,
  });
}

describe("admin bodies are limited to 256 KiB while they are read", () => {
  it("saves a maximal valid sale (20 gifts, 12 images, a 4000-character description, 400 tiers)", async () => {
    const draft = maximalDraft();
    const size = new TextEncoder().encode(JSON.stringify(draft, null, 2)).length;
    expect(size).toBeGreaterThan(128 * KiB);
    expect(size).toBeLessThan(ADMIN_BODY_LIMIT);
    const created = await adminRequest("/sales", { method: "POST", body: JSON.stringify(draft, null, 2) });
    expect(created.status).toBe(201);
    const { sale } = await created.json<SaleSaved>();
    expect(sale).toMatchObject({ version: 1, description: draft.description, gifts: draft.gifts, images: draft.images });
    expect(sale.tiers).toHaveLength(400);
  });

  it("refuses a create over the limit (Content-Length declared) with 413 and writes nothing", async () => {
    const draft = { ...draftSale(), description: "x".repeat(ADMIN_BODY_LIMIT) };
    const response = await adminRequest("/sales", { method: "POST", body: JSON.stringify(draft) });
    await expectTooLarge(response, ADMIN_BODY_LIMIT);
    await expectNothingWritten(draft.sku);
  });

  it("refuses a create streamed without Content-Length once it passes the limit, and writes nothing", async () => {
    const { body, pulled } = streamedBody();
    const sku = draftSale().sku;
    const response = await adminRequest("/sales", { method: "POST", body });
    await expectTooLarge(response, ADMIN_BODY_LIMIT);
    expect(pulled()).toBeLessThan(ADMIN_BODY_LIMIT + 64 * KiB);
    await expectNothingWritten(sku);
  });

  it("refuses an update over the limit, streamed or declared, and the sale stays as it was", async () => {
    const { sale } = await createSale();
    const before = await env.SALES.get(saleKey(sale.sku));
    const streamed = await adminRequest(`/sales/${sale.sku}`, { method: "PUT", body: streamedBody().body });
    await expectTooLarge(streamed, ADMIN_BODY_LIMIT);
    const { version: _v, updatedAt: _a, updatedBy: _b, ...draft } = sale;
    const declared = await adminRequest(`/sales/${sale.sku}`, {
      method: "PUT",
      body: JSON.stringify({ ...draft, expectedVersion: sale.version, stock: sale.stock + 1, description: "x".repeat(ADMIN_BODY_LIMIT) }),
    });
    await expectTooLarge(declared, ADMIN_BODY_LIMIT);
    expect(await env.SALES.get(saleKey(sale.sku))).toBe(before);
    const read = await admin(`/sales/${sale.sku}`);
    expect((await read.json<{ sale: { version: number; stock: number } }>()).sale).toMatchObject({ version: 1, stock: sale.stock });
  });

  it("still answers malformed JSON within the limit with 400 invalid_request", async () => {
    const response = await adminRequest("/sales", { method: "POST", body: "{ not json" });
    expect(response.status).toBe(400);
    expect((await response.json<ApiError>()).error).toMatchObject({ code: "invalid_request", problems: ["body: not valid JSON"] });
  });
});
