import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { saleKey } from "../../src/sales/sale-config.ts";
import { TEST_SECRETS } from "../support/test-secrets.ts";
import { createSale, draftSale, expectNothingWritten } from "./admin-support.ts";
import { seedSale, Shopper, snapshot, type ApiError, type ApiOrder, orderStatus, placeOrder } from "./support.ts";

async function expectError(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  const { error } = await response.json<ApiError>();
  expect(error.code).toBe(code);
  expect(error.message.length).toBeGreaterThan(0);
}

/**
 * Every state-changing shopper route, sent with the headers and body given (nothing else;
 * `body: null` sends none, leaving it out sends the route's usual one), and what proves
 * that a refused call took nothing. A string body would get `text/plain` from fetch itself,
 * so "no Content-Type" is tested without a body.
 */
const ROUTES: Array<{
  route: string;
  send: (init: {
    headers?: Record<string, string>;
    body?: string | null;
  }) => Promise<{ response: Response; tookNothing: () => Promise<void> }>;
}> = [
  {
    route: "POST /api/session",
    send: async ({ headers, body }) => {
      const response = await new Shopper().request("/api/session", { method: "POST", headers, body });
      return { response, tookNothing: async () => expect(response.headers.get("Set-Cookie")).toBeNull() };
    },
  },
  {
    route: "POST /api/checkout",
    send: async ({ headers, body }) => {
      const sale = await seedSale();
      const shopper = await Shopper.create();
      const response = await shopper.request("/api/checkout", {
        method: "POST",
        headers: { "Idempotency-Key": crypto.randomUUID(), ...headers },
        body: body === undefined ? JSON.stringify({ sku: sale.sku, qty: 1 }) : body,
      });
      return {
        response,
        tookNothing: async () => expect((await snapshot(sale.sku)).stock).toMatchObject({ remaining: sale.stock, held: 0 }),
      };
    },
  },
  {
    route: "POST /api/checkout/cancel",
    send: async ({ headers, body }) => {
      const sale = await seedSale();
      const shopper = await Shopper.create();
      const key = crypto.randomUUID();
      const response = await shopper.request("/api/checkout/cancel", {
        method: "POST",
        headers: { "Idempotency-Key": key, ...headers },
        body: body === undefined ? JSON.stringify({ sku: sale.sku }) : body,
      });
      // The key was not marked cancelled: a Try with it still holds a unit.
      return { response, tookNothing: async () => expect((await shopper.checkout(sale.sku, 1, key)).status).toBe(201) };
    },
  },
  {
    route: "POST /api/orders/:id/pay",
    send: async ({ headers, body }) => {
      const { sale, shopper, order } = await placeOrder();
      const response = await shopper.request(`/api/orders/${order.id}/pay`, { method: "POST", headers, body });
      return {
        response,
        tookNothing: async () => {
          expect(await orderStatus(shopper, order.id)).toBe("pending_payment");
          expect((await snapshot(sale.sku)).stock).toMatchObject({ held: 1, sold: 0 });
        },
      };
    },
  },
  {
    route: "POST /api/orders/:id/cancel",
    send: async ({ headers, body }) => {
      const { sale, shopper, order } = await placeOrder();
      const response = await shopper.request(`/api/orders/${order.id}/cancel`, { method: "POST", headers, body });
      return {
        response,
        tookNothing: async () => {
          expect(await orderStatus(shopper, order.id)).toBe("pending_payment");
          expect((await snapshot(sale.sku)).stock.held).toBe(1);
        },
      };
    },
  },
];

describe("state-changing shopper calls are JSON only, also without a body", () => {
  it.each(ROUTES)("$route: no Content-Type and no body is 415 unsupported_media_type, nothing taken", async ({ send }) => {
    const { response, tookNothing } = await send({ body: null });
    await expectError(response, 415, "unsupported_media_type");
    await tookNothing();
  });

  it.each(ROUTES)("$route: what an HTML form sends (urlencoded) is 415, nothing taken", async ({ send }) => {
    const { response, tookNothing } = await send({
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "paymentMethod=pm_local_approve",
    });
    await expectError(response, 415, "unsupported_media_type");
    await tookNothing();
  });

  it.each(ROUTES)("$route: text/plain (another form encoding) is 415, nothing taken", async ({ send }) => {
    const { response, tookNothing } = await send({ headers: { "Content-Type": "text/plain" }, body: "{}" });
    await expectError(response, 415, "unsupported_media_type");
    await tookNothing();
  });

  it("reads an empty body sent as JSON as {}: pay with the default method, cancel, session", async () => {
    const first = await placeOrder();
    const paid = await first.shopper.request(`/api/orders/${first.order.id}/pay`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
    });
    expect(paid.status).toBe(200);
    expect(await paid.json()).toMatchObject({ changed: true, order: { status: "paid", paymentRef: `pay_local_${first.order.id}` } });

    const second = await placeOrder();
    const cancelled = await second.shopper.request(`/api/orders/${second.order.id}/cancel`, {
      method: "POST",
      headers: { "Content-Type": "application/json; charset=utf-8" },
    });
    expect(cancelled.status).toBe(200);
    expect((await cancelled.json<{ order: ApiOrder }>()).order.status).toBe("cancelled");

    const session = await new Shopper().request("/api/session", { method: "POST", headers: { "Content-Type": "application/json" } });
    expect(session.status).toBe(201);
  });

  it("still answers malformed JSON with 400 invalid_request", async () => {
    const { shopper, order } = await placeOrder();
    const response = await shopper.request(`/api/orders/${order.id}/pay`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{paymentMethod",
    });
    await expectError(response, 400, "invalid_request");
    expect(await orderStatus(shopper, order.id)).toBe("pending_payment");
  });
});

describe("state-changing shopper calls from another origin are refused", () => {
  const JSON_TYPE = { "Content-Type": "application/json" };

  it.each(ROUTES)("$route: a foreign Origin is 403 forbidden_origin, nothing taken", async ({ send }) => {
    const { response, tookNothing } = await send({ headers: { ...JSON_TYPE, Origin: "https://evil.example" } });
    await expectError(response, 403, "forbidden_origin");
    await tookNothing();
  });

  it.each([
    ["another scheme", "http://shop.test"],
    ["another port", "https://shop.test:8443"],
    ["a subdomain", "https://evil.shop.test"],
    ["an opaque origin", "null"],
    ["garbage", "not an origin"],
  ])("refuses %s (%s) and takes nothing", async (_, origin) => {
    const { response, tookNothing } = await ROUTES[3]!.send({ headers: { ...JSON_TYPE, Origin: origin } });
    await expectError(response, 403, "forbidden_origin");
    await tookNothing();
  });

  it("accepts the request's own origin, also written with its default port, and no Origin at all", async () => {
    const own = await placeOrder();
    const paid = await own.shopper.request(`/api/orders/${own.order.id}/pay`, {
      method: "POST",
      headers: { ...JSON_TYPE, Origin: "https://shop.test" },
    });
    expect(paid.status).toBe(200);

    const withPort = await placeOrder();
    const cancelled = await withPort.shopper.request(`/api/orders/${withPort.order.id}/cancel`, {
      method: "POST",
      headers: { ...JSON_TYPE, Origin: "https://shop.test:443" },
    });
    expect(cancelled.status).toBe(200);

    const sale = await seedSale();
    const curl = await Shopper.create();
    expect((await curl.checkout(sale.sku, 1)).status).toBe(201); // no Origin: curl, another server
  });

  it("checks Origin before the content type, and leaves reads alone", async () => {
    const { shopper, order } = await placeOrder();
    const refused = await shopper.request(`/api/orders/${order.id}/pay`, { method: "POST", headers: { Origin: "https://evil.example" } });
    await expectError(refused, 403, "forbidden_origin");
    const read = await shopper.request(`/api/orders/${order.id}`, { headers: { Origin: "https://evil.example" } });
    expect(read.status).toBe(200);
  });
});

describe("admin saves are JSON only", () => {
  const auth = { Authorization: `Bearer ${TEST_SECRETS.ADMIN_TOKEN}` };

  it.each([
    ["no Content-Type (a body of bytes gets none)", {}],
    ["text/plain", { "Content-Type": "text/plain" }],
    ["a form", { "Content-Type": "application/x-www-form-urlencoded" }],
  ])("create with %s is 415 unsupported_media_type and writes nothing", async (_, headers) => {
    const draft = draftSale();
    const response = await exports.default.fetch("https://shop.test/admin/api/sales", {
      method: "POST",
      headers: { ...auth, ...headers },
      body: new TextEncoder().encode(JSON.stringify(draft)),
    });
    await expectError(response, 415, "unsupported_media_type");
    await expectNothingWritten(draft.sku);
  });

  it("update without Content-Type is 415 and the sale stays as it was", async () => {
    const { sale } = await createSale();
    const before = await env.SALES.get(saleKey(sale.sku));
    const { version: _v, updatedAt: _a, updatedBy: _b, ...draft } = sale;
    const response = await exports.default.fetch(`https://shop.test/admin/api/sales/${sale.sku}`, {
      method: "PUT",
      headers: auth,
      body: new TextEncoder().encode(JSON.stringify({ ...draft, stock: sale.stock + 10, expectedVersion: sale.version })),
    });
    await expectError(response, 415, "unsupported_media_type");
    expect(await env.SALES.get(saleKey(sale.sku))).toBe(before);
  });
});
