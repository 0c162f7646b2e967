import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import manifest from "../../build/asset-manifest.json";
import { saleKey } from "../../src/sales/sale-config.ts";
import { seedSale } from "./support.ts";

const get = (path: string, headers: Record<string, string> = {}) => exports.default.fetch(`https://shop.test${path}`, { headers });

describe("shopper pages", () => {
  it("lists live and upcoming sales on the home page", async () => {
    const live = await seedSale({ startsAt: Date.now() - 60_000 });
    const upcoming = await seedSale({ startsAt: Date.now() + 5 * 60_000 });
    const response = await get("/");
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain(`href="/sales/${live.sku}"`);
    expect(page).toContain(`href="/sales/${upcoming.sku}"`);
    expect(page).toContain(manifest.scripts.home);
  });

  it("renders a sale page with phase, tiers, hero image, preload headers and its start and end in server time", async () => {
    const sale = await seedSale({ startsAt: Date.now() + 5 * 60_000, images: ["earbuds"] });
    const response = await get(`/sales/${sale.sku}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const page = await response.text();
    expect(page).toContain('data-phase="upcoming"');
    expect(page).toContain(`data-starts-at="${sale.startsAt}"`);
    expect(page).toContain('<canvas id="countdown"');
    expect(page).toContain("¥299.50"); // the first tier, 29950 fen
    expect(page).toContain("First 100 at half price");
    expect(page).toContain(`/images/${manifest.images.earbuds.id}/960`);
    const link = response.headers.get("Link")!;
    expect(link).toContain(`<${manifest.styles.storefront}>; rel=preload; as=style`);
    expect(link).toContain(`<${manifest.scripts.sale}>; rel=modulepreload`);
    expect(link).toContain(`/images/${manifest.images.earbuds.id}/960>; rel=preload; as=image`);
  });

  it("shows a limited-time gift (限时加赠) whose window is open, and leaves out one that has closed", async () => {
    const now = Date.now();
    const sale = await seedSale({
      startsAt: now - 300_000,
      gifts: [
        { id: "case", title: "Charging case", startsAt: now - 60_000, endsAt: now + 600_000, stock: 50 },
        { id: "strap", title: "Old strap", startsAt: now - 120_000, endsAt: now - 60_000, stock: 5 },
      ],
    });
    const page = await (await get(`/sales/${sale.sku}`)).text();
    expect(page).toContain("Charging case");
    expect(page).toContain(`data-gift data-starts-at="${now - 60_000}" data-ends-at="${now + 600_000}"`);
    expect(page).not.toContain("Old strap");
  });

  it("caches a sale page at the edge briefly, never with a cookie", async () => {
    const sale = await seedSale();
    const first = await get(`/sales/${sale.sku}`);
    expect(first.headers.get("X-Edge-Cache")).toBe("MISS");
    expect(first.headers.get("Set-Cookie")).toBeNull();
    expect(first.headers.get("Cache-Control")).toBe("public, max-age=5, stale-while-revalidate=30");
    await first.text();
    await new Promise((resolve) => setTimeout(resolve, 100)); // the store runs after the reply
    const second = await get(`/sales/${sale.sku}`);
    expect(second.headers.get("X-Edge-Cache")).toBe("HIT");
    expect(await second.text()).toContain(sale.title);
  });

  it("speaks Chinese by Accept-Language, and the switch is remembered in a cookie, uncached", async () => {
    const sale = await seedSale();
    const byHeader = await (await get(`/sales/${sale.sku}`, { "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5" })).text();
    expect(byHeader).toContain('<html lang="zh-CN">');
    expect(byHeader).toContain("立即抢购");
    const switched = await get(`/sales/${sale.sku}?lang=en`, { "Accept-Language": "zh-CN" });
    expect(switched.headers.get("Set-Cookie")).toMatch(/^lang=en;/);
    expect(switched.headers.get("X-Edge-Cache")).toBeNull();
    expect(await switched.text()).toContain("Buy now");
  });

  it("answers an unknown SKU and an unknown address with a real 404 page, and the API with JSON", async () => {
    for (const path of ["/sales/no-such-sku", "/definitely/not/here"]) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(await response.text()).toContain("404");
    }
    const api = await get("/api/definitely-not-here");
    expect(api.status).toBe(404);
    expect((await api.json<{ error: { code: string } }>()).error.code).toBe("not_found");
  });

  it("skips a malformed KV entry on the home page", async () => {
    await env.SALES.put(saleKey("page-broken"), JSON.stringify({ sku: "page-broken", stock: -1 }));
    const home = await get("/");
    expect(home.status).toBe(200);
    expect(await home.text()).not.toContain("/sales/page-broken");
  });

  it("serves the order page privately, never cached", async () => {
    const response = await get("/orders/ord_some-sku_abcdefghijklmnopqrstuvwx");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    expect(await response.text()).toContain(manifest.scripts.order);
  });
});

describe("static files at the edge", () => {
  const image = `/images/${manifest.images.earbuds.id}/480`;

  it.each([
    ["image/avif,image/webp,image/*", "image/avif"],
    ["image/webp,image/*", "image/webp"],
    ["image/*", "image/jpeg"],
  ])("negotiates an image for Accept %s as %s, varying by Accept, cached for good", async (accept, type) => {
    const response = await get(image, { Accept: accept });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe(type);
    expect(response.headers.get("Vary")).toBe("Accept");
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    const bytes = (await response.arrayBuffer()).byteLength;
    const format = type === "image/jpeg" ? "jpeg" : (type.slice(6) as "avif" | "webp");
    expect(bytes).toBe(manifest.images.earbuds.widths["480"][format].bytes);
  });

  it("serves hashed scripts and styles as immutable, and 404s what was never built", async () => {
    const css = await get(manifest.styles.storefront);
    expect(css.status).toBe(200);
    expect(css.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(await css.text()).toContain(".phase");
    expect((await get(`/images/${manifest.images.earbuds.id}/123`)).status).toBe(404);
    expect((await get("/assets/nothing.js")).status).toBe(404);
  });
});
