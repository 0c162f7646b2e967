import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { screenshotPath, storefrontForFile, pausePageClock } from "./harness.ts";

/**
 * The live dashboard (/admin/dashboard, issue 13) in Chromium, on the production bundle: the
 * charts drawn by uPlot on canvases, the thresholds' cards, and a breach turning its card and
 * chart red with words to say so. The page's 5-second refresh runs on a clock the test moves
 * (`page.clock`), never on a real wait.
 */
const REFRESH_MS = 5_000;
const CHARTS = ["chart-latency", "chart-checkouts", "chart-orders", "chart-payments", "chart-coupons", "chart-stock"];

const shop = storefrontForFile();

/** A shopper's checkout and payment, in a browser of their own, as the sale page makes them. */
async function buyAndPay(sku: string, paymentMethod: string): Promise<number> {
  const context = await shop.newShopper("phone");
  const page = await context.newPage();
  await page.goto(`/sales/${sku}`);
  const status = await page.evaluate(
    async ({ sku, paymentMethod }) => {
      const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(path, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
      await post("/api/session", {});
      const placed = await post("/api/checkout", { sku, qty: 1 }, { "Idempotency-Key": crypto.randomUUID() });
      const { order } = (await placed.json()) as { order: { id: string } };
      return (await post(`/api/orders/${order.id}/pay`, { paymentMethod })).status;
    },
    { sku, paymentMethod },
  );
  await context.close();
  return status;
}

async function signInAs(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/admin");
  await page.fill("#password-sign-in [name=email]", email);
  await page.fill("#password-sign-in [name=password]", password);
  await page.click("#password-sign-in button[type=submit]");
  await page.locator("#app").waitFor();
}

describe("the live dashboard", () => {
  it("shows an analyst on a phone, in Chinese, every chart and the thresholds; a declined payment trips payment success on the next refresh", async () => {
    const sale = await shop.seedSale();
    expect(await buyAndPay(sale.sku, "pm_local_approve")).toBe(200);
    const analyst = await shop.createStaff("analyst", "Ana Analyst");
    const context = await shop.newShopper("phone", "zh-CN");
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.clock.install();
    await signInAs(page, analyst.email, analyst.password);
    // The console offers the dashboard to a role that reads metrics.
    expect(await page.locator("#open-dashboard").isVisible()).toBe(true);
    await page.click("#open-dashboard");
    await page.waitForURL("**/admin/dashboard");

    expect(await page.locator("h2").allTextContents()).toEqual(["P99 延迟", "支付成功率", "优惠券核销率"]);
    // Every chart is drawn by uPlot, on a canvas.
    for (const id of CHARTS) await page.locator(`#${id} canvas`).first().waitFor();
    await expect.poll(() => page.locator("#status").textContent()).toMatch(/^实时 · 更新于/);
    const payments = page.locator("#verdict-paymentSuccess");
    expect(await payments.getAttribute("data-state")).toBe("ok");
    expect(await payments.locator(".state").textContent()).toBe("正常");
    expect(await payments.locator(".value").textContent()).toBe("100.00 %");
    expect(await page.locator("#verdict-couponRedemption").getAttribute("data-state")).toBe("no_data");
    expect(await page.locator("#verdict-couponRedemption .value").textContent()).toBe("暂无优惠券");
    expect(await page.locator("#verdict-p99Latency .value").textContent()).toMatch(/^\d+ ms$/);
    // The stock chart has a line for the sale's SKU (uPlot's legend names it).
    await expect.poll(() => page.locator("#chart-stock .u-legend").textContent()).toContain(sale.sku);
    // The threshold is drawn: the payments chart's legend has the dashed threshold line.
    expect(await page.locator("#chart-payments .u-legend").textContent()).toContain("阈值");

    // From here on the 5-second refresh runs only when the test moves the page's clock.
    await pausePageClock(page, 1_000);
    expect(await buyAndPay(sale.sku, "pm_local_decline")).toBe(402);
    expect(await payments.getAttribute("data-state")).toBe("ok"); // not refreshed yet
    await page.clock.runFor(REFRESH_MS);
    await expect.poll(() => payments.getAttribute("data-state")).toBe("breached");
    expect(await payments.locator(".state").textContent()).toBe("告警");
    expect(await payments.locator(".value").textContent()).toBe("50.00 %");
    expect(await page.locator("#chart-payments").getAttribute("data-state")).toBe("breached");
    // Colour as well as words: the breached card's border is the alert red.
    expect(await payments.evaluate((el) => getComputedStyle(el).borderTopColor)).toBe("rgb(198, 40, 40)");
    // It fits a phone: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: screenshotPath("dashboard-phone-zh"), fullPage: true });
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("tells someone not signed in, in English, where to sign in, and asks no more", async () => {
    const context = await shop.newShopper("desktop", "en-US");
    const page = await context.newPage();
    await page.clock.install();
    await page.goto("/admin/dashboard");
    await page.locator("#sign-in-needed").waitFor();
    expect(await page.locator("#sign-in-needed").textContent()).toContain("Sign in on the console first");
    expect(await page.locator("h2").first().textContent()).toBe("p99 latency");
    const asked: string[] = [];
    page.on("request", (request) => asked.push(request.url()));
    await page.clock.runFor(REFRESH_MS * 3);
    expect(asked.filter((url) => url.includes("/admin/api/"))).toEqual([]);
    await page.locator("a.lang").click();
    expect(await page.locator("h2").first().textContent()).toBe("P99 延迟");
    await context.close();
  });
});
