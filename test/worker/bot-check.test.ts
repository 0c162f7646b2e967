import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SITEVERIFY_URL } from "../../src/bot-check/turnstile.ts";
import { contractBreaches } from "../../workers/storefront/contract/declared-errors.ts";
import worker from "../../workers/storefront/index.ts";
import { type ApiError, type ApiOrder, Shopper, seedSale, snapshot } from "./support.ts";

/**
 * The bot check on checkout (issue 12) through the Worker itself (`app.request` with the
 * environment a test gives it). Siteverify is stubbed at `fetch`: the network is not reachable
 * here, and Cloudflare's test secrets need it. The stub holds tokens single-use, as Siteverify
 * does, and answers for this shop's hostname and the widget's action.
 */

const SECRET = "0x4AAAAAAAbot-check-worker-test-secret";
const SITE_KEY = "1x00000000000000000000AA";
const ON: Partial<Env> = { TURNSTILE_SECRET_KEY: SECRET };
/** The policy every shop page had before the bot check, and has without it. */
const PLAIN_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

interface SiteverifyCall {
  secret: string | null;
  response: string | null;
  remoteip: string | null;
  idempotencyKey: string | null;
}

/** What the stubbed Siteverify was asked, in order. */
let calls: SiteverifyCall[];
/** How it answers: like Siteverify, or as if unreachable. */
let siteverifyDown: boolean;
/** The answer's hostname: this shop's unless a test farms a token elsewhere. */
let solvedOn: string;
const spent = new Set<string>();
const realFetch = globalThis.fetch;

beforeEach(() => {
  calls = [];
  siteverifyDown = false;
  solvedOn = "shop.test";
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url !== SITEVERIFY_URL) return realFetch(input, init);
    const form = new URLSearchParams(init?.body as URLSearchParams);
    calls.push({
      secret: form.get("secret"),
      response: form.get("response"),
      remoteip: form.get("remoteip"),
      idempotencyKey: form.get("idempotency_key"),
    });
    if (siteverifyDown) throw new TypeError("Network connection lost");
    const token = form.get("response") ?? "";
    const answer = !token.startsWith("good-")
      ? { success: false, "error-codes": ["invalid-input-response"] }
      : spent.has(token)
        ? { success: false, "error-codes": ["timeout-or-duplicate"] }
        : { success: true, "error-codes": [], challenge_ts: new Date().toISOString(), hostname: solvedOn, action: "checkout" };
    if (answer.success) spent.add(token);
    return Response.json(answer);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A fresh token the stub accepts once. */
const goodToken = () => `good-${crypto.randomUUID()}`;

async function send(path: string, init: RequestInit, overrides: Partial<Env> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.request(`https://shop.test${path}`, init, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

function checkout(
  shopper: Shopper,
  sku: string,
  { key = crypto.randomUUID(), token, overrides = ON }: { key?: string; token?: string; overrides?: Partial<Env> } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "Idempotency-Key": key,
    Cookie: shopper.cookie,
    "CF-Connecting-IP": "203.0.113.7",
  };
  if (token !== undefined) headers["CF-Turnstile-Response"] = token;
  return send("/api/checkout", { method: "POST", headers, body: JSON.stringify({ sku, qty: 1 }) }, overrides);
}

/** Checks that `refused` took nothing: the SKU's stock is as it was, nothing held. */
async function expectNothingTaken(sku: string): Promise<void> {
  const { stock } = await snapshot(sku);
  expect(stock).toMatchObject({ remaining: stock.total, held: 0, sold: 0 });
}

describe("the bot check on POST /api/checkout", () => {
  it("is off without TURNSTILE_SECRET_KEY: no header needed, Siteverify never asked, also with only the site key", async () => {
    const sale = await seedSale({ perShopperLimit: 5 });
    const shopper = await Shopper.create();
    for (const overrides of [{}, { TURNSTILE_SECRET_KEY: "" }, { TURNSTILE_SITE_KEY: SITE_KEY }]) {
      const response = await checkout(shopper, sale.sku, { overrides });
      expect(response.status).toBe(201);
    }
    expect(calls).toEqual([]);
  });

  it("refuses a checkout without a token with 403 bot_check_failed, asking no one and taking no stock", async () => {
    const sale = await seedSale();
    const shopper = await Shopper.create();
    const before = contractBreaches.length;
    for (const token of [undefined, ""]) {
      const response = await checkout(shopper, sale.sku, { token });
      expect(response.status).toBe(403);
      const { error } = await response.json<ApiError>();
      expect(error).toMatchObject({ code: "bot_check_failed", reasons: ["missing-input-response"] });
      expect(error.message).toContain("CF-Turnstile-Response");
    }
    expect(calls).toEqual([]);
    await expectNothingTaken(sale.sku);
    expect(contractBreaches.slice(before)).toEqual([]);
  });

  it("refuses a token Siteverify refuses, and one solved on another hostname, taking no stock", async () => {
    const sale = await seedSale();
    const shopper = await Shopper.create();
    const forged = await checkout(shopper, sale.sku, { token: "forged-token" });
    expect(forged.status).toBe(403);
    expect((await forged.json<ApiError>()).error).toMatchObject({ code: "bot_check_failed", reasons: ["invalid-input-response"] });

    solvedOn = "localhost"; // a token farmed on a page the site key also allows
    const farmed = await checkout(shopper, sale.sku, { token: goodToken() });
    expect(farmed.status).toBe(403);
    expect((await farmed.json<ApiError>()).error).toMatchObject({ code: "bot_check_failed", reasons: ["hostname-mismatch"] });
    expect(calls).toHaveLength(2);
    await expectNothingTaken(sale.sku);
  });

  it("lets a checkout with a token Siteverify accepts through, having sent it the secret, the token and the client's address", async () => {
    const sale = await seedSale();
    const shopper = await Shopper.create();
    const token = goodToken();
    const response = await checkout(shopper, sale.sku, { token });
    expect(response.status).toBe(201);
    expect((await response.json<{ order: ApiOrder }>()).order.status).toBe("pending_payment");
    expect(calls).toEqual([
      { secret: SECRET, response: token, remoteip: "203.0.113.7", idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    ]);
    expect((await snapshot(sale.sku)).stock.held).toBe(1);
  });

  it("does not let a verified token buy twice; a retry of the same key with a fresh token replays its order", async () => {
    const sale = await seedSale({ perShopperLimit: 5 });
    const shopper = await Shopper.create();
    const key = crypto.randomUUID();
    const token = goodToken();
    const first = await checkout(shopper, sale.sku, { key, token });
    expect(first.status).toBe(201);
    const { order } = await first.json<{ order: ApiOrder }>();

    // The same token again, for another purchase: Siteverify has spent it.
    const replayed = await checkout(shopper, sale.sku, { token });
    expect(replayed.status).toBe(403);
    expect((await replayed.json<ApiError>()).error).toMatchObject({ code: "bot_check_failed", reasons: ["timeout-or-duplicate"] });

    // The client's retry of its checkout (say after a lost answer) brings the widget's next token.
    const retry = await checkout(shopper, sale.sku, { key, token: goodToken() });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await retry.json<{ order: ApiOrder }>()).order.id).toBe(order.id);
    expect((await snapshot(sale.sku)).stock.held).toBe(1);
  });

  it("fails closed: Siteverify unreachable is 503 dependency_unavailable, takes no stock, and logs neither secret nor token", async () => {
    const sale = await seedSale();
    const shopper = await Shopper.create();
    siteverifyDown = true;
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const token = goodToken();
    const before = contractBreaches.length;
    const response = await checkout(shopper, sale.sku, { token });
    expect(response.status).toBe(503);
    expect((await response.json<ApiError>()).error.code).toBe("dependency_unavailable");
    expect(calls).toHaveLength(2); // asked once more, with the same idempotency key
    expect(calls[1]!.idempotencyKey).toBe(calls[0]!.idempotencyKey);
    await expectNothingTaken(sale.sku);
    const lines = logged.mock.calls.flat().join("\n");
    expect(lines).toContain("bot check");
    expect(lines).not.toContain(SECRET);
    expect(lines).not.toContain(token);
    expect(contractBreaches.slice(before)).toEqual([]);
  });

  it("leaves the other shopper writes alone", async () => {
    const sale = await seedSale();
    const shopper = await Shopper.create();
    const session = await send(
      "/api/session",
      { method: "POST", headers: { "Content-Type": "application/json", Cookie: shopper.cookie } },
      ON,
    );
    expect(session.status).toBe(200);
    const cancel = await send(
      "/api/checkout/cancel",
      {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID(), Cookie: shopper.cookie },
        body: JSON.stringify({ sku: sale.sku }),
      },
      ON,
    );
    expect(cancel.status).toBe(200);
    expect(calls).toEqual([]);
  });

  it("is in the contract: the optional token header, and 403 bot_check_failed and 503 among the operation's errors", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document read as plain JSON
    const doc = await (await send("/api/openapi.json", {})).json<any>();
    const operation = doc.paths["/api/checkout"].post;
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const header = operation.parameters.find((p: any) => p.in === "header" && p.name === "CF-Turnstile-Response");
    expect(header).toMatchObject({ required: false, schema: { type: "string" } });
    expect(header.description).toMatch(/Required when the shop has its bot check on/);
    expect(operation.responses["403"]["x-error-codes"]).toContain("bot_check_failed");
    expect(operation.responses["503"]["x-error-codes"]).toContain("dependency_unavailable");
    expect(operation.description).toContain("CF-Turnstile-Response");
    // Only the Try carries it.
    for (const [path, methods] of Object.entries<Record<string, { responses: Record<string, { "x-error-codes"?: string[] }> }>>(
      doc.paths,
    )) {
      if (path === "/api/checkout") continue;
      for (const op of Object.values(methods)) {
        for (const response of Object.values(op.responses)) expect(response["x-error-codes"] ?? []).not.toContain("bot_check_failed");
      }
    }
  });
});

/** The directives of a Content-Security-Policy header, by name. */
function directives(response: Response): Record<string, string> {
  const csp = response.headers.get("Content-Security-Policy") ?? "";
  return Object.fromEntries(
    csp.split(";").map((directive) => {
      const [name, ...values] = directive.trim().split(/\s+/);
      return [name!, values.join(" ")];
    }),
  );
}

describe("the sale page's bot check widget", () => {
  it("with TURNSTILE_SITE_KEY: the widget's container, and a policy admitting exactly Turnstile's script and frame", async () => {
    const sale = await seedSale();
    const response = await send(`/sales/${sale.sku}`, {}, { TURNSTILE_SITE_KEY: SITE_KEY });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toMatch(
      new RegExp(`<div class="bot-check" id="bot-check" data-sitekey="${SITE_KEY}" data-action="checkout"\\s+data-language="en"></div>`),
    );
    // Turnstile's script is loaded by the page's own module, so no script of another origin is in the markup.
    for (const [tag] of page.matchAll(/<script\b[^>]*>/gi)) expect(tag).toMatch(/\ssrc="\/assets\/[^"]+\.js"|type="application\/json"/);
    expect(directives(response)).toEqual({
      ...directives(new Response(null, { headers: { "Content-Security-Policy": PLAIN_POLICY } })),
      "script-src": "'self' https://challenges.cloudflare.com",
      "frame-src": "https://challenges.cloudflare.com",
    });
    expect(response.headers.get("X-Frame-Options")).toBe("DENY");
  });

  it("keeps it in the page from the edge cache, and in Chinese asks the widget for zh-cn", async () => {
    const sale = await seedSale();
    const zh = { "Accept-Language": "zh-CN" };
    const first = await send(`/sales/${sale.sku}`, { headers: zh }, { TURNSTILE_SITE_KEY: SITE_KEY });
    expect(await first.text()).toContain('data-language="zh-cn"');
    const hit = await vi.waitFor(
      async () => {
        const again = await send(`/sales/${sale.sku}`, { headers: zh }, { TURNSTILE_SITE_KEY: SITE_KEY });
        expect(again.headers.get("X-Edge-Cache")).toBe("HIT");
        return again;
      },
      { timeout: 5_000, interval: 20 },
    );
    expect(await hit.text()).toContain('id="bot-check"');
    expect(directives(hit)["frame-src"]).toBe("https://challenges.cloudflare.com");
  });

  it("without a site key: no widget and the plain policy, on the sale page as on every other", async () => {
    const sale = await seedSale();
    for (const overrides of [{}, { TURNSTILE_SITE_KEY: "" }, { TURNSTILE_SECRET_KEY: SECRET }]) {
      const fresh = await seedSale();
      const response = await send(`/sales/${fresh.sku}`, {}, overrides);
      expect(response.headers.get("Content-Security-Policy")).toBe(PLAIN_POLICY);
      const page = await response.text();
      expect(page).not.toContain("bot-check");
      expect(page).not.toContain("challenges.cloudflare.com");
    }
    // The site key widens the sale page's policy only.
    for (const path of ["/", "/orders/ord_some-sku_abcdefghijklmnopqrstuvwx", "/definitely/not/here", `/sales/${sale.sku}?lang=en`]) {
      const response = await send(path, {}, { TURNSTILE_SITE_KEY: path.startsWith("/sales/") ? "" : SITE_KEY });
      expect(response.headers.get("Content-Security-Policy"), path).toBe(PLAIN_POLICY);
      await response.text();
    }
  });
});
