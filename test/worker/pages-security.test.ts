import { exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { seedSale } from "./support.ts";

const get = (path: string, headers: Record<string, string> = {}) => exports.default.fetch(`https://shop.test${path}`, { headers });

/** The policy of every shop page: no nonce (home and sale pages are shared from the edge cache), no inline script or style. */
function expectShopHeaders(response: Response): void {
  const csp = response.headers.get("Content-Security-Policy") ?? "";
  const directives = Object.fromEntries(
    csp.split(";").map((directive) => {
      const [name, ...values] = directive.trim().split(/\s+/);
      return [name!, values.join(" ")];
    }),
  );
  expect(directives).toMatchObject({
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
  });
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|nonce-/);
  expect(response.headers.get("X-Frame-Options")).toBe("DENY");
  expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(response.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
}

/** What the policy would refuse in the markup itself: inline style attributes and inline scripts (data islands are not scripts). */
function expectNothingInline(page: string): void {
  expect(page).not.toMatch(/\sstyle\s*=/i);
  expect(page).not.toMatch(/<style[\s>]/i);
  for (const [tag] of page.matchAll(/<script\b[^>]*>/gi)) expect(tag).toMatch(/\ssrc="\/assets\/[^"]+\.js"|type="application\/json"/);
  expect(page).not.toMatch(/\son[a-z]+\s*=/i); // no inline event handlers
}

/** Requests a shared page until the edge cache answers it (the store runs after the first reply). */
async function fromCache(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return vi.waitFor(
    async () => {
      const response = await get(path, headers);
      const body = await response.text();
      expect(response.headers.get("X-Edge-Cache")).toBe("HIT");
      return new Response(body, response);
    },
    { timeout: 5_000, interval: 20 },
  );
}

describe("security headers on every shop page", () => {
  it("sends the CSP, framing, sniffing and referrer headers on the home, sale, order, profile, till and 404 pages, rendered fresh", async () => {
    const sale = await seedSale({ images: ["earbuds"] });
    const paths = [
      "/",
      `/sales/${sale.sku}`,
      "/orders/ord_some-sku_abcdefghijklmnopqrstuvwx",
      "/me",
      "/store",
      "/definitely/not/here",
      "/sales/no-such-sku",
    ];
    for (const path of paths) {
      const response = await get(path);
      expect(response.status, path).toBe(path.includes("not") || path.includes("no-such") ? 404 : 200);
      expectShopHeaders(response);
      expectNothingInline(await response.text());
    }
  });

  it("keeps the headers on a page served from the edge cache", async () => {
    const sale = await seedSale();
    for (const path of ["/", `/sales/${sale.sku}`]) {
      const first = await get(path); // a MISS for the new sale; the home page may be cached already
      expectShopHeaders(first);
      await first.text();
      const hit = await fromCache(path);
      expectShopHeaders(hit);
      expect(await hit.text()).toContain("<!doctype html>");
    }
  });

  it("sets them as a page leaves, so an entry cached before the policy (say, by the previous deploy) is served with it", async () => {
    const sale = await seedSale();
    // The cache key of pages/index.ts: path and language.
    const key = new Request(`https://shop.test/sales/${sale.sku}?__lang=en`);
    const old = new Response("<!doctype html><title>cached by an older version</title>", {
      headers: { "Content-Type": "text/html; charset=UTF-8", "Cache-Control": "public, max-age=35", "X-Rendered-At": String(Date.now()) },
    });
    await caches.default.put(key, old);
    const hit = await get(`/sales/${sale.sku}`);
    expect(hit.headers.get("X-Edge-Cache")).toBe("HIT");
    expect(await hit.text()).toContain("cached by an older version");
    expectShopHeaders(hit);
  });

  it("sends them in both languages, and on the uncached response that switches language", async () => {
    const sale = await seedSale();
    const zh = await get(`/sales/${sale.sku}`, { "Accept-Language": "zh-CN" });
    expectShopHeaders(zh);
    expect(await zh.text()).toContain("立即抢购");
    const zhHit = await fromCache(`/sales/${sale.sku}`, { "Accept-Language": "zh-CN" });
    expectShopHeaders(zhHit);
    expect(await zhHit.text()).toContain('<html lang="zh-CN">');
    const switched = await get(`/sales/${sale.sku}?lang=en`);
    expect(switched.headers.get("Set-Cookie")).toMatch(/^lang=en;/);
    expectShopHeaders(switched);
    await switched.text();
  });

  it("renders Buy disabled until the page's script has the shopper's session", async () => {
    const sale = await seedSale();
    const page = await (await get(`/sales/${sale.sku}`)).text();
    const button = /<button[^>]*id="buy"[^>]*>/.exec(page)![0];
    expect(button).toContain('data-state="session"');
    expect(button).toMatch(/\sdisabled[\s>]/);
    expect(page).toContain('id="session-note"');
  });

  it("leaves the JSON API to its own headers", async () => {
    const api = await get("/api/sales");
    expect(api.headers.get("Content-Security-Policy")).toBeNull();
    await api.text();
  });
});

describe("the shopper's profile page (issue 13)", () => {
  it("is a private shell in the shopper's language, linked from every page's header, its script the bundled one", async () => {
    for (const [language, title, link] of [
      ["en", "Your browsing and purchases", "My profile"],
      ["zh-CN", "我的浏览与购买", "我的"],
    ] as const) {
      const response = await get("/me", { "Accept-Language": language });
      expect(response.status).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("private, no-store");
      const body = await response.text();
      expect(body).toContain(`<html lang="${language}">`);
      expect(body).toContain(title);
      expect(body).toMatch(/<script type="module" src="\/assets\/me\.page\.[A-Z0-9]+\.js"><\/script>/);
      const home = await (await get("/", { "Accept-Language": language })).text();
      expect(home).toContain(`<a class="me" href="/me">${link}</a>`);
    }
  });
});
