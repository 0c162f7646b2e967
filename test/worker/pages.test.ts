import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { demoSales } from "../../src/sales/demo-sales.ts";
import { saleConfigSchema, saleKey } from "../../src/sales/sale-config.ts";

async function seed(sku: string, startOffsetMs: number) {
  const [template] = demoSales(Date.now());
  const sale = saleConfigSchema.parse({ ...template, sku, startsAt: Date.now() + startOffsetMs });
  await env.SALES.put(saleKey(sku), JSON.stringify(sale));
  return sale;
}

describe("shopper pages", () => {
  it("lists live and upcoming sales on the home page", async () => {
    const live = await seed("page-live", -60_000);
    const upcoming = await seed("page-upcoming", 5 * 60_000);
    const response = await exports.default.fetch("https://shop.test/");
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain(`href="/sales/${live.sku}"`);
    expect(page).toContain(`href="/sales/${upcoming.sku}"`);
  });

  it("renders a sale page with its phase, tiers and a countdown target in server time", async () => {
    const sale = await seed("page-upcoming-detail", 5 * 60_000);
    const response = await exports.default.fetch(`https://shop.test/sales/${sale.sku}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const page = await response.text();
    expect(page).toContain('data-phase="upcoming"');
    expect(page).toContain(`data-target="${sale.startsAt}"`);
    expect(page).toContain("¥299.50"); // first tier, 29950 fen
    expect(page).toContain("First 100 at half price");
  });

  it("answers an unknown SKU with the API's 404 error shape", async () => {
    const response = await exports.default.fetch("https://shop.test/sales/no-such-sku");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "not_found", message: 'no sale for SKU "no-such-sku"' } });
  });

  it("answers an unknown route with 404, never a 500", async () => {
    const response = await exports.default.fetch("https://shop.test/definitely/not/here");
    expect(response.status).toBe(404);
    const body = await response.json<{ error: { code: string } }>();
    expect(body.error.code).toBe("not_found");
  });

  it("skips a malformed KV entry on the home page and refuses to render it as a sale", async () => {
    await env.SALES.put(saleKey("page-broken"), JSON.stringify({ sku: "page-broken", stock: -1 }));
    const home = await exports.default.fetch("https://shop.test/");
    expect(home.status).toBe(200);
    expect(await home.text()).not.toContain("/sales/page-broken");
    const page = await exports.default.fetch("https://shop.test/sales/page-broken");
    expect(page.status).toBe(500);
    expect(await page.json()).toEqual({ error: { code: "internal", message: 'sale "page-broken" in KV is not a valid configuration' } });
  });
});
