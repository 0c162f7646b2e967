import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { recordPaint, screenshotPath, StorefrontUnderTest } from "./harness.ts";

let shop: StorefrontUnderTest;

beforeAll(async () => {
  shop = await StorefrontUnderTest.start(inject("stackVars"));
});
afterAll(() => shop?.stop());

/** First contentful paint as the browser's Performance API reports it. */
async function firstContentfulPaint(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const existing = performance.getEntriesByName("first-contentful-paint")[0];
        if (existing) return resolve(existing.startTime);
        new PerformanceObserver((list) => resolve(list.getEntries()[0]!.startTime)).observe({ type: "paint", buffered: true });
      }),
  );
}

const remaining = (page: Page) => page.locator("#stock-text").getAttribute("data-remaining").then(Number);

describe("storefront in a real browser", () => {
  it("renders the sale page with its picture as AVIF or WebP, and measures first contentful paint", async () => {
    const sale = await shop.seedSale();
    const context = await shop.newShopper();
    const page = await context.newPage();
    const imageTypes: string[] = [];
    page.on("response", (response) => {
      if (new URL(response.url()).pathname.startsWith("/images/")) imageTypes.push(response.headers()["content-type"] ?? "");
    });
    await page.goto(`/sales/${sale.sku}`);
    await expect.poll(() => page.locator("h1").textContent()).toBe(sale.title);
    await page.locator(".hero img").evaluate((img: HTMLImageElement) => img.decode());
    expect(imageTypes.length).toBeGreaterThan(0);
    expect(imageTypes.every((type) => type === "image/avif" || type === "image/webp")).toBe(true);
    await expect.poll(() => page.locator("#live-status").getAttribute("data-connected")).toBe("true");
    const fcp = await firstContentfulPaint(page);
    expect(fcp).toBeGreaterThan(0);
    recordPaint("sale", fcp);
    await page.screenshot({ path: screenshotPath("sale-desktop"), fullPage: true });
    await context.close();
  });

  it("ticks the countdown on server time and enables the buy button the moment the sale opens", async () => {
    const sale = await shop.seedSale({ startsAt: Date.now() + 4_000 });
    const context = await shop.newShopper("phone");
    const page = await context.newPage();
    await page.goto(`/sales/${sale.sku}`);
    const buy = page.locator("#buy");
    expect(await buy.getAttribute("data-state")).toBe("waiting");
    expect(await buy.isDisabled()).toBe(true);
    const canvas = page.locator("#countdown");
    const first = Number(await canvas.getAttribute("data-remaining-ms"));
    await page.waitForTimeout(300);
    const second = Number(await canvas.getAttribute("data-remaining-ms"));
    expect(first).toBeGreaterThan(0);
    expect(second).toBeLessThan(first);
    await page.screenshot({ path: screenshotPath("sale-phone-waiting") });
    await page.waitForFunction(() => document.querySelector("#buy")?.getAttribute("data-state") === "live", null, { timeout: 15_000 });
    expect(await buy.isDisabled()).toBe(false);
    expect(await page.locator("#countdown-label").textContent()).toBe("Ends in");
    await context.close();
  });

  it("drops the first shopper's stock bar within a second of a second shopper buying", async () => {
    const sale = await shop.seedSale();
    const watcher = await (await shop.newShopper()).newPage();
    await watcher.goto(`/sales/${sale.sku}`);
    await expect.poll(() => watcher.locator("#live-status").getAttribute("data-connected")).toBe("true");
    const before = await remaining(watcher);

    const buyerContext = await shop.newShopper("phone");
    const buyer = await buyerContext.newPage();
    await buyer.goto(`/sales/${sale.sku}`);
    await buyer.locator("#buy").click();
    await buyer.waitForURL(/\/orders\/ord_/);
    await watcher.waitForFunction((n) => Number(document.querySelector("#stock-text")?.getAttribute("data-remaining")) < n, before, {
      timeout: 1_000,
    });
    expect(await remaining(watcher)).toBe(before - 1);

    // The buyer's order page: held with its own countdown, then paid.
    await expect.poll(() => buyer.locator("#order").getAttribute("data-status")).toBe("pending_payment");
    expect(Number(await buyer.locator("#countdown").getAttribute("data-remaining-ms"))).toBeGreaterThan(0);
    await buyer.screenshot({ path: screenshotPath("order-pending-phone") });
    await buyer.locator("#pay").click();
    await expect.poll(() => buyer.locator("#order").getAttribute("data-status")).toBe("paid");
    await buyer.screenshot({ path: screenshotPath("order-paid-phone") });
    await buyerContext.close();
  });

  it("shows the API's refusal in the shopper's words: a declined payment keeps the order pending", async () => {
    const sale = await shop.seedSale();
    const context = await shop.newShopper();
    const page = await context.newPage();
    await page.goto(`/sales/${sale.sku}`);
    await page.locator("#buy").click();
    await page.waitForURL(/\/orders\/ord_/);
    await page.locator("#pay-method").selectOption("pm_local_decline");
    await page.locator("#pay").click();
    await expect.poll(() => page.locator("#message").textContent()).toBe("The payment was declined. Try another payment method.");
    expect(await page.locator("#order").getAttribute("data-status")).toBe("pending_payment");
    await page.locator("#cancel").click();
    await expect.poll(() => page.locator("#order").getAttribute("data-status")).toBe("cancelled");
    await context.close();
  });

  it("shows sold out when nothing is left", async () => {
    const sale = await shop.seedSale({ stock: 1, tiers: [], perShopperLimit: 1 });
    const buyer = await (await shop.newShopper()).newPage();
    await buyer.goto(`/sales/${sale.sku}`);
    await buyer.locator("#buy").click();
    await buyer.waitForURL(/\/orders\/ord_/);

    const latecomer = await (await shop.newShopper()).newPage();
    await latecomer.goto(`/sales/${sale.sku}`);
    await expect.poll(() => latecomer.locator("#buy").getAttribute("data-state")).toBe("sold_out");
    expect(await latecomer.locator("#buy").isDisabled()).toBe(true);
    expect(await latecomer.locator("#buy").textContent()).toContain("Sold out");
    await latecomer.screenshot({ path: screenshotPath("sale-sold-out") });
  });

  it("lists sales on the home page and speaks Chinese on request", async () => {
    const sale = await shop.seedSale({ title: "Smart Watch S3" });
    const context = await shop.newShopper("desktop", "zh-CN");
    const page = await context.newPage();
    await page.goto("/");
    await expect.poll(() => page.locator(`.sale-card[data-sku="${sale.sku}"]`).count()).toBe(1);
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    recordPaint("home", await firstContentfulPaint(page));
    await page.screenshot({ path: screenshotPath("home-zh") });
    await page.locator("a.lang").click();
    await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("en");
    await page.goto("/no/such/page");
    expect(await page.locator("h1").textContent()).toContain("404");
    await page.screenshot({ path: screenshotPath("not-found") });
    await context.close();
  });
});
