import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/storefront/index.ts";
import { pageCacheKey, purgeSalePages, salePageKeys } from "../../workers/storefront/pages/page-cache.ts";
import { saveSale } from "../../workers/storefront/admin/save-sale.ts";
import { createSale, update } from "./admin-support.ts";

/** A page through the Worker, with what it left in `waitUntil` (the cache store) done. */
async function page(path: string, lang: "en" | "zh-CN" = "en") {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`https://shop.test${path}`, { headers: { "Accept-Language": lang } }), env, ctx);
  const body = await response.text();
  await waitOnExecutionContext(ctx);
  return { cache: response.headers.get("X-Edge-Cache"), body };
}

/** Loads a page until the edge cache holds it. */
async function cached(path: string, lang: "en" | "zh-CN" = "en") {
  await page(path, lang);
  const hit = await page(path, lang);
  expect(hit.cache, `${path} in ${lang}`).toBe("HIT");
  return hit;
}

describe("purgeSalePages (issue 11)", () => {
  it("deletes the sale's page and the home page in every language, and nothing else", async () => {
    const origin = `https://purge-${crypto.randomUUID().slice(0, 8)}.test`;
    const keys = salePageKeys("earbuds-1111", origin);
    expect(keys).toEqual([
      `${origin}/?__lang=en`,
      `${origin}/?__lang=zh-CN`,
      `${origin}/sales/earbuds-1111?__lang=en`,
      `${origin}/sales/earbuds-1111?__lang=zh-CN`,
    ]);
    const other = pageCacheKey(origin, "/sales/another-sku", "en");
    for (const key of [...keys, other])
      await caches.default.put(key, new Response("cached", { headers: { "Cache-Control": "public, max-age=60" } }));

    expect(await purgeSalePages("earbuds-1111", origin)).toBe(4);
    for (const key of keys) expect(await caches.default.match(key), key).toBeUndefined();
    expect(await (await caches.default.match(other))?.text()).toBe("cached");
    expect(await purgeSalePages("earbuds-1111", origin)).toBe(0);
  });
});

describe("a saved sale purges its cached pages", () => {
  it("purges through saveSale given the shop's origin, and purges nothing without one", async () => {
    const { sale } = await createSale({ title: "Saved directly, before" });
    const path = `/sales/${sale.sku}`;
    await cached(path);
    const change = (title: string, version: number) => ({
      action: "update" as const,
      actor: "test",
      config: { ...sale, title, version, updatedAt: Date.now(), updatedBy: "test" },
    });

    await saveSale(env, change("Saved directly, no origin", sale.version + 1));
    expect(await page(path)).toMatchObject({ cache: "HIT", body: expect.stringContaining("Saved directly, before") });

    await saveSale(env, change("Saved directly, after", sale.version + 2), { pagesOrigin: "https://shop.test" });
    expect(await page(path)).toMatchObject({ cache: "MISS", body: expect.stringContaining("Saved directly, after") });
  });

  it("shows the new title and price at once after a save through the admin API, in both languages and on the home page", async () => {
    const { sale } = await createSale({ title: "Title before the save" });
    const path = `/sales/${sale.sku}`;
    expect((await cached(path)).body).toContain("Title before the save");
    expect((await cached(path, "zh-CN")).body).toContain("Title before the save");
    await cached("/");

    const saved = await update(sale, {
      title: "Title after the save",
      tiers: [{ fromRank: 1, toRank: 10, unitPrice: 7_700, label: "First 10 at ¥77" }],
    });
    expect(saved.status).toBe(200);

    const en = await page(path);
    expect(en.cache, "not purged: admin/sales.ts passes { pagesOrigin: new URL(c.req.url).origin } to saveSale").toBe("MISS");
    expect(en.body).toContain("Title after the save");
    expect(en.body).toContain("¥77.00");
    expect(en.body).not.toContain("Title before the save");
    const zh = await page(path, "zh-CN");
    expect(zh.cache).toBe("MISS");
    expect(zh.body).toContain("Title after the save");
    const home = await page("/");
    expect(home.body).toContain("Title after the save");
  });
});
