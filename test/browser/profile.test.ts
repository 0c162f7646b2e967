import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { screenshotPath, StorefrontUnderTest } from "./harness.ts";

/**
 * Shoppers' profiles in Chromium (issue 13), end to end as deployed: the sale page records a
 * product view, its beacon goes out as the page is left, the events queue delivers it to the
 * consumer Worker, which writes Postgres and the shopper's window in Redis, and `/me` shows it.
 * Nothing waits for time: the tests poll what the page shows.
 */
let shop: StorefrontUnderTest;

beforeAll(async () => {
  shop = await StorefrontUnderTest.start(inject("stackVars"), { eventsConsumer: true });
});
afterAll(() => shop?.stop());
afterEach(() => {
  expect(shop.cspViolations.splice(0)).toEqual([]);
});

/** Reloads `/me` until `ready` holds for what it shows (the queue delivers within its 1 s batch timeout). */
async function profileShows(page: Page, ready: () => Promise<boolean>): Promise<void> {
  await expect
    .poll(
      async () => {
        await page.goto("/me");
        await page.waitForSelector('#profile[data-state="ready"]');
        return ready();
      },
      { timeout: 20_000, interval: 250 },
    )
    .toBe(true);
}

describe("the shopper's profile page, /me", () => {
  it("shows a phone shopper in Chinese the product they just viewed, then their paid order, from page to beacon to queue to Redis and Postgres", async () => {
    const sale = await shop.seedSale({ category: "耳机" });
    const context = await shop.newShopper("phone", "zh-CN");
    const page = await context.newPage();
    await page.goto(`/sales/${sale.sku}`);
    // The session first (Buy waits for it), so the beacon carries this shopper's cookie.
    await page.waitForFunction(() => document.querySelector("#buy")?.getAttribute("data-state") === "live");
    // Leaving the page sends its beacon (pagehide); the header's link is how a shopper gets there.
    await page.locator("a.me").click();
    await page.waitForURL("**/me");
    expect(await page.locator("h1").textContent()).toBe("我的浏览与购买");

    const recent = page.locator("#recent-products li");
    await profileShows(page, async () => (await recent.count()) === 1);
    expect(await recent.first().getAttribute("data-sku")).toBe(sale.sku);
    expect(await recent.first().locator("a").textContent()).toBe(sale.title);
    expect(await recent.first().locator(".meta").textContent()).toMatch(/^耳机 · (刚刚|1 分钟前)$/);
    expect(await page.locator("#window-summary").textContent()).toBe("1 件商品 · 最近浏览品类：耳机");
    expect(await page.locator("#paid-orders").textContent()).toBe("0");
    expect(await page.locator("#first-seen").textContent()).not.toBe("暂无");

    // A purchase, through the API as the sale page makes it, reaches the lifetime facts through the outbox.
    const paid = await page.evaluate(async (sku) => {
      const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(path, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
      const placed = await post("/api/checkout", { sku, qty: 1 }, { "Idempotency-Key": crypto.randomUUID() });
      const { order } = (await placed.json()) as { order: { id: string } };
      return (await post(`/api/orders/${order.id}/pay`, {})).status;
    }, sale.sku);
    expect(paid).toBe(200);
    await profileShows(page, async () => (await page.locator("#paid-orders").textContent()) === "1");
    expect(await page.locator("#spend").textContent()).toBe("¥299.50");
    expect(await page.locator("#favourites li").first().textContent()).toBe("耳机：购买 1 次 · 浏览 1 次");
    await page.screenshot({ path: screenshotPath("me-phone-zh"), fullPage: true });
    await context.close();
  });

  it("greets a shopper who has viewed nothing in English, with the language switch kept on the page", async () => {
    const context = await shop.newShopper("phone", "en-US");
    const page = await context.newPage();
    await page.goto("/me");
    await page.waitForSelector('#profile[data-state="ready"]');
    expect(await page.locator("h1").textContent()).toBe("Your browsing and purchases");
    expect(await page.locator("#profile").getAttribute("data-window")).toBe("ok");
    expect(await page.locator("#window-summary").textContent()).toBe("Nothing viewed in the last 30 minutes.");
    expect(await page.locator("#recent-products li").count()).toBe(0);
    expect(await page.locator("#first-seen").textContent()).toBe("None yet");
    expect(await page.locator("#spend").textContent()).toBe("¥0.00");
    expect(await page.locator("#favourites").textContent()).toBe("None yet");
    // The page fits a phone: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.locator("a.lang").click();
    await page.waitForSelector('#profile[data-state="ready"]');
    expect(await page.locator("h1").textContent()).toBe("我的浏览与购买");
    await page.screenshot({ path: screenshotPath("me-phone-en-empty"), fullPage: true });
    await context.close();
  });
});
