import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { screenshotPath, storefrontForFile } from "./harness.ts";

/**
 * Shoppers' profiles in Chromium (issue 13), end to end as deployed: the sale page records a
 * product view, its beacon goes out as the page is left, the events queue delivers it to the
 * consumer Worker, which writes Postgres and the shopper's window in Redis, and `/me` shows it.
 * Nothing waits for time: the tests poll what the page shows.
 */
const shop = storefrontForFile({ eventsConsumer: true });

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

describe("the console's Shoppers view", () => {
  it("lets an adviser look a shopper up by id: their window, lifetime facts and latest events, and the events overview", async () => {
    // A shopper on a phone, from a campaign link, views a sale and leaves it (the beacon goes out).
    const sale = await shop.seedSale({ category: "audio" });
    const shopperContext = await shop.newShopper("phone", "en-US");
    const shopperPage = await shopperContext.newPage();
    await shopperPage.goto(`/sales/${sale.sku}?utm_source=wechat&utm_campaign=d11`);
    await shopperPage.waitForFunction(() => document.querySelector("#buy")?.getAttribute("data-state") === "live");
    const shopperId = await shopperPage.evaluate(async () => {
      const session = await fetch("/api/session", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
      return ((await session.json()) as { shopperId: string }).shopperId;
    });
    await shopperPage.evaluate(() => dispatchEvent(new Event("pagehide")));

    const adviser = await shop.createStaff("adviser", "Ada Adviser");
    const context = await shop.newShopper("desktop");
    const page = await context.newPage();
    await page.goto("/admin");
    await page.fill("#password-sign-in [name=email]", adviser.email);
    await page.fill("#password-sign-in [name=password]", adviser.password);
    await page.click("#password-sign-in button[type=submit]");
    await page.locator("#app").waitFor();
    // An adviser reads shoppers, not sales: the Shoppers button is offered, the sale controls are not.
    expect(await page.locator("#show-shoppers").isVisible()).toBe(true);
    expect(await page.locator("#new-sale").isVisible()).toBe(false);
    await page.click("#show-shoppers");
    await page.locator('[data-view="events-overview"]').waitFor();

    // Look the shopper up until the queue has delivered the view (a second at most, here).
    const distinct = page.locator('[data-view="shopper-window"] [data-field="distinct"]');
    await expect
      .poll(
        async () => {
          await page.fill("#shopper-id", shopperId);
          await page.click("#shopper-lookup button[type=submit]");
          await page.locator(`[data-view="shopper-profile"][data-shopper="${shopperId}"]`).waitFor();
          return distinct.textContent();
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBe("1");
    expect(await page.locator('[data-field="latest-category"]').textContent()).toBe("audio");
    expect(await page.locator('[data-field="paid-orders"]').textContent()).toBe("0");
    const view = page.locator('[data-view="shopper-events"] tr[data-type="product_view"]').first();
    const cells = await view.locator("td").allTextContents();
    // The device class is the server's reading of the User-Agent, which Chromium's phone emulation leaves a desktop one.
    expect(cells.slice(1)).toEqual([
      "product_view",
      sale.sku,
      `/sales/${sale.sku}?utm_source=wechat&utm_campaign=d11`,
      expect.stringMatching(/^(phone|desktop)$/),
      "source=wechat campaign=d11",
      "–",
    ]);

    // The overview, read again, counts the view; a string that is no shopper id is said so in place.
    await page.click("#refresh-overview");
    await expect
      .poll(async () => Number((await page.locator('[data-view="events-by-type"] tr[data-type="product_view"] td.num').textContent()) ?? 0))
      .toBeGreaterThanOrEqual(1);
    expect(Number(await page.locator('[data-field="dead-letters"]').textContent())).toBeGreaterThanOrEqual(0);
    await page.screenshot({ path: screenshotPath("console-shoppers"), fullPage: true });
    await page.fill("#shopper-id", "ord_not-a-shopper");
    await page.click("#shopper-lookup button[type=submit]");
    await expect.poll(() => page.locator('[data-view="shopper-problem"]').textContent()).toMatch(/not a shopper id/);
    await shopperContext.close();
    await context.close();
  });
});
